/**
 * The demo chat page in a real browser: Debian's Chromium, driven by playwright-core. A person
 * types, sees "recording voice…", and gets voice bubbles that play; the screenshot lands in
 * test-artifacts/ (docs/screenshot-demo.png is a copy of it).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startDemo, type Demo } from '../../local/demo/stack.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');
const missing = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is not installed (apt-get install chromium); the browser test needs it`;

let demo: Demo;
let browser: Browser;
let page: Page;
let profile: string;

before(async () => {
  if (missing) return;
  demo = await startDemo();
  profile = await mkdtemp(join(tmpdir(), 'voicebot-chromium-'));
  // This machine's network is closed: no background or first-run traffic, or Chromium stalls on it.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`],
  });
  page = await browser.newPage({ viewport: { width: 720, height: 640 }, deviceScaleFactor: 1 });
  await page.goto(demo.chatUrl);
});

after(async () => {
  await browser?.close();
  await demo?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

/** Types a message as a person would and waits for the voice that answers it. */
async function sendAndWaitForVoice(text: string, expectedVoice: RegExp) {
  const voices = page.locator('.row.bot .voice');
  const before = await voices.count();
  await page.fill('#text', text);
  await page.press('#text', 'Enter');
  const voice = voices.nth(before);
  await voice.waitFor({ timeout: 15_000 });
  await page.waitForFunction((index) => {
    const audio = document.querySelectorAll<HTMLAudioElement>('.row.bot .voice audio')[index];
    return audio !== undefined && Number.isFinite(audio.duration) && audio.duration > 0;
  }, before, { timeout: 10_000 });
  await assert.doesNotReject(voice.locator('.voice-by', { hasText: expectedVoice }).waitFor({ timeout: 5_000 }), `the voice is labelled ${expectedVoice}`);
  return voice;
}

test('the chat page shows "recording voice…" and then a Russian and an English voice that play', { skip: missing }, async () => {
  await page.fill('#text', 'Привет! Я читаю твои сообщения вслух.');
  await page.press('#text', 'Enter');
  await page.locator('#status', { hasText: 'recording voice…' }).waitFor({ timeout: 10_000 });

  const russian = page.locator('.row.bot .voice').first();
  await russian.waitFor({ timeout: 15_000 });
  await page.waitForFunction(() => (document.querySelector<HTMLAudioElement>('.row.bot .voice audio')?.duration ?? 0) > 0, null, { timeout: 10_000 });
  await russian.locator('.voice-by', { hasText: /Maxim · Russian/ }).waitFor({ timeout: 5_000 });
  await sendAndWaitForVoice('Hello! This bot reads every message aloud, in the language you write in.', /English/);

  const durations = await page.locator('.row.bot .voice audio').evaluateAll((audios) => audios.map((audio) => (audio as HTMLAudioElement).duration));
  assert.equal(durations.length, 2);
  for (const duration of durations) assert.ok(duration > 0.5 && duration < 30, `a voice lasts ${duration} s`);
  // The waveform is computed from the decoded audio: the bars differ in height.
  const heights = await page.locator('.row.bot .voice').first().locator('.wave span').evaluateAll((bars) => new Set(bars.map((bar) => (bar as HTMLElement).style.height)).size);
  assert.ok(heights > 5, `the waveform has ${heights} different bar heights`);

  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'demo-chat.png') });
});
