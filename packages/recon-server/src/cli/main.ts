#!/usr/bin/env node
/** The `thuphi` command-line tool: `thuphi qr …`, `thuphi fee …`, `thuphi schedule …`, `thuphi agency …`, `thuphi serve`. */
import { Command } from 'commander';

/**
 * Each command's module, loaded only when it is the one invoked: the database commands bring knex,
 * PGlite and the ledger, which a `thuphi qr decode` should not wait for (it runs in a fraction of a
 * second this way). Help, or an unknown command, loads them all.
 */
const commands: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./commands/serve.js')).serveCommand(),
  qr: async () => (await import('./commands/qr.js')).qrCommand(),
  fee: async () => (await import('./commands/fee.js')).feeCommand(),
  agency: async () => (await import('./commands/agency.js')).agencyCommand(),
  recon: async () => (await import('./commands/recon.js')).reconCommand(),
  statement: async () => (await import('./commands/statement.js')).statementCommand(),
  schedule: async () => (await import('./commands/schedule.js')).scheduleCommand(),
};

const program = new Command('thuphi')
  .description('Fee collection for Vietnamese one-stop-shop offices')
  .showHelpAfterError();
const invoked = process.argv[2];
const load =
  invoked !== undefined && Object.hasOwn(commands, invoked) ? [commands[invoked]!] : Object.values(commands);
for (const command of await Promise.all(load.map((f) => f()))) program.addCommand(command);

await program.parseAsync(process.argv);
