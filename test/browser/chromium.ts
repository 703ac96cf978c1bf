/**
 * Debian's Chromium for browser tests (package `chromium`), driven by playwright-core. Never
 * `npx playwright install`: the browser comes from apt. Flags keep Chromium off the network.
 */
import { execFileSync } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';

/** The path `which chromium` prints, or undefined when Chromium is not installed. */
export function chromiumPath(): string | undefined {
  try {
    const out = execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
    return out || undefined;
  } catch {
    return undefined;
  }
}

export const CHROMIUM_FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-quic', '--no-first-run', '--disable-dev-shm-usage',
];

export async function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    // playwright gives each launch a fresh, empty profile of its own.
    args: CHROMIUM_FLAGS,
  });
}
