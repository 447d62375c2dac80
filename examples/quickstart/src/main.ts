/**
 * Run against a running server:
 *   THUPHI_URL=http://localhost:3000 THUPHI_API_KEY=… THUPHI_CALLBACK_SECRET=… pnpm example:quickstart
 */
import { runQuickstart } from './quickstart.js';

const apiKey = process.env.THUPHI_API_KEY;
const callbackSecret = process.env.THUPHI_CALLBACK_SECRET;
if (!apiKey || !callbackSecret) {
  console.error('Set THUPHI_API_KEY and THUPHI_CALLBACK_SECRET (printed by `pnpm start` on first start).');
  process.exit(2);
}
try {
  await runQuickstart({ baseUrl: process.env.THUPHI_URL ?? 'http://localhost:3000', apiKey, callbackSecret });
} catch (error) {
  console.error(`quickstart failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
