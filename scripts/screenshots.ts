/**
 * `make screenshots`: docs/screenshot-demo.png, docs/screenshot-inline.png and docs/screenshot-document.png, taken from the demo as
 * it is now (the built dist/index.mjs behind the chat page, in Chromium), so a change to the page or
 * the log lines can be shown again with one command.
 *
 *   screenshot-demo.png    /start, a Russian and an English text read aloud, the log panel with one entry open
 *   screenshot-inline.png  "@voicebot Hello everyone" typed, with the inline result above the box
 *   screenshot-document.png  a Markdown file attached with 📎: its status message read to the end, and its voice
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium, missingChromium } from '../local/chat/chromium.ts';
import { startDemo } from '../local/demo/stack.ts';

const DOCS = path.resolve(import.meta.dirname, '../docs');
const VIEWPORT = { width: 1180, height: 700 };

const DOCUMENT_CHAT_ID = 4_343;
/** A Markdown file of two Polly requests, so its status message counts parts. */
const RELEASE_NOTES = [
  '# Release notes',
  '',
  ...Array.from({ length: 48 }, (_, i) => `- Item ${i + 1}: the bot now reads **documents** aloud, and a [long one](https://example.com) shows how far it got.`),
].join('\n');

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

  // In a chat of its own, so the two screenshots above stay as they are.
  const documentPage = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  await documentPage.goto((await demo.openChatPage(DOCUMENT_CHAT_ID)).url);
  await documentPage.setInputFiles('#file', { name: 'release-notes.md', mimeType: 'text/markdown', buffer: Buffer.from(RELEASE_NOTES) });
  await documentPage.locator('.row.bot .text', { hasText: 'read aloud.' }).waitFor({ timeout: 60_000 });
  await labelled(documentPage, 0);
  // A long voice's waveform is drawn once the whole file is decoded, after its duration is known.
  await documentPage.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('.row.bot .voice .wave span')].some((bar) => bar.style.height !== ''), undefined, { timeout: 20_000 });
  await shoot(documentPage, 'screenshot-document.png');
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
