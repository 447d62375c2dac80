/** @module `thuphi serve`: the same server as `pnpm start`. */
import { Command } from 'commander';

export function serveCommand(): Command {
  return new Command('serve')
    .description(
      'start the recon server (PORT, DATABASE_URL, THUPHI_DATA, THUPHI_DEMO_* from the environment)',
    )
    .option('-p, --port <port>', 'port to listen on (default: PORT or 3000)')
    .action(async (options: { port?: string }) => {
      if (options.port) process.env.PORT = options.port;
      await import('../../main.js');
    });
}
