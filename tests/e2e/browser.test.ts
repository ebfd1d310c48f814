/// <reference lib="dom" />
/**
 * The demo chat page in a real browser: Debian's Chromium, driven by playwright-core. A person
 * types, sees "recording voice…", and gets voice bubbles that play; uses inline mode; and the page
 * fits a 390 px phone. Screenshots land in test-artifacts/; the ones in docs/ come from
 * `make screenshots` (scripts/screenshots.ts).
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, missingChromium } from '../../local/chat/chromium.ts';
import { DEMO_CHAT_ID, DEMO_START_MESSAGE, startDemo, type Demo } from '../../local/demo/stack.ts';
import { describeUnlessMissing } from '../support/suite.ts';

const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');
const missing = missingChromium();

describeUnlessMissing('browser tests (the demo chat page in Chromium)', missing, () => {
  let demo: Demo;
  let browser: Browser;
  let page: Page;

  before(async () => {
    demo = await startDemo();
    browser = await launchChromium();
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

  test('the empty chat says to send /start, and the page has a favicon', async () => {
    await page.locator('#empty-hint', { hasText: 'Send /start to begin' }).waitFor({ state: 'visible', timeout: 5_000 });
    assert.match(await page.locator('#limit-note').innerText(), /up to 10 messages a minute/);
    const favicon = await fetch(new URL('/favicon.ico', demo.chatUrl));
    assert.equal(favicon.status, 200);
    assert.match(favicon.headers.get('content-type') ?? '', /^image\//);
  });

  test('the chat page shows the bot\'s text, "recording voice…", and a Russian and an English voice that play', async () => {
    await send('/start');
    // The page shows the user's message when the emulator's event for it comes back (POST /send, then the event stream).
    await page.locator('#empty-hint').waitFor({ state: 'hidden', timeout: 5_000 }); // the hint goes once there are messages
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
    // Each entry holds the function's JSON line as written: each one parses.
    const lines = await page.locator('#log-lines li .line').allTextContents();
    assert.ok(lines.length >= 2);
    for (const line of lines) assert.equal(typeof JSON.parse(line).level, 'string', line);
    // Each update's metrics, as CloudWatch would extract them from the line.
    const metrics = await page.locator('#log-lines li .metrics', { hasText: 'PollyCharacters=' }).first().textContent({ timeout: 5_000 });
    assert.match(metrics ?? '', /Updates=1 Voices=1 .*PollyCharacters=\d+ .*LatencyMs=\d+/);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'demo-chat.png') });
    await page.click('#log-toggle');
  });

  test('inline mode: "@voicebot …" shows the result popup; choosing it posts a voice via @voicebot that plays', async () => {
    const polly = demo.polly.requests.length;
    await page.locator('#text').pressSequentially('@voicebot Hello everyone', { delay: 20 });
    const result = page.locator('.inline-result', { hasText: '🔊 Read aloud' });
    await result.waitFor({ timeout: 10_000 });
    assert.match(await result.locator('.description').innerText(), /English/);
    assert.equal(demo.polly.requests.length, polly, 'typing costs no synthesis');
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'demo-inline.png') });

    await result.click();
    assert.equal(await page.locator('#inline-results').isVisible(), false, 'the popup closes');
    const sent = page.locator('.row.user', { has: page.locator('.via', { hasText: 'via @voicebot' }) });
    await sent.locator('.voice').waitFor({ timeout: 15_000 });
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLAudioElement>('.row.user .voice audio')].some((audio) => audio.duration > 0.3), undefined, { timeout: 10_000 });
    assert.equal(demo.polly.requests.length, polly + 1, 'one synthesis for the chosen result');
  });

  test('a /voice tap moves the tick, /say shows a real duration, and a reload shows no old toast', async () => {
    await send('/voice');
    const menu = page.locator('.row.bot .keyboard').last();
    await menu.locator('button', { hasText: '✓ Automatic' }).waitFor({ timeout: 10_000 });
    const voice = (await menu.locator('button').first().innerText()).trim();
    await menu.locator('button').first().click();
    await page.locator('#toast', { hasText: voice }).waitFor({ timeout: 10_000 });
    await menu.locator('button', { hasText: `✓ ${voice}` }).waitFor({ timeout: 10_000 });
    assert.equal(await menu.locator('button', { hasText: '✓ Automatic' }).count(), 0, 'Automatic is no longer ticked');
    // The menu's own text is edited too, and marked so, as Telegram shows an edited message.
    const menuRow = page.locator('.row.bot', { has: page.locator('.keyboard') }).last();
    await menuRow.locator('.text', { hasText: `Now: ${voice}.` }).waitFor({ timeout: 10_000 });
    assert.match(await menuRow.locator('.meta').innerText(), /^edited \d\d:\d\d/);

    await send('/say hello');
    const last = page.locator('.row.bot .voice').last();
    await page.waitForFunction(() => document.querySelectorAll('.row.bot .voice').length >= 3, undefined, { timeout: 15_000 });
    assert.notEqual(await last.locator('.duration').innerText(), '0:00');

    await page.reload();
    await page.locator('.row.bot .voice').last().waitFor({ timeout: 10_000 });
    await page.waitForTimeout(300);
    assert.equal(await page.locator('#toast').isVisible(), false, 'no toast replayed after a reload');
  });

  test('at phone width (390 px) nothing scrolls sideways, even after a long message and with the log open', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    try {
      await phone.goto(demo.chatUrl);
      await phone.locator('.row.bot .voice').first().waitFor({ timeout: 10_000 });
      await phone.fill('#text', `A long message without many breaks: ${'Supercalifragilisticexpialidocious-'.repeat(6)} and https://example.com/${'a'.repeat(120)} then some ordinary words to read aloud.`);
      await phone.press('#text', 'Enter');
      await phone.waitForFunction(() => document.querySelectorAll('.row.user').length > 0 && document.querySelectorAll('.row.bot .voice').length >= 4, undefined, { timeout: 20_000 });
      const overflow = () => phone.evaluate(() => ({ page: document.documentElement.scrollWidth, body: document.body.scrollWidth, view: window.innerWidth }));
      const chat = await overflow();
      assert.ok(chat.page <= chat.view && chat.body <= chat.view, `the chat is ${Math.max(chat.page, chat.body)} px wide in a ${chat.view} px window`);
      const logButton = await phone.locator('#log-toggle').boundingBox();
      assert.ok(logButton && logButton.x + logButton.width <= 390, 'the log button is on screen');
      await mkdir(ARTIFACTS, { recursive: true });
      await phone.screenshot({ path: join(ARTIFACTS, 'demo-phone.png') });

      await phone.click('#log-toggle');
      const log = await phone.locator('#log').boundingBox();
      assert.ok(log && log.width >= 380, `the log panel is ${log?.width} px wide`);
      const withLog = await overflow();
      assert.ok(withLog.page <= withLog.view, `with the log open the page is ${withLog.page} px wide`);
      await phone.screenshot({ path: join(ARTIFACTS, 'demo-phone-log.png') });
      await phone.click('#log-close');

      await phone.locator('#text').pressSequentially('@voicebot Hi from a phone', { delay: 20 });
      await phone.locator('.inline-result').waitFor({ timeout: 10_000 });
      const inline = await overflow();
      assert.ok(inline.page <= inline.view, 'the inline popup fits');
      await phone.screenshot({ path: join(ARTIFACTS, 'demo-phone-inline.png') });
    } finally {
      await phone.close();
    }
  });

  // The fixes below hold at both sizes: a second page on the same chat replays its history.
  const VIEWPORTS = {
    desktop: { viewport: { width: 1180, height: 700 }, deviceScaleFactor: 1 },
    'phone (390 px)': { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  };

  /** A fresh page on the chat, at a size, once its history (the last voice) has arrived. */
  async function openChat(size: keyof typeof VIEWPORTS): Promise<Page> {
    const opened = await browser.newPage(VIEWPORTS[size]);
    await opened.goto(demo.chatUrl);
    await opened.locator('.voice').last().waitFor({ timeout: 10_000 });
    return opened;
  }

  for (const size of Object.keys(VIEWPORTS) as (keyof typeof VIEWPORTS)[]) {
    test(`at ${size === 'desktop' ? 'desktop size' : size}`, async (t) => {
      const chat = await openChat(size);
      try {
        await t.test('the log panel opens at its newest entry, one line each, and an entry opens to its JSON line', async () => {
          await chat.click('#log-toggle');
          const entries = chat.locator('#log-lines > li');
          assert.ok((await entries.count()) >= 8, `${await entries.count()} log entries`);
          const heights = await chat.locator('#log-lines summary').evaluateAll((rows) => rows.map((row) => row.getBoundingClientRect().height));
          const lineHeight = await chat.locator('#log').evaluate((log) => parseFloat(getComputedStyle(log).lineHeight));
          for (const height of heights) assert.ok(height > 0 && height < lineHeight * 1.5, `an entry is ${height} px tall, a line ${lineHeight} px`);

          // The first entry opened makes the panel scroll; closed and opened again, it shows the newest.
          await entries.first().locator('summary').click();
          await chat.click(size === 'desktop' ? '#log-toggle' : '#log-close');
          await chat.click('#log-toggle');
          const scroll = await chat.locator('#log').evaluate((log) => ({ top: log.scrollTop, height: log.scrollHeight, view: log.clientHeight }));
          assert.ok(scroll.height > scroll.view, 'the panel has more than it shows');
          assert.ok(scroll.top + scroll.view >= scroll.height - 2, `the panel shows ${scroll.top}-${scroll.top + scroll.view} of ${scroll.height} px`);

          const newest = entries.last();
          await newest.locator('summary').click();
          const json = newest.locator('.line');
          await json.waitFor({ state: 'visible' });
          assert.equal(typeof JSON.parse(await json.innerText()).message, 'string');
          const fits = await chat.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
          assert.ok(fits, 'an opened entry wraps inside the panel');
          await chat.click('#log-close');
        });

        await t.test('every voice, the inline one too, is labelled with its voice and language, in full', async () => {
          const inline = chat.locator('.row.user .voice .voice-by');
          await inline.first().waitFor({ timeout: 10_000 });
          await chat.waitForFunction(() => [...document.querySelectorAll('.voice-by')].every((label) => label.textContent?.includes(' · ')), undefined, { timeout: 10_000 });
          assert.match(await inline.first().innerText(), /^[A-Z][a-z]+ · (American|British|Australian|Indian)? ?English$/);
          const labels = await chat.locator('.voice-by').evaluateAll((nodes) => nodes.map((node) => ({ text: node.textContent ?? '', clipped: node.scrollWidth > node.clientWidth, width: node.getBoundingClientRect().width })));
          assert.ok(labels.length >= 4, `${labels.length} labels`);
          for (const label of labels) {
            assert.match(label.text, /^[A-Z][a-z]+ · [A-Z]\S*( \S+)*$/, `label "${label.text}"`);
            assert.ok(!label.clipped && label.width > 0, `label "${label.text}" is cut off`);
          }
        });

        await t.test('an inline query over 256 characters gets a human answer, not the API\'s words', async () => {
          await chat.fill('#text', `@voicebot ${'This text is far too long for inline mode. '.repeat(7)}`);
          await chat.locator('#text').dispatchEvent('input');
          const hint = chat.locator('#inline-results .hint');
          await hint.waitFor({ timeout: 10_000 });
          const text = await hint.innerText();
          assert.match(text, /^Inline mode reads at most 256 characters .* this text has 30\d\. Shorten it, or send it to the bot as a message/);
          assert.doesNotMatch(text, /query must be/);
          const fits = await chat.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
          assert.ok(fits, 'the answer wraps inside the popup');
          if (size !== 'desktop') await chat.screenshot({ path: join(ARTIFACTS, 'demo-phone-inline-too-long.png') });
        });

        await t.test('the /voice menu shows the voice picked, marked edited', async () => {
          const menuRow = chat.locator('.row.bot', { has: chat.locator('.keyboard') }).last();
          const ticked = (await menuRow.locator('button', { hasText: '✓' }).innerText()).replace('✓', '').trim();
          assert.match(await menuRow.locator('.text').innerText(), new RegExp(`Now: ${ticked}\\.$`));
          assert.match(await menuRow.locator('.meta').innerText(), /^edited /);
        });
      } finally {
        await chat.close();
      }
    });
  }

  /** Sends a text and waits for the bot's voice to it to be playable: its duration in seconds. */
  async function voiceSecondsFor(text: string): Promise<number> {
    const before = await page.locator('.row.bot .voice').count();
    await send(text);
    await page.waitForFunction((n) => document.querySelectorAll('.row.bot .voice').length > n, before, { timeout: 20_000 });
    await page.waitForFunction(() => ([...document.querySelectorAll<HTMLAudioElement>('.row.bot .voice audio')].at(-1)?.duration ?? 0) > 0, undefined, { timeout: 10_000 });
    return page.evaluate(() => [...document.querySelectorAll<HTMLAudioElement>('.row.bot .voice audio')].at(-1)!.duration);
  }

  // The demo keeps the deployed limit of 10 messages a minute in its one chat: these two tests send two
  // between them (button taps are not messages), and compare with a voice the tests above already made.
  test('a /speed tap at desktop width ticks 150 %, and a text read before comes back audibly shorter', async () => {
    const english = page.locator('.row.bot .voice').nth(1); // "Hello! This bot reads every message aloud…", at normal speed
    const normal = await english.locator('audio').evaluate((audio) => (audio as HTMLAudioElement).duration);

    await send('/speed');
    const menu = page.locator('.row.bot .keyboard').last();
    await menu.locator('button', { hasText: '✓ Normal' }).waitFor({ timeout: 10_000 });
    await menu.locator('button', { hasText: /^150 %$/ }).click();
    await page.locator('#toast', { hasText: '150 % of normal speed' }).waitFor({ timeout: 10_000 });
    await menu.locator('button', { hasText: '✓ 150 %' }).waitFor({ timeout: 10_000 });
    assert.equal(await menu.locator('button', { hasText: '✓ Normal' }).count(), 0, 'Normal is no longer ticked');

    const fast = await voiceSecondsFor('Hello! This bot reads every message aloud, in the language you write in.');
    assert.ok(fast < normal * 0.8, `150 %: ${fast} s, normal: ${normal} s`);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'demo-speed.png') });
  });

  test('at phone width (390 px) the /speed menu fits, and a tap back to Normal takes', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    try {
      await phone.goto(demo.chatUrl);
      // The chat's history: the menu of the test above, with its tick where the tap left it.
      const menu = phone.locator('.row.bot .keyboard').last();
      await menu.locator('button', { hasText: '✓ 150 %' }).waitFor({ timeout: 10_000 });
      await menu.scrollIntoViewIfNeeded();
      for (const button of await menu.locator('button').all()) {
        const box = await button.boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `button "${await button.innerText()}" is on screen`);
      }
      const width = await phone.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth));
      assert.ok(width <= 390, `the chat is ${width} px wide`);
      await mkdir(ARTIFACTS, { recursive: true });
      await phone.screenshot({ path: join(ARTIFACTS, 'demo-phone-speed.png') });

      await menu.locator('button', { hasText: 'Normal' }).tap();
      await phone.locator('#toast', { hasText: 'normal speed again' }).waitFor({ timeout: 10_000 });
      await menu.locator('button', { hasText: '✓ Normal' }).waitFor({ timeout: 10_000 });
    } finally {
      await phone.close();
    }
  });

  // Files are sent in a second person's chat with the bot, so the demo chat's 10 messages a minute stay
  // for the tests above. At desktop size a short Markdown file (one Polly request); on a phone a text
  // of two requests, with a status message, under a file name too long for the bubble.
  const DOCUMENTS: Record<keyof typeof VIEWPORTS, { name: string; type: string; text: string; parts: number }> = {
    desktop: { name: 'notes.md', type: 'text/markdown', text: '# Notes\n\nThe paperclip sends a **file**, and the bot reads it aloud.\n', parts: 1 },
    'phone (390 px)': {
      name: 'minutes-of-the-quarterly-planning-meeting-with-every-decision-and-action-item.txt',
      type: 'text/plain',
      text: 'We met to plan the quarter, and every decision is written down here so that nobody has to remember it. '.repeat(31),
      parts: 2,
    },
  };
  const documentsChatId = DEMO_CHAT_ID + 1;
  let documentsChat: string | undefined;

  for (const size of Object.keys(VIEWPORTS) as (keyof typeof VIEWPORTS)[]) {
    const file = DOCUMENTS[size];
    test(`at ${size === 'desktop' ? 'desktop size' : size}, a ${file.parts}-part file sent with 📎 shows as the user's file, then the bot's voice replying to it${file.parts > 1 ? ', and a status edited to "read aloud"' : ''}`, async () => {
      documentsChat ??= (await demo.openChatPage(documentsChatId)).url;
      const chat = await browser.newPage(VIEWPORTS[size]);
      try {
        await chat.goto(documentsChat);
        // The chat's history (the file sent at the other size) is on the page before the new file goes.
        const voicesBefore = demo.telegram.sent.filter((m) => m.chat_id === documentsChatId && m.kind === 'voice').length;
        await chat.waitForFunction((n) => document.querySelectorAll('.row.bot .voice').length === n, voicesBefore, { timeout: 10_000 });
        const [chooser] = await Promise.all([chat.waitForEvent('filechooser'), chat.click('#attach')]);
        await chooser.setFiles({ name: file.name, mimeType: file.type, buffer: Buffer.from(file.text) });

        const bubble = chat.locator('.row.user [data-testid="document"]').last();
        await bubble.locator('.file-name', { hasText: file.name }).waitFor({ timeout: 10_000 });
        const voice = chat.locator('.row.bot', { has: chat.locator('.voice') }).nth(voicesBefore);
        await voice.waitFor({ timeout: 60_000 });
        assert.equal(await voice.locator('.reply').innerText(), `📎 ${file.name}`, 'the voice replies to the file');
        await chat.waitForFunction((n) => (document.querySelectorAll<HTMLAudioElement>('.row.bot .voice audio')[n]?.duration ?? 0) > 1, voicesBefore, { timeout: 10_000 });
        if (file.parts > 1) {
          // The status replies to the file and quotes its name, cut short when it is this long.
          const status = chat.locator('.row.bot', { has: chat.locator('.reply', { hasText: `📎 ${file.name}` }), hasNot: chat.locator('.voice') }).last();
          await status.locator('.text', { hasText: /^📄 “minutes-of-the-quarterly-.*…”: [\d,]+ characters read aloud\.$/ }).waitFor({ timeout: 10_000 });
          assert.match(await status.locator('.meta').innerText(), /^edited /, 'the status message was edited in place');
          const edits = demo.telegram.calls.filter((c) => c.method === 'editMessageText' && Number(c.params.chat_id) === documentsChatId && c.status === 200);
          assert.ok(edits.some((c) => String(c.params.text).includes(`1 of ${file.parts} parts ready`)), 'the status said how far the reading was');
        }

        const widths = await chat.evaluate(() => ({ page: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth), view: window.innerWidth }));
        assert.ok(widths.page <= widths.view, `the chat is ${widths.page} px wide in a ${widths.view} px window`);
        const box = await bubble.boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= widths.view, `the file's bubble is on screen: ${JSON.stringify(box)}`);
        await mkdir(ARTIFACTS, { recursive: true });
        await chat.screenshot({ path: join(ARTIFACTS, size === 'desktop' ? 'demo-document.png' : 'demo-phone-document.png') });
      } finally {
        await chat.close();
      }
    });
  }
});
