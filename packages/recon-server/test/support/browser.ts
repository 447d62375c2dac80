/**
 * Real headless Chromium (Debian's `chromium` package) driven by playwright-core. Never downloads a
 * browser; if Chromium is missing or will not start, the test fails and says how to install it.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.THUPHI_CHROMIUM ?? '/usr/bin/chromium';

/** Screenshots go to the repository's artifacts/ folder, which CI keeps. */
export const ARTIFACTS_DIR = fileURLToPath(new URL('../../../../artifacts/', import.meta.url));

export async function launchChromium(): Promise<Browser> {
  try {
    return await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  } catch (error) {
    throw new Error(
      `cannot start Chromium at ${CHROMIUM_PATH} (install it: apt-get install -y chromium; .ci/run does): ${String(error)}`,
    );
  }
}

export function screenshotPath(name: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return `${ARTIFACTS_DIR}${name}.png`;
}
