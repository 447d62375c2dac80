/**
 * @module `thuphi fee …`: fee assessment from the command line (fee-core, no server or database).
 */
import { readFileSync } from 'node:fs';
import {
  type Assessment,
  AssessmentError,
  type AssessmentRequest,
  assess,
  defaultSchedules,
  loadScheduleFile,
  mergeSchedules,
  ScheduleError,
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
  if (e instanceof SyntaxError) return `JSON không hợp lệ / invalid JSON: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

/**
 * The `fee` command group. `fee assess --case FILE` prints the assessment as JSON (`total`, `lines`, …); on an
 * error it prints the message on stderr and sets exit code 1.
 *
 * @example
 * program.addCommand(feeCommand());
 * // thuphi fee assess --case case.json --schedule agency.yaml
 */
export function feeCommand(io: FeeCommandIo = processIo): Command {
  const fee = new Command('fee').description('Tính phí, lệ phí theo biểu phí (fee-core)');

  fee
    .command('assess')
    .description('Tính phí cho một hồ sơ: in kết quả dạng JSON')
    .requiredOption('--case <file>', 'JSON: một case của fee-cases.json hoặc một yêu cầu tính phí')
    .option(
      '--schedule <file...>',
      'thêm tầng biểu phí YAML (tỉnh, cơ quan) lên trên biểu phí mặc định, theo thứ tự',
    )
    .action((opts: { case: string; schedule?: string[] }) => {
      try {
        const { request, expectedTotal, id } = readCase(opts.case);
        const schedules =
          opts.schedule && opts.schedule.length > 0
            ? mergeSchedules(...defaultSchedules.layers, ...opts.schedule.map((f) => loadScheduleFile(f)))
            : defaultSchedules;
        for (const c of schedules.conflicts) io.err(`Cảnh báo biểu phí: ${c.message}\n`);
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
    });

  return fee;
}
