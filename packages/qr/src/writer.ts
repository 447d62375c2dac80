/**
 * Streams a payload out of already-checked pieces while computing its CRC on the way. Every piece is a
 * short flat string (an input value or a constant), so the CRC never has to walk the long concatenated
 * payload, which V8 keeps as a rope until something flattens it. Pieces must be ASCII (the encoder checks
 * that first), so a UTF-16 unit is a byte.
 */
import { crcHex, crcStep, pairTable } from './crc16.js';

const LENGTHS = Array.from({ length: 100 }, (_, n) => (n < 10 ? `0${n}` : `${n}`));

export class PayloadWriter {
  private text = '';
  private crc = 0xffff;
  /** A byte left over from an odd-length piece, paired with the next piece's first byte. */
  private pending = -1;
  private readonly pairs = pairTable();

  put(piece: string): void {
    this.text += piece;
    const n = piece.length;
    let crc = this.crc;
    let i = 0;
    if (this.pending >= 0 && n > 0) {
      crc = this.pairs[crc ^ ((this.pending << 8) | piece.charCodeAt(0))]!;
      this.pending = -1;
      i = 1;
    }
    for (; i + 1 < n; i += 2) crc = this.pairs[crc ^ ((piece.charCodeAt(i) << 8) | piece.charCodeAt(i + 1))]!;
    if (i < n) this.pending = piece.charCodeAt(i);
    this.crc = crc;
  }

  /** Tag ID and 2-digit length; the caller then writes exactly `length` characters of value. */
  header(id: string, length: number): void {
    this.put(id + LENGTHS[length]!);
  }

  field(id: string, value: string): void {
    this.put(id + LENGTHS[value.length]!);
    this.put(value);
  }

  /** Appends `6304` and the CRC over everything written, and returns the payload. */
  finish(): string {
    this.put('6304');
    let crc = this.crc;
    if (this.pending >= 0) crc = crcStep(crc, this.pending);
    return this.text + crcHex(crc);
  }
}
