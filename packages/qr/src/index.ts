/**
 * @thuphi/qr: offline VietQR (NAPAS / EMVCo merchant-presented) codec, bank directory, memo rules, renderers.
 */

export { bankByBin, findBank, listBanks, searchBanks } from './banks/find.js';
export type { Bank } from './banks/types.js';
export { crc16ccitt } from './crc16.js';
export { decode, validate } from './decode.js';
export { encode } from './encode.js';
export { QrError, type QrIssue, type QrIssueCode } from './errors.js';
export { MAX_AMOUNT } from './fields.js';
export { bankSafeText, MEMO_MAX_LENGTH, type SafeMemoOptions, safeMemo, stripDiacritics } from './memo.js';
export { type CounterCardInput, escapeXml, formatDong, renderCounterCard } from './render/card.js';
export type { ErrorCorrection, RenderOptions } from './render/options.js';
export { renderPng } from './render/png.js';
export { renderSvg } from './render/svg.js';
export { renderTerminal, type TerminalOptions } from './render/terminal.js';
export type {
  AdditionalData,
  DecodeOptions,
  DecodeResult,
  Initiation,
  ServiceCode,
  VietQr,
  VietQrInput,
} from './types.js';
