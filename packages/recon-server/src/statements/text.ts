/** @module Text helpers shared by the statement parsers: decoding, labels, Vietnamese dates. */
import { HO_CHI_MINH_OFFSET_MS as VIETNAM_OFFSET_MS } from '../shared/time.js';
import { StatementFormatError } from './types.js';

/**
 * The file's text. UTF-8 (with or without BOM) and UTF-16 with a BOM (Excel's "Unicode text") are
 * read; anything else is refused rather than read as mojibake that would then fail to match.
 *
 * @example
 * decodeText(Buffer.from('\ufeffNgày,Có\n', 'utf8')); // 'Ngày,Có\n'
 */
export function decodeText(bytes: Buffer): string {
  let encoding = 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) encoding = 'utf-16le';
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) encoding = 'utf-16be';
  let text: string;
  try {
    // TextDecoder drops the BOM itself.
    text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw new StatementFormatError(
      'the file is not UTF-8 text (save it as "CSV UTF-8", or UTF-16 with a byte order mark)',
    );
  }
  // No statement text holds NUL (UTF-16 without a byte order mark does, everywhere); the database
  // could not store it either.
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    const line = text.slice(0, nul).split('\n').length;
    throw new StatementFormatError(
      'the file contains NUL characters: not a text statement (UTF-16 needs a byte order mark)',
      line,
    );
  }
  return text;
}

/**
 * A header or label reduced to comparable words: no diacritics, lower case, punctuation and line
 * breaks as single spaces. Bank headers differ in accents, case and wrapping between exports.
 *
 * @example
 * normalizeLabel('Số tiền ghi nợ/\nDebit'); // 'so tien ghi no debit'
 */
export function normalizeLabel(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** The instant of a wall-clock time in Vietnam (UTC+07:00, no daylight saving); `undefined` if it does not exist. */
export function vietnamTime(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
): Date | undefined {
  const wall = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  wall.setUTCFullYear(year);
  if (
    wall.getUTCFullYear() !== year ||
    wall.getUTCMonth() !== month - 1 ||
    wall.getUTCDate() !== day ||
    wall.getUTCHours() !== hour ||
    wall.getUTCMinutes() !== minute ||
    wall.getUTCSeconds() !== second
  )
    return undefined;
  return new Date(wall.getTime() - VIETNAM_OFFSET_MS);
}

/**
 * A statement date as Vietnamese banks print it (`DD/MM/YYYY`, `DD-MM-YYYY`, optionally with
 * `HH:mm[:ss]`) or ISO (`YYYY-MM-DD[ HH:mm[:ss]]`), read as Vietnam time. Day first: `03/04/2026`
 * is the 3rd of April. Days that do not exist are `undefined`, never rolled over.
 *
 * @example
 * parseStatementDate('23/11/2026 09:41:27')?.toISOString(); // '2026-11-23T02:41:27.000Z'
 */
export function parseStatementDate(text: string): Date | undefined {
  const t = text.trim().replace(/\s+/g, ' ');
  let m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(t);
  if (m) return vietnamTime(+m[3]!, +m[2]!, +m[1]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(t);
  if (m) return vietnamTime(+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  return undefined;
}

/**
 * An account number as written in a statement (`0071 000 123456`, `970436/1023456789`,
 * `VN-1023456789`) reduced to the digits and letters of the account itself: the part after the last `/`,
 * without spaces, dots and dashes.
 *
 * @example
 * normalizeAccount('970436/1023456789'); // '1023456789'
 */
export function normalizeAccount(text: string): string {
  const last = text.trim().split('/').pop() ?? '';
  return last.replace(/[\s.-]/g, '').toUpperCase();
}

/** Memo text with runs of whitespace (line breaks inside a cell, MT940 continuation lines) as one space. */
export function cleanMemo(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
