import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  findReferences,
  generateReference,
  isValidReference,
  mod3736CheckChar,
  REFERENCE_LENGTH,
} from '../src/index.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

// A deterministic generator so example tests do not depend on the CSPRNG.
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const codeArb = fc.integer({ min: 1, max: 2 ** 31 }).map((seed) => generateReference(seeded(seed)));

describe('mod3736CheckChar (ISO/IEC 7064 MOD 37,36)', () => {
  it('matches the ISO 7064 hybrid example check values', () => {
    // Hand-computed with the standard algorithm; a regression anchor.
    expect(mod3736CheckChar('A12425GABC1234002')).toBe('M');
  });
  it('detects every single-character substitution', () => {
    const code = generateReference(seeded(42));
    for (let i = 0; i < code.length; i++) {
      for (const ch of ALPHABET) {
        if (ch === code[i]) continue;
        const typo = code.slice(0, i) + ch + code.slice(i + 1);
        expect(isValidReference(typo)).toBe(false);
      }
    }
  });
  it('detects nearly every adjacent transposition (about 99.8%; MOD 37,36 is not perfect at this)', () => {
    // A hybrid ISO 7064 system misses about 1 in 600 adjacent swaps (measured over 300 000 codes:
    // ~0.16% at every position), so a property "always detected" would be false. Count instead.
    const random = seeded(2026);
    let swaps = 0;
    let missed = 0;
    for (let n = 0; n < 20_000; n++) {
      const code = generateReference(random);
      for (let i = 2; i < code.length - 1; i++) {
        if (code[i] === code[i + 1]) continue;
        swaps++;
        if (isValidReference(code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2))) missed++;
      }
    }
    expect(swaps).toBeGreaterThan(150_000);
    expect(missed / swaps).toBeLessThan(0.005);
  });
  it('rejects characters outside [0-9A-Z]', () => {
    expect(() => mod3736CheckChar('tp')).toThrow(RangeError);
  });
});

describe('generateReference', () => {
  it('is TP + 8 chars + check char, uppercase alphanumerics, ≤ 12 chars', () => {
    const code = generateReference();
    expect(code).toMatch(/^TP[0-9A-Z]{9}$/);
    expect(code.length).toBeLessThanOrEqual(12);
    expect(isValidReference(code)).toBe(true);
  });
  it('is deterministic with an injected random source', () => {
    expect(generateReference(seeded(7))).toBe(generateReference(seeded(7)));
  });
  it('uses the CSPRNG by default (no collisions in 2 000 codes)', () => {
    const codes = new Set(Array.from({ length: 2000 }, () => generateReference()));
    expect(codes.size).toBe(2000);
  });
  it('handles a random source returning values at the edges', () => {
    expect(isValidReference(generateReference(() => 0))).toBe(true);
    expect(isValidReference(generateReference(() => 0.9999999999))).toBe(true);
  });
});

describe('isValidReference', () => {
  it('rejects wrong shapes', () => {
    const code = generateReference(seeded(1));
    expect(isValidReference(code.toLowerCase())).toBe(false);
    expect(isValidReference(`${code}0`)).toBe(false);
    expect(isValidReference(code.slice(1))).toBe(false);
    expect(isValidReference(`XX${code.slice(2)}`)).toBe(false);
    expect(isValidReference('')).toBe(false);
  });
});

describe('findReferences', () => {
  const code = generateReference(seeded(2026));
  const spaced = `${code.slice(0, 5)} ${code.slice(5)}`.toLowerCase();

  it.each([
    ['plain', `${code}`],
    ['lower-cased', `thanh toan ${code.toLowerCase()}`],
    ['split by a space', `Nop phi ${spaced}`],
    ['split by punctuation', `${code.slice(0, 3)}-${code.slice(3, 7)}.${code.slice(7)}`],
    [
      'Vietcombank trace',
      `MBVCB.6998628625.${code}.CT tu 0071001104341 PHAN NGUYEN DUC toi 0011001932418 UBND XA`,
    ],
    ['Napas 247 trace', `884114.100924.223854.${spaced} chuyen FT24255276428461`],
    ['FT ref prefix', `FT24255999347270 807439.100924.223851.${code}`],
    ['Vietnamese with diacritics around', `Nộp lệ phí hộ tịch ${code} cho Đặng Thị Ánh`],
    ['glued to words', `THANHTOAN${code}NGUYENVANA`],
  ])('finds a code %s', (_name, memo) => {
    expect(findReferences(memo)).toEqual([code]);
  });

  it('returns several codes in order, de-duplicated', () => {
    const other = generateReference(seeded(99));
    expect(findReferences(`${other} ${code} ${other.toLowerCase()}`)).toEqual([other, code]);
  });

  it('ignores a code with a wrong check char', () => {
    const bad = code.slice(0, -1) + (code.endsWith('0') ? '1' : '0');
    expect(findReferences(`MBVCB.1.${bad}.x`)).toEqual([]);
  });

  it('returns [] for memos without codes', () => {
    expect(findReferences('ZP7COI8QELCJ, UNG HO NGUOI NGHEO')).toEqual([]);
    expect(findReferences('')).toEqual([]);
  });

  describe('properties', () => {
    // Bank mangling: case changes, separators inserted anywhere inside the code, trace prefixes and suffixes.
    const separatorArb = fc.constantFrom(' ', '.', '-', '_', ',', '  ', ' - ', '/');
    const prefixArb = fc.constantFrom(
      '',
      'MBVCB.6998628625.',
      '884114.100924.223854.',
      'FT24255999347270 807439.100924.223851.',
      'ZP7COI8QELCJ, ',
      'Nộp phí chứng thực ',
      'TP HCM ',
      'tp ',
    );
    const suffixArb = fc.constantFrom(
      '',
      '.CT tu 0071001104341 NGUYEN VAN A toi 0011001932418',
      ' chuyen',
      ' GD 174242-090822 15:45:46',
    );

    it('generate → mangle → found', () => {
      fc.assert(
        fc.property(
          codeArb,
          fc.array(fc.tuple(fc.integer({ min: 1, max: REFERENCE_LENGTH - 1 }), separatorArb), {
            maxLength: 4,
          }),
          fc.boolean(),
          prefixArb,
          suffixArb,
          (code, cuts, lower, prefix, suffix) => {
            let mangled = code;
            for (const [at, sep] of [...cuts].sort((a, b) => b[0] - a[0])) {
              mangled = mangled.slice(0, at) + sep + mangled.slice(at);
            }
            if (lower) mangled = mangled.toLowerCase();
            return findReferences(prefix + mangled + suffix).includes(code);
          },
        ),
      );
    });

    it('random text rarely yields a false hit', () => {
      // Random alphanumeric text containing many "TP" windows: the check char should reject ~35/36 of them.
      let windows = 0;
      let hits = 0;
      fc.assert(
        fc.property(
          fc.array(fc.constantFrom(...ALPHABET, 'TP', ' '), { minLength: 50, maxLength: 200 }),
          (parts) => {
            const text = parts.join('');
            windows += (text.replace(/[^A-Z0-9]/g, '').match(/TP/g) ?? []).length;
            hits += findReferences(text).length;
            return true;
          },
        ),
        { numRuns: 1000, seed: 4242 },
      );
      expect(windows).toBeGreaterThan(1000);
      expect(hits / windows).toBeLessThan(0.06);
    });

    it('every found code is valid', () => {
      fc.assert(fc.property(fc.string(), (s) => findReferences(s).every(isValidReference)));
    });
  });
});
