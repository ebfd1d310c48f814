/**
 * Debian's Chromium, headless, driven by playwright-core: the browser test and `make screenshots` look
 * at the chat page through it.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Why Chromium cannot be used here, or undefined when it can. */
export const missingChromium = (): string | undefined => (existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is not installed (apt-get install chromium)`);

/**
 * A fresh profile that playwright creates and removes. The network may be closed: no background or
 * first-run traffic, or Chromium stalls on it.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
