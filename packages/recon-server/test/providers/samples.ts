/** Shared helpers for the provider adapter tests: the reference samples and failure reasons. */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { CallbackPayloadError } from '../../src/callbacks/providers/index.js';
import type { CallbackRequest } from '../../src/callbacks/providers/types.js';
import { CallbackVerificationError } from '../../src/shared/signing.js';

/** The webhook samples, copied into the repository (test/fixtures/SOURCES.md says from where). */
const SAMPLES = new URL('../fixtures/webhooks/', import.meta.url);

// biome-ignore lint/suspicious/noExplicitAny: the samples are JSON fixtures read as-is.
export function sample(file: string): any {
  return JSON.parse(readFileSync(new URL(file, SAMPLES), 'utf8'));
}

/** Header names lower-cased, as Node hands them to the adapters. */
export function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

export function requestOf(rawBody: string | Buffer, headers: Record<string, string> = {}): CallbackRequest {
  return {
    rawBody: Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(rawBody, 'utf8'),
    headers: lowerCased(headers),
  };
}

/** Changes one byte of the body: the first digit at or after `from` (default: the start). */
export function oneByteChanged(rawBody: string, from = ''): string {
  const start = rawBody.indexOf(from);
  if (start < 0) throw new Error(`no ${from} in the body`);
  const at = start + rawBody.slice(start).search(/\d/);
  if (at < start) throw new Error('no digit to change');
  const digit = rawBody[at] === '9' ? '8' : String(Number(rawBody[at]) + 1);
  return rawBody.slice(0, at) + digit + rawBody.slice(at + 1);
}

/** The CallbackVerificationError reason, or 'passed'. */
export function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof CallbackVerificationError) return error.reason;
    throw error;
  }
  return 'passed';
}

/** The CallbackPayloadError path, or throws if parsing did not fail that way. */
export function payloadErrorPath(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof CallbackPayloadError) return error.path;
    throw error;
  }
  throw new Error('expected a CallbackPayloadError');
}

/** Credits as the adapters produce them: whole seconds, safe positive amounts. */
export const arbitrary = {
  accountNumber: fc.stringMatching(/^[0-9A-Za-z]{1,19}$/),
  amount: fc.integer({ min: 1, max: 10 ** 13 }),
  memo: fc.string({ maxLength: 120, unit: 'grapheme' }),
  reference: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9.-]{0,38}[A-Za-z0-9]$/),
  numericId: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  bookedAt: fc
    .date({
      min: new Date('2000-01-01T00:00:00Z'),
      max: new Date('2099-12-31T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((d) => new Date(Math.floor(d.getTime() / 1000) * 1000)),
};
