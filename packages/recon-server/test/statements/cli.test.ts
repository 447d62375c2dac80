/** `thuphi statement import` run as a real process against a real database (PGlite data dir or PostgreSQL). */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoAgency } from '../../src/agencies/agencies.js';
import { migrateLatest } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open.js';
import { fixedClock } from '../../src/shared/clock.js';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/db.js';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

describe('thuphi statement import', () => {
  let dataDir: string;
  let database: TestDatabase | undefined;
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent' };
  const extraArgs: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'thuphi-cli-'));
    const clock = fixedClock('2026-11-23T02:00:00Z');
    if (testEngine === 'postgres') {
      database = await createTestDatabase();
      await seedDemoAgency(database.db, clock);
      extraArgs.push('--database-url', database.url!);
      delete env.DATABASE_URL;
    } else {
      // PGlite allows one process at a time: seed, close, then let the CLI open it.
      delete env.DATABASE_URL;
      env.THUPHI_DATA = dataDir;
      const db = await openDatabase({ dataDir: join(dataDir, 'pgdata') });
      await migrateLatest(db);
      await seedDemoAgency(db, clock);
      await db.destroy();
    }
  }, 120_000);
  afterAll(async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const thuphi = async (args: string[]) => {
    try {
      const { stdout, stderr } = await run(
        process.execPath,
        [
          '--conditions=source',
          '--import',
          'tsx',
          'src/cli/main.ts',
          'statement',
          'import',
          ...args,
          ...extraArgs,
        ],
        { cwd: packageDir, env },
      );
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it('imports a file and prints the summary; the same file again changes nothing', async () => {
    const first = await thuphi([fixture('vietcombank.csv'), '--agency', 'demo']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Đã nhập sao kê vietcombank.csv (vietcombank, tài khoản 1023456789)');
    expect(first.stdout).toMatch(/Tiền vào mới: +2 \(khớp 0, chưa khớp 2\)/);
    expect(first.stdout).toMatch(/Tiền ra \(Nợ\): +1/);
    expect(first.stdout).toContain('Số dư: khớp');

    const again = await thuphi([fixture('vietcombank.csv'), '--agency', 'demo', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ duplicateFile: true, counts: { new: 2, debits: 1 } });
  }, 120_000);

  it('lists rejected lines, and exits non-zero when the whole file is refused', async () => {
    const partly = await thuphi([fixture('statement-rejects.mt940'), '--agency', 'demo']);
    expect(partly.code).toBe(0);
    expect(partly.stdout).toContain('✗ dòng 5: amount "150000,50" is not a whole number of đồng');

    const refused = await thuphi([fixture('generic.csv'), '--agency', 'demo', '--account', '0071000999999']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'Không nhập được sao kê: Sao kê không phải của tài khoản chuyên thu của đơn vị',
    );
  }, 120_000);
});
