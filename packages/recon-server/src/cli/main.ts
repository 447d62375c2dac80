#!/usr/bin/env node
/** The `thuphi` command-line tool: `thuphi qr …`, `thuphi fee …`, `thuphi schedule …`, `thuphi agency …`, `thuphi serve`. */
import { Command } from 'commander';
import { agencyCommand } from './commands/agency.js';
import { feeCommand } from './commands/fee.js';
import { qrCommand } from './commands/qr.js';
import { reconCommand } from './commands/recon.js';
import { scheduleCommand } from './commands/schedule.js';
import { serveCommand } from './commands/serve.js';
import { statementCommand } from './commands/statement.js';

const program = new Command('thuphi')
  .description('Fee collection for Vietnamese one-stop-shop offices')
  .showHelpAfterError();
program.addCommand(serveCommand());
program.addCommand(qrCommand());
program.addCommand(feeCommand());
program.addCommand(agencyCommand());
program.addCommand(reconCommand());
program.addCommand(statementCommand());
program.addCommand(scheduleCommand());

await program.parseAsync(process.argv);
