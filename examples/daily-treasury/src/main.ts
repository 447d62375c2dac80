/**
 * Run against a running server:
 *   THUPHI_URL=http://localhost:3000 THUPHI_API_KEY=… THUPHI_CALLBACK_SECRET=… pnpm example:daily-treasury
 */
import { runDailyTreasury } from './daily-treasury.js';

const apiKey = process.env.THUPHI_API_KEY;
const callbackSecret = process.env.THUPHI_CALLBACK_SECRET;
if (!apiKey || !callbackSecret) {
  console.error(
    'Set THUPHI_API_KEY (an admin key) and THUPHI_CALLBACK_SECRET (printed by `pnpm start` on first start).',
  );
  process.exit(2);
}
try {
  await runDailyTreasury({
    baseUrl: process.env.THUPHI_URL ?? 'http://localhost:3000',
    apiKey,
    callbackSecret,
  });
} catch (error) {
  console.error(`daily-treasury failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
