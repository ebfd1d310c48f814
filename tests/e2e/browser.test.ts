/// <reference lib="dom" />
/**
 * The demo chat page in a real browser: Debian's Chromium, driven by playwright-core. A person
 * types, sees "recording voice…", and gets voice bubbles that play; the screenshot lands in
 * test-artifacts/ (docs/screenshot-demo.png is a copy of it).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEMO_START_MESSAGE, startDemo, type Demo } from '../../local/demo/stack.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');
const missing = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is not installed (apt-get install chromium); the browser test needs it`;

let demo: Demo;
let browser: Browser;
let page: Page;

before(async () => {
  if (missing) return;
  demo = await startDemo();
  // Headless, with a fresh profile that playwright creates and removes. The network may be closed:
  // no background or first-run traffic, or Chromium stalls on it.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1180, height: 700 }, deviceScaleFactor: 1 });
  await page.goto(demo.chatUrl);
});

after(async () => {
  await browser?.close();
  await demo?.close();
});

/** Types a message and presses Enter, as a person would. */
async function send(text: string): Promise<void> {
  await page.fill('#text', text);
  await page.press('#text', 'Enter');
}

/** Waits for the bot's nth voice to be playable (its <audio> knows its duration) and labelled with the voice that read it. */
async function waitForVoice(index: number, label: RegExp): Promise<void> {
  await page.locator('.row.bot .voice').nth(index).locator('.voice-by', { hasText: label }).waitFor({ timeout: 15_000 });
  await page.waitForFunction((i) => (document.querySelectorAll<HTMLAudioElement>('.row.bot .voice audio')[i]?.duration ?? 0) > 0, index, { timeout: 10_000 });
}

test('the chat page shows the bot\'s text, "recording voice…", and a Russian and an English voice that play', { skip: missing }, async () => {
  await send('/start');
  await page.locator('.row.bot .text', { hasText: DEMO_START_MESSAGE }).waitFor({ timeout: 10_000 });

  await send('Привет! Я читаю твои сообщения вслух.');
  await page.locator('#status', { hasText: 'recording voice…' }).waitFor({ timeout: 10_000 });
  await waitForVoice(0, /^Maxim · Russian/);
  await send('Hello! This bot reads every message aloud, in the language you write in.');
  await waitForVoice(1, /English/);

  const durations = await page.locator('.row.bot .voice audio').evaluateAll((audios) => audios.map((audio) => (audio as HTMLAudioElement).duration));
  assert.equal(durations.length, 2);
  for (const duration of durations) assert.ok(duration > 0.5 && duration < 30, `a voice lasts ${duration} s`);
  // The waveform is computed from the decoded audio: the bars differ in height.
  const heights = await page.locator('.row.bot .voice').first().locator('.wave span').evaluateAll((bars) => new Set(bars.map((bar) => (bar as HTMLElement).style.height)).size);
  assert.ok(heights > 5, `the waveform has ${heights} different bar heights`);

  await page.click('#log-toggle');
  await page.locator('#log-lines li', { hasText: 'voice=Maxim' }).waitFor({ timeout: 5_000 });
  // Each update's metrics, as CloudWatch would extract them from the line.
  const metrics = await page.locator('#log-lines li .metrics', { hasText: 'PollyCharacters=' }).first().textContent({ timeout: 5_000 });
  assert.match(metrics ?? '', /Updates=1 Voices=1 .*PollyCharacters=\d+ .*LatencyMs=\d+/);
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'demo-chat.png') });
});
