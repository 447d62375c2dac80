/** @module `thuphi statement import FILE`: a bank statement file imported from the command line. */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { formatVnd } from '@thuphi/fee-core';
import { Command, Option } from 'commander';
import { agencyExists } from '../../agencies/agencies.js';
import { systemClock } from '../../shared/clock.js';
import { AppError, problems } from '../../shared/errors.js';
import { importStatement, type StatementImportResult } from '../../statements/import.js';
import { STATEMENT_FORMATS } from '../../statements/types.js';
import { withDatabase } from '../database.js';

/** The summary a treasurer reads: Vietnamese words, the numbers as they are. */
export function describeImport(result: StatementImportResult): string {
  const c = result.counts;
  const out = [
    result.duplicateFile
      ? `Tệp này đã được nhập lúc ${result.importedAt}: không có gì thay đổi. Kết quả lần nhập đó:`
      : `Đã nhập sao kê ${result.filename ?? ''} (${result.format}, tài khoản ${result.accountNumber}).`,
    `  Dòng đọc được:        ${c.rows}`,
    `  Tiền vào mới:         ${c.new} (khớp ${c.matched}, chưa khớp ${c.unmatched})`,
    `  Đã biết từ trước:     ${c.duplicate}`,
    `  Tiền ra (Nợ):         ${c.debits}`,
    `  Dòng bị từ chối:      ${c.rejected}`,
  ];
  const check = result.balanceCheck;
  if (check) {
    const sum = `${formatVnd(check.opening)} + ${formatVnd(check.credits)} − ${formatVnd(check.debits)} = ${formatVnd(check.actual)}`;
    out.push(
      check.ok
        ? `  Số dư: khớp (${sum})`
        : `  Số dư: KHÔNG khớp: ${sum}, sao kê ghi ${formatVnd(check.expected)}${check.line ? ` (dòng ${check.line})` : ''}`,
    );
  } else {
    out.push('  Số dư: tệp không ghi số dư để đối chiếu');
  }
  for (const line of result.lines) {
    if (line.outcome === 'rejected') out.push(`  ✗ dòng ${line.line}: ${line.reason}`);
    if (line.outcome === 'unmatched')
      out.push(
        `  ? dòng ${line.line}: ${formatVnd(line.amount ?? 0)} chưa khớp (${line.reason}): ${line.memo}`,
      );
  }
  return `${out.join('\n')}\n`;
}

export function statementCommand(): Command {
  const statement = new Command('statement').description('bank statements (sao kê): import a file');
  statement
    .command('import')
    .description(
      'import a statement file: generic CSV, Vietcombank/BIDV/VietinBank export (CSV or XLSX), MT940 or camt.053',
    )
    .argument('<file>', 'the statement file')
    .option('--agency <id>', 'agency id', 'demo')
    .addOption(
      new Option('--format <format>', 'read the file as this layout').choices([...STATEMENT_FORMATS]),
    )
    .option('--account <number>', 'the collection account, when the file does not name it')
    .option('--database-url <url>', 'PostgreSQL URL (default: DATABASE_URL, else the embedded database)')
    .option('--json', 'print the whole result as JSON')
    .action(
      async (
        file: string,
        options: { agency: string; format?: string; account?: string; databaseUrl?: string; json?: boolean },
      ) => {
        let bytes: Buffer;
        try {
          bytes = readFileSync(file);
        } catch (error) {
          process.stderr.write(`không đọc được tệp ${file}: ${(error as Error).message}\n`);
          process.exitCode = 1;
          return;
        }
        if (options.databaseUrl) process.env.DATABASE_URL = options.databaseUrl;
        try {
          const result = await withDatabase(async (db) => {
            if (!(await agencyExists(db, options.agency)))
              throw new AppError('unknown_agency', { detail: options.agency });
            return importStatement(db, {
              agencyId: options.agency,
              bytes,
              filename: basename(file),
              format: options.format,
              account: options.account,
              actor: `cli:${process.env.USER ?? 'unknown'}`,
              now: systemClock.now(),
            });
          });
          process.stdout.write(
            options.json ? `${JSON.stringify(result, null, 2)}\n` : describeImport(result),
          );
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          // The whole file was refused: nothing was written.
          process.stderr.write(
            `Không nhập được sao kê: ${problems[error.code].vi}${error.detail ? ` (${error.detail})` : ''}\n`,
          );
          for (const e of error.errors ?? [])
            process.stderr.write(`  ${e.path ? `${e.path}: ` : ''}${e.message}\n`);
          process.exitCode = 2;
        }
      },
    );
  return statement;
}
