/**
 * @module `thuphi schedule …`: check, preview and apply a schedule file from the command line (the same steps as
 * `/v1/platform/schedules` and `/v1/agency/schedules`, on the configured database).
 */
import { readFileSync } from 'node:fs';
import { checkScheduleText, shippedSchedules } from '@thuphi/fee-core';
import { Command } from 'commander';
import { listScheduleVersions } from '../../agencies/schedules.js';
import { applySchedule, previewSchedule, type SchedulePreview } from '../../fees/schedules.js';
import { systemClock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { localDateOf } from '../../shared/time.js';
import { withDatabase } from '../database.js';

/** Where the command writes; injectable so tests can capture output. */
export interface ScheduleCommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const processIo: ScheduleCommandIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

function fail(io: ScheduleCommandIo, error: unknown): void {
  if (error instanceof AppError) {
    io.err(`${error.code}: ${error.message}\n`);
    for (const e of error.errors ?? []) io.err(`  - ${e.path ?? ''}: ${e.message}\n`);
  } else io.err(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}

/** The preview in plain Vietnamese lines: procedure, period, old → new. */
export function describePreview(p: SchedulePreview): string {
  const lines = [
    `Biểu phí "${p.scheduleId}" (${p.level}) ${p.hash}${p.unchanged ? ' — trùng bản đang áp dụng' : ''}`,
  ];
  for (const t of p.previews) {
    const where =
      t.unit === null
        ? 'toàn quốc'
        : `${t.unit.province.name}${t.unit.formerProvince.name !== t.unit.province.name ? ` (địa bàn ${t.unit.formerProvince.name} cũ)` : ''}`;
    lines.push(
      `  ${where}: ${t.procedures.length} thủ tục thay đổi, ${t.rules.length} quy định miễn giảm thay đổi`,
    );
    for (const c of t.procedures) {
      for (const period of c.periods) {
        const span = `${period.from} → ${period.to ?? '…'}`;
        const before = period.before ? `${period.before.formula}` : 'chưa có mức thu';
        const after = period.after ? `${period.after.formula}` : 'chưa có mức thu';
        lines.push(`    ${c.procedure} [${span}]: ${before} → ${after}`);
      }
    }
    for (const r of t.rules)
      lines.push(`    quy định ${r.rule} (${r.change}): ${r.before ?? '—'} → ${r.after ?? '—'}`);
  }
  return `${lines.join('\n')}\n`;
}

export function scheduleCommand(io: ScheduleCommandIo = processIo): Command {
  const schedule = new Command('schedule').description(
    'biểu phí: kiểm tra, xem trước, áp dụng phiên bản mới',
  );

  schedule
    .command('check')
    .description('kiểm tra một tệp biểu phí (YAML/JSON): in mọi lỗi kèm đường dẫn, hoặc mã hash')
    .argument('<file>')
    .action((file: string) => {
      const check = checkScheduleText(readFileSync(file, 'utf8'));
      if (!check.ok) {
        for (const i of check.issues) io.err(`${file}: ${i.path || '(root)'}: ${i.message}\n`);
        process.exitCode = 1;
        return;
      }
      io.out(`${check.hash}\n`);
    });

  schedule
    .command('preview')
    .description('xem trước thay đổi: thủ tục nào, mức cũ → mức mới, từ ngày nào (không ghi gì)')
    .argument('<file>')
    .option('--agency <id>', 'tầng của một đơn vị thu (mặc định: toàn nền tảng)')
    .option('--json', 'in dạng JSON')
    .action(async (file: string, opts: { agency?: string; json?: boolean }) => {
      try {
        const text = readFileSync(file, 'utf8');
        const preview = await withDatabase((db) =>
          previewSchedule(
            db,
            shippedSchedules,
            { agencyId: opts.agency ?? null, actor: 'cli' },
            text,
            localDateOf(systemClock.now()),
          ),
        );
        io.out(opts.json ? `${JSON.stringify(preview, null, 2)}\n` : describePreview(preview));
      } catch (e) {
        fail(io, e);
      }
    });

  schedule
    .command('apply')
    .description('áp dụng tệp đã xem trước thành phiên bản mới (cần --previewed-hash từ lệnh preview)')
    .argument('<file>')
    .requiredOption('--previewed-hash <hash>', 'mã hash mà lệnh preview in ra cho chính tệp này')
    .option('--agency <id>', 'tầng của một đơn vị thu (mặc định: toàn nền tảng)')
    .action(async (file: string, opts: { agency?: string; previewedHash: string }) => {
      try {
        const text = readFileSync(file, 'utf8');
        const result = await withDatabase((db) =>
          applySchedule(
            db,
            shippedSchedules,
            { agencyId: opts.agency ?? null, actor: 'cli' },
            text,
            opts.previewedHash,
            systemClock.now(),
            localDateOf(systemClock.now()),
          ),
        );
        io.out(
          result.created
            ? `Đã áp dụng phiên bản ${result.version.hash} của "${result.version.scheduleId}".\n`
            : `Không thay đổi: ${result.version.hash} đang được áp dụng.\n`,
        );
      } catch (e) {
        fail(io, e);
      }
    });

  schedule
    .command('versions')
    .description('liệt kê các phiên bản đã nạp (mới nhất trước)')
    .option('--agency <id>', 'của một đơn vị thu (mặc định: toàn nền tảng)')
    .action(async (opts: { agency?: string }) => {
      const versions = await withDatabase((db) => listScheduleVersions(db, opts.agency ?? null));
      io.out(`${JSON.stringify(versions, null, 2)}\n`);
    });

  return schedule;
}
