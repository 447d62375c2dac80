/**
 * One issue shape for decoder findings and encoder input errors, and the one error type the package throws.
 */

/** Machine-readable issue codes. */
export type QrIssueCode =
  | 'not-a-string'
  | 'empty'
  | 'non-ascii'
  | 'bad-tag'
  | 'bad-length'
  | 'truncated'
  | 'duplicate-tag'
  | 'missing-tag'
  | 'unexpected-tag'
  | 'not-vietqr'
  | 'invalid-value'
  | 'too-long'
  | 'crc-format'
  | 'crc-not-last'
  | 'crc-mismatch'
  | 'invalid-input'
  | 'too-many-issues'
  | 'internal';

/** A precise problem: which tag, where in the payload, what was expected. */
export interface QrIssue {
  /** One of {@link QrIssueCode}; typed as string so new codes are not a breaking change. */
  code: QrIssueCode | (string & {});
  /** Tag path, e.g. `'54'`, `'38.01.00'`, `'62.08'`; for encoder input, the input field name. */
  tag?: string;
  /** Index in the payload (characters; UTF-8 bytes when a non-ASCII payload only parses that way). */
  position?: number;
  message: string;
  expected?: string;
}

/**
 * Thrown by `encode` and the renderers on bad input; carries every issue found, not only the first.
 *
 * @example
 * try { encode({ bin: '97043', account: '1' }); } catch (e) { if (e instanceof QrError) console.log(e.issues); }
 */
export class QrError extends Error {
  override readonly name = 'QrError';
  readonly issues: QrIssue[];

  constructor(issues: QrIssue[], message?: string) {
    super(message ?? issues.map((i) => (i.tag ? `${i.tag}: ${i.message}` : i.message)).join('; '));
    this.issues = issues;
  }
}
