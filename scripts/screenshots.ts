/**
 * `make screenshots`: docs/screenshot-demo.png and docs/screenshot-inline.png, taken from the demo as
 * it is now (the built dist/index.mjs behind the chat page, in Chromium), so a change to the page or
 * the log lines can be shown again with one command.
 *
 *   screenshot-demo.png    /start, a Russian and an English text read aloud, the log panel with one entry open
 *   screenshot-inline.png  "@voicebot Hello everyone" typed, with the inline result above the box
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium, missingChromium } from '../local/chat/chromium.ts';
import { startDemo } from '../local/demo/stack.ts';

const DOCS = path.resolve(import.meta.dirname, '../docs');
const VIEWPORT = { width: 1180, height: 700 };

const missing = missingChromium();
if (missing) {
  process.stderr.write(`make screenshots needs Chromium: ${missing}\n`);
  process.exit(1);
}

const demo = await startDemo();
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  await page.goto(demo.chatUrl);
  await say(page, '/start', () => page.locator('.row.bot .text').first().waitFor());
  await say(page, 'Привет! Я читаю твои сообщения вслух.', () => labelled(page, 0));
  await say(page, 'Hello! This bot reads every message aloud, in the language you write in.', () => labelled(page, 1));
  await page.click('#log-toggle');
  await page.locator('#log-lines > li').filter({ hasText: 'voice=Danielle' }).last().locator('summary').click();
  await shoot(page, 'screenshot-demo.png');
  await page.click('#log-close');

  await page.locator('#text').pressSequentially('@voicebot Hello everyone', { delay: 20 });
  await page.locator('.inline-result').waitFor({ timeout: 10_000 });
  await shoot(page, 'screenshot-inline.png');
} finally {
  await browser.close();
  await demo.close();
}

/** Sends a message as a person would, and waits for its answer to show. */
async function say(page: Page, text: string, answered: () => Promise<void>): Promise<void> {
  await page.fill('#text', text);
  await page.press('#text', 'Enter');
  await answered();
}

/** The bot's nth voice is labelled and its waveform drawn. */
async function labelled(page: Page, index: number): Promise<void> {
  await page.locator('.row.bot .voice').nth(index).locator('.voice-by', { hasText: ' · ' }).waitFor({ timeout: 15_000 });
  await page.waitForFunction((i) => (document.querySelectorAll<HTMLAudioElement>('.row.bot .voice audio')[i]?.duration ?? 0) > 0, index, { timeout: 10_000 });
}

async function shoot(page: Page, file: string): Promise<void> {
  await page.waitForTimeout(300); // the last chat action and scroll settle
  await page.screenshot({ path: path.join(DOCS, file) });
  process.stderr.write(`wrote docs/${file}\n`);
}
