/**
 * EMVCo TLV framing: `ID(2 digits) LEN(2 digits) VALUE`. The reader never throws and runs in one linear
 * pass; it reports the first framing problem with its absolute position and stops, because after a bad
 * length nothing that follows can be trusted.
 */
import type { QrIssue } from './errors.js';

export interface TlvEntry {
  /** 2-digit tag ID. */
  id: string;
  value: string;
  /** Absolute position of the tag ID. */
  position: number;
  /** Absolute position of the first value character. */
  valuePosition: number;
}

export interface TlvRead {
  entries: TlvEntry[];
  issue?: QrIssue;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function readTwoDigits(s: string, at: number): number {
  const a = s.charCodeAt(at);
  const b = s.charCodeAt(at + 1);
  if (!isDigit(a) || !isDigit(b)) return -1;
  return (a - 48) * 10 + (b - 48);
}

/**
 * Splits `s` into TLV entries.
 *
 * @param base absolute position of `s` inside the payload (for nested templates)
 * @param path tag path of the template being read (`''` for top level, `'62'` for 62's sub-tags)
 */
export function readTlv(s: string, base = 0, path = ''): TlvRead {
  const entries: TlvEntry[] = [];
  const prefix = path ? `${path}.` : '';
  let at = 0;
  while (at < s.length) {
    if (at + 4 > s.length) {
      return {
        entries,
        issue: {
          code: 'truncated',
          tag: path || undefined,
          position: base + at,
          message: `${s.length - at} stray character(s) where a tag header (ID and length, 4 digits) should start`,
          expected: 'ID(2 digits) LEN(2 digits)',
        },
      };
    }
    if (readTwoDigits(s, at) < 0) {
      return {
        entries,
        issue: {
          code: 'bad-tag',
          tag: path || undefined,
          position: base + at,
          message: `tag ID ${JSON.stringify(s.slice(at, at + 2))} is not two digits`,
          expected: 'two digits 00-99',
        },
      };
    }
    const id = s.slice(at, at + 2);
    const length = readTwoDigits(s, at + 2);
    if (length < 0) {
      return {
        entries,
        issue: {
          code: 'bad-length',
          tag: prefix + id,
          position: base + at + 2,
          message: `length of tag ${prefix + id} is ${JSON.stringify(s.slice(at + 2, at + 4))}, not two digits`,
          expected: 'two digits 00-99',
        },
      };
    }
    const valueStart = at + 4;
    if (valueStart + length > s.length) {
      return {
        entries,
        issue: {
          code: 'truncated',
          tag: prefix + id,
          position: base + valueStart,
          message: `tag ${prefix + id} declares ${length} character(s) but only ${s.length - valueStart} remain`,
          expected: `${length} character(s)`,
        },
      };
    }
    entries.push({
      id,
      value: s.slice(valueStart, valueStart + length),
      position: base + at,
      valuePosition: base + valueStart,
    });
    at = valueStart + length;
  }
  return { entries };
}

/** One TLV field; the caller guarantees `value.length <= 99`. */
export function tlv(id: string, value: string): string {
  const n = value.length;
  return id + (n < 10 ? `0${n}` : `${n}`) + value;
}
