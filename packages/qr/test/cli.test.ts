/** The `thuphi qr` commands (recon-server/src/cli/commands/qr.ts), driven in-process with captured output. */
import { afterEach, describe, expect, test } from 'vitest';
import { qrCommand } from '../../recon-server/src/cli/commands/qr.js';

async function run(...args: string[]) {
  let out = '';
  let err = '';
  const cmd = qrCommand({
    out: (t) => {
      out += typeof t === 'string' ? t : `<${t.length} bytes>`;
    },
    err: (t) => {
      err += t;
    },
  });
  cmd.exitOverride();
  await cmd.parseAsync(['node', 'qr', ...args]);
  const exitCode = process.exitCode;
  process.exitCode = undefined;
  return { out, err, exitCode };
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('thuphi qr', () => {
  test('encode prints the payload; --bank looks up the BIN', async () => {
    const r = await run(
      'encode',
      '--bank',
      'acb',
      '--account',
      '257678859',
      '--amount',
      '10000',
      '--purpose',
      'Chuyen tien',
    );
    expect(r.out).toBe(
      '00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA53037045405100005802VN62150811Chuyen tien630453E6\n',
    );
    expect(r.exitCode).toBeUndefined();
  });

  test('encode errors go to stderr with exit code 1', async () => {
    const r = await run('encode', '--bin', '97043', '--account', '1');
    expect(r.out).toBe('');
    expect(r.err).toContain('bin');
    expect(r.exitCode).toBe(1);
  });

  test('decode prints JSON; a bad payload prints errors and exits 1', async () => {
    const ok = await run(
      'decode',
      '00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA53037045802VN6304AE9F',
    );
    expect(JSON.parse(ok.out)).toMatchObject({ bin: '970416', account: '257678859', initiation: 'static' });
    const bad = await run(
      'decode',
      '00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA53037045802VN6304AE9E',
    );
    expect(bad.out).toBe('');
    expect(bad.err).toContain('crc-mismatch');
    expect(bad.exitCode).toBe(1);
  });

  test('render svg to stdout, png as bytes', async () => {
    const p = '00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA53037045802VN6304AE9F';
    expect((await run('render', p, '--format', 'svg')).out).toMatch(/^<svg/);
    expect((await run('render', p, '--format', 'png')).out).toMatch(/^<\d+ bytes>$/);
    expect((await run('render', p, '--format', 'gif')).exitCode).toBe(1);
  });
});
