/** @module `thuphi recon …`: the daily reconciliation from the command line. */
import { Command, Option } from 'commander';
import { agencyExists } from '../../agencies/agencies.js';
import { reportCsv } from '../../reconciliation/export.js';
import { runReconciliation } from '../../reconciliation/runs.js';
import { systemClock } from '../../shared/clock.js';
import { dayWindow, localDateOf } from '../../shared/time.js';
import { withDatabase } from '../database.js';

/** The actor recorded on runs made from the command line. */
export const CLI_ACTOR = 'cli';

export function reconCommand(): Command {
  const recon = new Command('recon').description('daily reconciliation (đối soát) of an agency');

  recon
    .command('run')
    .description('reconcile one local day (Asia/Ho_Chi_Minh) now, store it as a new run and print the report')
    .option('--agency <id>', 'agency id', 'demo')
    .option('--date <YYYY-MM-DD>', 'the local day (default: today in Asia/Ho_Chi_Minh)')
    .addOption(new Option('--format <format>', 'output').choices(['json', 'csv']).default('json'))
    .action(async (options: { agency: string; date?: string; format: 'json' | 'csv' }) => {
      const now = systemClock.now();
      const date = options.date ?? localDateOf(now);
      if (!dayWindow(date)) {
        process.stderr.write(`--date must be a calendar date YYYY-MM-DD, got "${date}"\n`);
        process.exitCode = 1;
        return;
      }
      if (date > localDateOf(now)) {
        process.stderr.write(`${date} has not begun yet in Asia/Ho_Chi_Minh\n`);
        process.exitCode = 1;
        return;
      }
      const run = await withDatabase(async (db) => {
        if (!(await agencyExists(db, options.agency))) return undefined;
        const outcome = await runReconciliation(db, {
          agencyId: options.agency,
          date,
          actor: CLI_ACTOR,
          now,
        });
        return outcome.status === 'ran' ? outcome.run : undefined;
      });
      if (!run) {
        process.stderr.write(`no agency "${options.agency}"\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(
        options.format === 'csv'
          ? reportCsv(run.report)
          : `${JSON.stringify({ ...run.report, run: { id: run.id, actor: run.actor, generatedAt: run.generatedAt } }, null, 2)}\n`,
      );
    });

  return recon;
}
