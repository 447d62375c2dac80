/**
 * Bank directory lookups by BIN, code or name typed without diacritics.
 */
import { stripDiacritics } from '../memo.js';
import { BANKS } from './data.js';
import type { Bank } from './types.js';

/** Lower-case, diacritics removed, non-alphanumerics collapsed to single spaces. */
function fold(s: string): string {
  return stripDiacritics(s)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

const BY_BIN = new Map<string, Bank>();
for (const b of BANKS) {
  BY_BIN.set(b.bin, b);
  for (const other of b.otherBins ?? []) BY_BIN.set(other, b);
}

interface Indexed {
  bank: Bank;
  primary: string;
  codes: Set<string>;
  names: string[];
}

const INDEX: Indexed[] = BANKS.map((bank) => ({
  bank,
  primary: fold(bank.code),
  codes: new Set([...bank.codes, ...bank.keys, bank.shortName].map((c) => fold(c).replace(/ /g, ''))),
  names: [bank.name, bank.shortName, ...(bank.formerNames ?? [])].map(fold),
}));

/**
 * All banks matching `query`, best first: BIN, then NAPAS code, then other codes and short names, then
 * names containing the query as whole words (diacritics and case ignored).
 *
 * @example
 * searchBanks('cong thuong').map((b) => b.shortName); // ['SaigonBank', 'VietinBank']
 */
export function searchBanks(query: string): Bank[] {
  if (typeof query !== 'string') return [];
  const q = fold(query);
  if (q.length === 0) return [];
  const exactBin = BY_BIN.get(q);
  if (exactBin) return [exactBin];
  const compact = q.replace(/ /g, '');
  const ranked: { bank: Bank; rank: number }[] = [];
  const padded = ` ${q} `;
  for (const e of INDEX) {
    let rank = 0;
    if (e.primary.replace(/ /g, '') === compact) rank = 3;
    else if (e.codes.has(compact)) rank = 2;
    else if (e.names.some((n) => ` ${n} `.includes(padded))) rank = 1;
    if (rank > 0) ranked.push({ bank: e.bank, rank });
  }
  return ranked.sort((a, b) => b.rank - a.rank || (a.bank.bin < b.bank.bin ? -1 : 1)).map((r) => r.bank);
}

/**
 * The one bank for a BIN, code or name; `undefined` when nothing matches or the best match is ambiguous
 * (use {@link searchBanks} to list candidates). Codes follow NAPAS/vietqr.io first: `BVB` is BaoViet Bank.
 *
 * @example
 * findBank('970436')?.shortName; // 'Vietcombank'
 * findBank('vcb')?.bin; // '970436'
 * findBank('ngoai thuong')?.code; // 'VCB'
 */
export function findBank(query: string): Bank | undefined {
  const found = searchBanks(query);
  if (found.length === 0) return undefined;
  if (found.length === 1) return found[0];
  const first = rankOf(query, found[0]!);
  return rankOf(query, found[1]!) === first ? undefined : found[0];
}

function rankOf(query: string, bank: Bank): number {
  const q = fold(query).replace(/ /g, '');
  if (fold(bank.code).replace(/ /g, '') === q) return 3;
  const e = INDEX.find((i) => i.bank === bank)!;
  return e.codes.has(q) ? 2 : 1;
}

/**
 * The bank for an acquirer BIN (as found in 38.01.00).
 *
 * @example
 * bankByBin('970415')?.code; // 'ICB' (VietinBank)
 */
export function bankByBin(bin: string): Bank | undefined {
  return BY_BIN.get(bin);
}

/**
 * Every bank in the directory, ordered by BIN.
 *
 * @example
 * listBanks().filter((b) => b.stateTreasuryUsualBank).map((b) => b.code); // ['VBA', 'ICB', 'BIDV', 'VCB']
 */
export function listBanks(): readonly Bank[] {
  return BANKS;
}
