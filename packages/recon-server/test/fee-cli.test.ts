/** `thuphi fee assess --case FILE [--province SLUG] [--commune CODE]` and `thuphi schedule check FILE`. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { feeCommand } from '../src/cli/commands/fee.js';
import { scheduleCommand } from '../src/cli/commands/schedule.js';

const dir = mkdtempSync(join(tmpdir(), 'thuphi-fee-cli-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

async function run(command: 'fee' | 'schedule', args: string[]) {
  let out = '';
  let err = '';
  const io = { out: (t: string) => (out += t), err: (t: string) => (err += t) };
  const cmd = command === 'fee' ? feeCommand(io) : scheduleCommand(io);
  cmd.exitOverride();
  await cmd.parseAsync(args, { from: 'user' });
  return { out, err, code: process.exitCode ?? 0 };
}

afterEach(() => {
  process.exitCode = 0;
});

const khaiSinh = file(
  'khai-sinh.json',
  JSON.stringify({ request: { date: '2026-12-04', items: [{ procedure: 'dang-ky-khai-sinh-qua-han' }] } }),
);

describe('thuphi fee assess', () => {
  it('on a real commune: no rate for a council-set procedure, naming the council; exit code 1', async () => {
    const r = await run('fee', [
      'assess',
      '--case',
      khaiSinh,
      '--province',
      'lai-chau',
      '--commune',
      '03388',
    ]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain('RATE_NOT_SET');
    expect(r.err).toContain('HĐND tỉnh Lai Châu');
    expect(r.err).toContain('Phường Đoàn Kết');
  });

  it('without --province: the demo unit, and it says so', async () => {
    const r = await run('fee', ['assess', '--case', khaiSinh]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ total: 8000, example: true });
    expect(r.err).toContain('đơn vị mẫu / biểu phí ví dụ');
  });

  it('a province layer given with --schedule applies only on its territory', async () => {
    const layer = file(
      'yen-bai.yaml',
      `id: yb-thu
name: Yên Bái cũ (thử)
level: province
jurisdiction: Tỉnh Yên Bái (cũ)
territory: { province: lao-cai, formerProvince: yen-bai }
fees:
  - id: dang-ky-khai-sinh-qua-han
    name: Lệ phí đăng ký khai sinh quá hạn
    kind: le-phi
    collectingLevel: [commune]
    basis: { document: NQ thử }
    values: [{ from: 2020-01-01, to: null, formula: { type: flat, amount: 5000 } }]
`,
    );
    const inYenBai = await run('fee', [
      'assess',
      '--case',
      khaiSinh,
      '--province',
      'lao-cai',
      '--commune',
      '04465',
      '--schedule',
      layer,
    ]);
    expect(JSON.parse(inYenBai.out).total).toBe(5000);
    const elsewhere = await run('fee', [
      'assess',
      '--case',
      khaiSinh,
      '--province',
      'lai-chau',
      '--schedule',
      layer,
    ]);
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.err).toContain('không áp dụng cho đơn vị này');
  });

  it('a unit not on the map is refused with its field', async () => {
    const r = await run('fee', ['assess', '--case', khaiSinh, '--province', 'thai-nguyen']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('FORMER_PROVINCE_REQUIRED');
  });
});

describe('thuphi schedule check', () => {
  it('prints every problem with its path, or the hash', async () => {
    const bad = file('bad.yaml', 'id: x\nname: X\nlevel: province\njurisdiction: X\nfees: [{ id: f }]\n');
    const r = await run('schedule', ['check', bad]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/fees\[0\]\.name/);
    expect(r.err).toMatch(/territory/);
    const good = file('good.yaml', 'id: x\nname: X\nlevel: agency\njurisdiction: X\n');
    const ok = await run('schedule', ['check', good]);
    expect(ok.out).toMatch(/^sha256:[0-9a-f]{64}\n$/);
  });
});
