/**
 * Malformed statement files through POST /v1/statements: empty, binary, truncated, the wrong
 * container, hostile XML, broken CSV and MT940, bad query parameters. Each is refused whole with
 * its exact problem (the import is one transaction: a refused file changes nothing).
 */
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addKey, createTestApp, expectRefused, type Key, type TestApp } from './support.js';

const fixture = (name: string) => readFileSync(new URL(`../statements/fixtures/${name}`, import.meta.url));

describe('malformed statement files', () => {
  let t: TestApp;
  let treasurer: Key;
  beforeAll(async () => {
    t = await createTestApp();
    treasurer = await addKey(t, 'treasurer', 'treasurer');
  });
  afterAll(async () => {
    await t?.close();
  });

  const upload = (body: Buffer | string, type = 'text/csv', query = '') =>
    request(t.app).post(`/v1/statements${query}`).set(treasurer.auth).set('Content-Type', type).send(body);
  const unreadable = (body: Buffer | string, type?: string, query?: string) =>
    expectRefused(t, () => upload(body, type, query), 422, 'statement_unreadable');

  it('refuses an empty file', async () => {
    const problem = await unreadable('');
    expect(problem.detail).toBe('the file is empty');
  });

  it('refuses binary noise, a PNG and text that is not UTF-8', async () => {
    const noise = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 73 + 41) % 256));
    expect((await unreadable(noise, 'application/octet-stream')).detail).toMatch(/not UTF-8 text/);
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), noise]);
    expect((await unreadable(png, 'application/octet-stream')).detail).toMatch(/not UTF-8 text/);
    const latin1 = Buffer.from('date,credit,debit,memo\n23/11/2026,1000,,n\xf4p ph\xed\n', 'latin1');
    expect((await unreadable(latin1)).detail).toMatch(/not UTF-8 text/);
  });

  it('refuses UTF-16 without a byte order mark (NUL characters)', async () => {
    const utf16 = Buffer.from('date,credit,debit,memo\n23/11/2026,1000,,nop phi\n', 'utf16le');
    const problem = await unreadable(utf16);
    expect(problem.detail).toMatch(/NUL characters/);
  });

  it('refuses an old .xls, a web page saved as .xls, and a ZIP that is not a workbook', async () => {
    const ole = Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.alloc(512),
    ]);
    expect((await unreadable(ole, 'application/octet-stream')).detail).toMatch(/old Excel \(\.xls\)/);
    const html = '<html><body><table><tr><td>23/11/2026</td><td>1000</td></tr></table></body></html>';
    expect((await unreadable(html, 'application/octet-stream')).detail).toMatch(/web page saved as \.xls/);
    // A ZIP header and nothing a workbook needs; then one cut short.
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100, 0x41)]);
    await unreadable(zip, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const emptyZip = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...Array(18).fill(0)]);
    await unreadable(
      Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), emptyZip]),
      'application/octet-stream',
    );
  });

  it('refuses XML that is not camt.053, camt.053 cut short, and entity expansion (XXE, billion laughs)', async () => {
    expect(
      (await unreadable('<?xml version="1.0"?><Document><Foo/></Document>', 'application/xml')).detail,
    ).toMatch(/not an ISO 20022 camt\.053/);
    const camt = fixture('statement.camt053.xml').toString('utf8');
    await unreadable(camt.slice(0, Math.floor(camt.length / 2)), 'application/xml');
    const xxe = camt.replace(
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    );
    expect(xxe).not.toBe(camt);
    const xxeProblem = await unreadable(
      xxe.replace(/<Ustrd>[^<]*<\/Ustrd>/, '<Ustrd>&x;</Ustrd>'),
      'application/xml',
    );
    expect(xxeProblem.detail).toMatch(/XML the statement reader refuses/);
    expect(JSON.stringify(xxeProblem)).not.toContain('root:');
    const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from(
      { length: 8 },
      (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`,
    ).join('')}]><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">&lol8;</Document>`;
    await unreadable(lol, 'application/xml');
  });

  it('refuses MT940 that is garbage after its tags, or has no balances and no lines', async () => {
    await unreadable(':20:STMT\n:25:1023456789\n:61:garbage\n', 'text/plain');
    await unreadable(':20:X\n', 'text/plain', '?format=mt940');
    const mt940 = fixture('statement.mt940').toString('utf8');
    await unreadable(mt940.replace(/:60F:[^\n]*/, ':60F:C999999NOTADATE'), 'text/plain');
  });

  it('refuses CSV with an unclosed quote, and with no recognisable columns', async () => {
    expect((await unreadable('date,credit,debit,memo\n23/11/2026,1000,,"nop phi\n')).detail).toMatch(
      /not readable as CSV/,
    );
    await unreadable('a,b,c\n1,2,3\n');
    await unreadable('hello world\n', 'text/plain');
  });

  it('refuses a CSV read as another format, and a format that does not exist', async () => {
    const csv = fixture('generic.csv');
    await unreadable(csv, 'text/csv', '?format=mt940');
    await unreadable(csv, 'text/csv', '?format=camt053');
    const problem = await expectRefused(
      t,
      () => upload(csv, 'text/csv', '?format=excel'),
      400,
      'validation_failed',
    );
    expect(problem.errors?.[0]?.path).toBe('format');
  });

  it('refuses hostile query parameters (400, the parameter named)', async () => {
    const csv = fixture('generic.csv');
    for (const [query, path] of [
      [`?account=${encodeURIComponent("1023456789' OR '1'='1")}`, 'account'],
      [`?account=${encodeURIComponent('<script>')}`, 'account'],
      [`?filename=${'a'.repeat(256)}`, 'filename'],
      ['?unknown=1', ''],
      ['?format=csv&format=mt940', 'format'],
    ] as const) {
      const problem = await expectRefused(t, () => upload(csv, 'text/csv', query), 400, 'validation_failed');
      expect(problem.errors?.[0]?.path, query).toBe(path);
    }
  });

  it('refuses a statement for another account (even one named with SQL)', async () => {
    const other = fixture('vietcombank.csv')
      .toString('utf8')
      .replace('1023456789,', "1023456789' OR 1=1 --,");
    await expectRefused(t, () => upload(other), 422, 'statement_wrong_account');
  });

  it('refuses a JSON body, and a missing key, before reading the file', async () => {
    await expectRefused(
      t,
      () => request(t.app).post('/v1/statements').set(treasurer.auth).send({ rows: [] }),
      415,
      'unsupported_statement_type',
    );
    await expectRefused(
      t,
      () =>
        request(t.app).post('/v1/statements').set('Content-Type', 'text/csv').send(fixture('generic.csv')),
      401,
      'unauthorized',
    );
  });
});
