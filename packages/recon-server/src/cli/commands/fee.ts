/**
 * @module `thuphi fee …`: fee assessment from the command line (fee-core, no server or database), on the unit
 * named by `--province` / `--commune` (the demo unit when none is named).
 */
import { readFileSync } from 'node:fs';
import {
  AdministrativeUnitError,
  type Assessment,
  AssessmentError,
  type AssessmentRequest,
  administrativeUnit,
  assess,
  DEMO_NOTICE,
  DEMO_UNIT,
  loadScheduleFile,
  resolveSchedules,
  ScheduleError,
  shippedSchedules,
} from '@thuphi/fee-core';
import { Command } from 'commander';

/** Where the command writes; injectable so tests can capture output. */
export interface FeeCommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const processIo: FeeCommandIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

interface CaseFile {
  id?: string;
  request?: AssessmentRequest;
  expected?: { total?: number };
}

// A case file holds one case of fee-cases.json ({ id, request, expected }) or a bare request ({ items, … }).
function readCase(file: string): { request: AssessmentRequest; expectedTotal?: number; id?: string } {
  const data = JSON.parse(readFileSync(file, 'utf8')) as CaseFile & AssessmentRequest;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new Error(`${file}: expected a JSON object (a case or a request)`);
  }
  if (data.request !== undefined) {
    const out: { request: AssessmentRequest; expectedTotal?: number; id?: string } = {
      request: data.request,
    };
    if (typeof data.expected?.total === 'number') out.expectedTotal = data.expected.total;
    if (typeof data.id === 'string') out.id = data.id;
    return out;
  }
  return { request: data };
}

function describeError(e: unknown): string {
  if (e instanceof AssessmentError)
    return `Lỗi tính phí [${e.code}]${e.field ? ` ${e.field}` : ''}: ${e.message}`;
  if (e instanceof ScheduleError) return e.message;
  if (e instanceof AdministrativeUnitError) return `Đơn vị hành chính [${e.code}] ${e.field}: ${e.message}`;
  if (e instanceof SyntaxError) return `JSON không hợp lệ / invalid JSON: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

/**
 * The `fee` command group. `fee assess --case FILE [--province SLUG] [--commune CODE]` prints the assessment as
 * JSON (`total`, `lines`, …) priced on that unit (national → the province layers in force on its territory →
 * `--schedule` layers); without `--province`, on the demo unit, and it says so. On an error it prints the message
 * on stderr and sets exit code 1.
 *
 * @example
 * program.addCommand(feeCommand());
 * // thuphi fee assess --case case.json --province lai-chau --commune 03388
 */
export function feeCommand(io: FeeCommandIo = processIo): Command {
  const fee = new Command('fee').description('Tính phí, lệ phí theo biểu phí (fee-core)');

  fee
    .command('assess')
    .description('Tính phí cho một hồ sơ: in kết quả dạng JSON')
    .requiredOption('--case <file>', 'JSON: một case của fee-cases.json hoặc một yêu cầu tính phí')
    .option('--province <slug>', 'tỉnh, thành phố (34 tỉnh từ 01/07/2025): slug ASCII (lai-chau) hoặc mã')
    .option('--commune <code>', 'mã xã, phường, đặc khu (5 chữ số)')
    .option('--former-province <slug>', 'tỉnh cũ (trước sắp xếp) nơi cơ quan cấp tỉnh đặt trụ sở')
    .option(
      '--schedule <file...>',
      'thêm tầng biểu phí YAML (tỉnh, cơ quan) vào các tầng có sẵn; tầng tỉnh chỉ áp dụng trên địa bàn của nó',
    )
    .action(
      (opts: {
        case: string;
        schedule?: string[];
        province?: string;
        commune?: string;
        formerProvince?: string;
      }) => {
        try {
          const { request, expectedTotal, id } = readCase(opts.case);
          const unit =
            opts.province === undefined
              ? DEMO_UNIT
              : administrativeUnit({
                  province: opts.province,
                  commune: opts.commune,
                  formerProvince: opts.formerProvince,
                });
          if (opts.province === undefined) io.err(`Không chỉ rõ --province: tính theo ${DEMO_NOTICE}.\n`);
          const extra = (opts.schedule ?? []).map((f) => loadScheduleFile(f));
          const schedules = resolveSchedules([...shippedSchedules, ...extra], unit);
          for (const c of schedules.conflicts) io.err(`Cảnh báo biểu phí: ${c.message}\n`);
          for (const x of schedules.excluded.filter((e) => extra.some((s) => s.id === e.schedule))) {
            io.err(`Tầng "${x.schedule}" không áp dụng cho đơn vị này: ${x.reason}\n`);
          }
          const assessment: Assessment = assess(schedules, request);
          io.out(`${JSON.stringify(assessment, null, 2)}\n`);
          if (expectedTotal !== undefined && expectedTotal !== assessment.total) {
            io.err(
              `Lưu ý: case ${id ?? ''} ghi expected.total = ${expectedTotal}, kết quả tính = ${assessment.total}\n`,
            );
          }
        } catch (e) {
          io.err(`${describeError(e)}\n`);
          process.exitCode = 1;
        }
      },
    );

  return fee;
}
