/**
 * CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, xorout 0), as VietQR tag 63 requires.
 *
 * Computed over bytes, never over `charCodeAt`: a payload is first copied into a scratch byte buffer with
 * one native `TextEncoder.encodeInto` call (which also proves it is ASCII), because in V8 a byte read from
 * a typed array costs a fraction of a `charCodeAt` (each of those re-checks the string's representation).
 * The table is sliced by eight: the CRC advances eight bytes (two 32-bit loads) per step with eight
 * independent look-ups in a 4 KiB table that stays in L1 cache.
 */

/**
 * `TABLES[k * 256 + x]`: the CRC register (started at 0) after byte `x` followed by `k` zero bytes.
 * k = 0 is the usual byte table; with k up to 7 the CRC advances eight bytes per step.
 */
const TABLES = (() => {
  const t = new Uint16Array(8 * 256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    t[i] = crc;
  }
  for (let k = 1; k < 8; k++) {
    for (let i = 0; i < 256; i++) {
      const prev = t[(k - 1) * 256 + i]!;
      t[k * 256 + i] = ((prev << 8) & 0xffff) ^ t[prev >> 8]!;
    }
  }
  return t;
})();

/** The word loops read byte k of a 32-bit word as bits 8k-8k+7, which holds on little-endian machines. */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * Bytes with two wider views of the same memory: aligned 32-bit words so the CRC reads four bytes per
 * load, and a DataView for comparing fixed text four bytes at a time at any offset.
 */
export interface ByteBuffer {
  readonly bytes: Uint8Array;
  readonly words: Int32Array;
  readonly view: DataView;
}

/** A zeroed {@link ByteBuffer} of `size` bytes (a multiple of 8). */
export function byteBuffer(size: number): ByteBuffer {
  const memory = new ArrayBuffer(size);
  return { bytes: new Uint8Array(memory), words: new Int32Array(memory), view: new DataView(memory) };
}

/** Characters `at`…`at + 3` of ASCII `text` as the little-endian 32-bit word `DataView.getInt32(…, true)` reads. */
export function word(text: string, at = 0): number {
  return (
    text.charCodeAt(at) |
    (text.charCodeAt(at + 1) << 8) |
    (text.charCodeAt(at + 2) << 16) |
    (text.charCodeAt(at + 3) << 24)
  );
}

/** Largest payload copied into the scratch buffer; longer text is never a valid payload (the decoder's limit). */
export const SCRATCH_LENGTH = 4096;
const SCRATCH = byteBuffer(SCRATCH_LENGTH);
const UTF8 = new TextEncoder();

/**
 * Copies `s` into a shared scratch buffer when it is all ASCII (so byte i is character i) and fits.
 * Returns the buffer, valid until the next call, or undefined for non-ASCII or over-long text.
 */
export function asciiBytes(s: string): ByteBuffer | undefined {
  const n = s.length;
  if (n > SCRATCH_LENGTH) return undefined;
  const r = UTF8.encodeInto(s, SCRATCH.bytes);
  // Any non-ASCII character takes 2+ UTF-8 bytes, so either it did not all fit or more bytes than characters.
  return r.read === n && r.written === n ? SCRATCH : undefined;
}

/** Advances `crc` over `bytes[from, to)`, one byte per step (for short or unaligned runs). */
function crcTail(bytes: Uint8Array, from: number, to: number, crc: number): number {
  const t = TABLES;
  let c = crc;
  for (let i = from; i < to; i++) c = ((c << 8) & 0xffff) ^ t[((c >> 8) ^ bytes[i]!) & 0xff]!;
  return c;
}

/** Advances `crc` over the four bytes of little-endian word `x` (slice by four). */
function crcWord(crc: number, x: number): number {
  const t = TABLES;
  return (
    t[768 + ((crc >> 8) ^ (x & 0xff))]! ^
    t[512 + ((crc & 0xff) ^ ((x >> 8) & 0xff))]! ^
    t[256 + ((x >> 16) & 0xff)]! ^
    t[x >>> 24]!
  );
}

/** Advances `crc` (default: the initial value) over `buffer.bytes[from, n)`; `from` is a multiple of 4. */
export function crcBuffer(buffer: ByteBuffer, n: number, from = 0, crc = 0xffff): number {
  if (!LITTLE_ENDIAN) return crcTail(buffer.bytes, from, n, crc);
  const w = buffer.words;
  const words = n >> 2;
  let k = from >> 2;
  const t = TABLES;
  // Slice by eight, written out here: as a helper it was not always inlined, and a call per step costs.
  for (; k + 1 < words; k += 2) {
    const x = w[k]!;
    const y = w[k + 1]!;
    crc =
      t[1792 + ((crc >> 8) ^ (x & 0xff))]! ^
      t[1536 + ((crc & 0xff) ^ ((x >> 8) & 0xff))]! ^
      t[1280 + ((x >> 16) & 0xff)]! ^
      t[1024 + (x >>> 24)]! ^
      t[768 + (y & 0xff)]! ^
      t[512 + ((y >> 8) & 0xff)]! ^
      t[256 + ((y >> 16) & 0xff)]! ^
      t[y >>> 24]!;
  }
  if (k < words) crc = crcWord(crc, w[k++]!);
  return crcTail(buffer.bytes, k << 2, n, crc);
}

/**
 * CRC over `buffer.bytes[0, n)` in the same pass as the printable-ASCII check (0x20-0x7E, what every bank
 * parser agrees on). Returns -1 when a byte is outside that range. The bytes must be ASCII (below 0x80),
 * as {@link asciiBytes} guarantees.
 */
export function crcPrintable(buffer: ByteBuffer, n: number): number {
  const bytes = buffer.bytes;
  let crc = 0xffff;
  let k = 0;
  if (LITTLE_ENDIAN) {
    const t = TABLES;
    const w = buffer.words;
    const words = n >> 2;
    // Per ASCII byte, in all four lanes at once: the top bit of v - 0x20 is set for a byte below 0x20, that
    // of v + 1 for 0x7F. A borrow or carry between lanes only follows such a byte.
    let bad = 0;
    for (; k + 1 < words; k += 2) {
      const x = w[k]!;
      const y = w[k + 1]!;
      bad |= (x - 0x20202020) | (x + 0x01010101) | (y - 0x20202020) | (y + 0x01010101);
      crc =
        t[1792 + ((crc >> 8) ^ (x & 0xff))]! ^
        t[1536 + ((crc & 0xff) ^ ((x >> 8) & 0xff))]! ^
        t[1280 + ((x >> 16) & 0xff)]! ^
        t[1024 + (x >>> 24)]! ^
        t[768 + (y & 0xff)]! ^
        t[512 + ((y >> 8) & 0xff)]! ^
        t[256 + ((y >> 16) & 0xff)]! ^
        t[y >>> 24]!;
    }
    if (k < words) {
      const x = w[k++]!;
      bad |= (x - 0x20202020) | (x + 0x01010101);
      crc = crcWord(crc, x);
    }
    if ((bad & 0x80808080) !== 0) return -1;
  }
  for (let i = k << 2; i < n; i++) {
    const c = bytes[i]!;
    if (c < 0x20 || c > 0x7e) return -1;
  }
  return crcTail(bytes, k << 2, n, crc);
}

/** Raw CRC value (0…0xFFFF) over the UTF-8 bytes of `data`. */
export function crc16ccittValue(data: string): number {
  const ascii = asciiBytes(data);
  if (ascii) return crcBuffer(ascii, data.length);
  // VietQR computes the CRC over bytes, not UTF-16 units.
  const bytes = Buffer.from(data, 'utf8');
  return crcTail(bytes, 0, bytes.length, 0xffff);
}

const HEX = '0123456789ABCDEF';

/** 4 upper-case hex digits of a CRC value. */
function crcHex(crc: number): string {
  return HEX[(crc >> 12) & 15]! + HEX[(crc >> 8) & 15]! + HEX[(crc >> 4) & 15]! + HEX[crc & 15]!;
}

/**
 * CRC-16/CCITT-FALSE of the UTF-8 bytes of `data`, as 4 upper-case hex digits (always zero-padded).
 *
 * @example
 * crc16ccitt('123456789'); // '29B1'
 */
export function crc16ccitt(data: string): string {
  return crcHex(crc16ccittValue(data));
}
