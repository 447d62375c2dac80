/** @module `thuphi agency …`: an agency's accounts and callback provider settings, from the command line. */
import { Command, Option } from 'commander';
import { agencyOverview, saveProviderSettings } from '../../agencies/agencies.js';
import { providers } from '../../callbacks/providers/index.js';
import { changeAgencyUnit } from '../../fees/units.js';
import { unitChangeBody } from '../../http/routes/agencies.js';
import { providerSettingsBody } from '../../http/routes/agency.js';
import { systemClock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { formatPath } from '../../shared/input.js';
import { withDatabase } from '../database.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

export function agencyCommand(): Command {
  const agency = new Command('agency').description("an agency's collection accounts and callback providers");

  agency
    .command('show')
    .description('print the agency, its collection accounts and configured providers (never secrets) as JSON')
    .option('--agency <id>', 'agency id', 'demo')
    .action(async (options: { agency: string }) => {
      const overview = await withDatabase((db) => agencyOverview(db, options.agency));
      if (!overview) {
        process.stderr.write(`no agency "${options.agency}"\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`${JSON.stringify(overview, null, 2)}\n`);
    });

  agency
    .command('provider')
    .description("set a callback provider's secret (or API key) and the account numbers it reports for")
    .addOption(
      new Option('--provider <name>', 'callback provider')
        .choices(Object.keys(providers))
        .makeOptionMandatory(),
    )
    .option('--agency <id>', 'agency id', 'demo')
    .option(
      '--secret <secret>',
      'the secret as the provider issued it (prefer --secret-stdin: arguments show in ps)',
    )
    .option('--secret-stdin', 'read the secret from standard input')
    .option(
      '--accounts <numbers>',
      'comma-separated collection account numbers (default: the agency’s collection accounts)',
      '',
    )
    .action(
      async (options: {
        provider: string;
        agency: string;
        secret?: string;
        secretStdin?: boolean;
        accounts: string;
      }) => {
        const secret = options.secretStdin ? await readStdin() : options.secret;
        const parsed = providerSettingsBody.safeParse({
          secret,
          accountNumbers: options.accounts ? options.accounts.split(',').map((s) => s.trim()) : [],
        });
        if (!parsed.success) {
          for (const issue of parsed.error.issues) {
            process.stderr.write(`${formatPath(issue.path) || 'input'}: ${issue.message}\n`);
          }
          process.exitCode = 1;
          return;
        }
        const ok = await withDatabase(async (db) => {
          if (!(await agencyOverview(db, options.agency))) return false;
          await saveProviderSettings(db, {
            agencyId: options.agency,
            provider: options.provider,
            secret: parsed.data.secret,
            accountNumbers: parsed.data.accountNumbers,
            at: systemClock.now(),
          });
          return true;
        });
        if (!ok) {
          process.stderr.write(`no agency "${options.agency}"\n`);
          process.exitCode = 1;
          return;
        }
        process.stdout.write(
          `${options.provider} settings saved for ${options.agency}; callback URL /v1/callbacks/${options.provider}/${options.agency}\n`,
        );
      },
    );
  agency
    .command('unit')
    .description(
      "record a dated change of the agency's administrative unit (audited; earlier dates keep the old one)",
    )
    .option('--agency <id>', 'agency id', 'demo')
    .requiredOption('--province <slug>', '2025 province: slug (lai-chau) or code')
    .option('--commune <code>', 'commune code (5 digits); omit for a province-level body')
    .option(
      '--former-province <slug>',
      'former province (pre-2025) for a province-level body of a merged province',
    )
    .requiredOption('--from <date>', 'YYYY-MM-DD from which the new unit prices the fees')
    .requiredOption('--reason <text>', 'why (e.g. the decision)')
    .action(
      async (options: {
        agency: string;
        province: string;
        commune?: string;
        formerProvince?: string;
        from: string;
        reason: string;
      }) => {
        const parsed = unitChangeBody.safeParse({
          unit: {
            province: options.province,
            ...(options.commune ? { commune: options.commune } : {}),
            ...(options.formerProvince ? { formerProvince: options.formerProvince } : {}),
          },
          effectiveFrom: options.from,
          reason: options.reason,
        });
        if (!parsed.success) {
          for (const issue of parsed.error.issues) {
            process.stderr.write(`${formatPath(issue.path) || 'input'}: ${issue.message}\n`);
          }
          process.exitCode = 1;
          return;
        }
        try {
          const record = await withDatabase((db) =>
            changeAgencyUnit(db, {
              agencyId: options.agency,
              unit: parsed.data.unit,
              effectiveFrom: parsed.data.effectiveFrom,
              reason: parsed.data.reason,
              actor: 'cli',
              at: systemClock.now(),
            }),
          );
          process.stdout.write(
            `${options.agency}: ${record.unit.commune?.name ?? ''} ${record.unit.province.fullName} từ ${record.effectiveFrom}\n`,
          );
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          process.stderr.write(`${error.code}: ${error.message}\n`);
          for (const e of error.errors ?? []) process.stderr.write(`  - ${e.path ?? ''}: ${e.message}\n`);
          process.exitCode = 1;
        }
      },
    );
  return agency;
}
