/**
 * The demo chat page's server on its own, over the Telegram emulator (no function behind it): a file
 * the page sends becomes the user's document update and shows in the page's event stream; a body too
 * big for the demo is refused with 413 before anything reaches Telegram.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import type { Update } from '@grammyjs/types';
import { startChatPage, type ChatPage } from '../../local/chat/server.ts';
import { startTelegramEmulator, type TelegramEmulator } from '../../local/telegram/emulator.ts';

const TOKEN = '123456:CHAT-page-token_abc';
const CHAT_ID = 4242;

describe('chat page server', () => {
  let telegram: TelegramEmulator;
  let chat: ChatPage;

  before(async () => {
    telegram = await startTelegramEmulator({ token: TOKEN });
    chat = await startChatPage({ telegram, token: TOKEN, chatId: CHAT_ID, onLog: () => () => {}, botUsername: 'voicebot', rateLimitPerMinute: 10 });
  });
  after(async () => {
    await chat?.close();
    await telegram?.close();
  });

  const sendDocument = (query: Record<string, string>, body: Uint8Array<ArrayBuffer>) => fetch(new URL(`/send-document?${new URLSearchParams(query)}`, chat.url), { method: 'POST', body });

  /** The page's event stream until a user message arrives: that message. */
  async function nextUserMessageOnPage(events: Response): Promise<Record<string, any>> {
    const reader = events.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = '';
    for (;;) {
      const { value, done } = await reader.read();
      assert.ok(!done, 'the event stream ended');
      buffered += value;
      for (const frame of buffered.split('\n\n').slice(0, -1)) {
        const event = JSON.parse(frame.replace(/^data: /, ''));
        if (event.type === 'message' && event.from === 'user') {
          await reader.cancel();
          return event.message;
        }
      }
      buffered = buffered.slice(buffered.lastIndexOf('\n\n') + 2);
    }
  }

  test('a file POSTed to /send-document becomes the user’s document message, its bytes kept for getFile, and shows on the page', async () => {
    const events = await fetch(new URL('/events', chat.url), { signal: AbortSignal.timeout(10_000) });
    const bytes = new TextEncoder().encode('Привет! Read this file aloud.\n');
    const delivered = once(telegram.events, 'update', { signal: AbortSignal.timeout(10_000) }) as Promise<[Update]>;
    const response = await sendDocument({ name: 'заметки.txt', type: 'text/plain' }, bytes);
    assert.equal(response.status, 202);
    const [update] = await delivered;
    const message = update.message!;
    assert.equal(message.chat.id, CHAT_ID);
    assert.deepEqual({ name: message.document?.file_name, type: message.document?.mime_type, size: message.document?.file_size }, { name: 'заметки.txt', type: 'text/plain', size: bytes.length });

    const file = (await (await fetch(`${telegram.url}/bot${TOKEN}/getFile?file_id=${encodeURIComponent(message.document!.file_id)}`)).json()) as { result: { file_path: string } };
    const download = new Uint8Array(await (await fetch(`${telegram.url}/file/bot${TOKEN}/${file.result.file_path}`)).arrayBuffer());
    assert.deepEqual(download, bytes);

    const shown = await nextUserMessageOnPage(events);
    assert.equal(shown.message_id, message.message_id);
    assert.equal(shown.document.file_name, 'заметки.txt');

    // The page's own download link (a Telegram client's getFile + file path) gives the same bytes.
    const viaPage = await fetch(new URL(`/file/${encodeURIComponent(message.document!.file_id)}`, chat.url));
    assert.deepEqual(new Uint8Array(await viaPage.arrayBuffer()), bytes);
  });

  test('a file the browser gives no type is sent without mime_type, for the bot to judge by its name', async () => {
    const delivered = once(telegram.events, 'update', { signal: AbortSignal.timeout(10_000) }) as Promise<[Update]>;
    assert.equal((await sendDocument({ name: 'notes.md', type: '' }, new TextEncoder().encode('# Notes'))).status, 202);
    const [update] = await delivered;
    assert.equal(update.message?.document?.file_name, 'notes.md');
    assert.equal(update.message?.document && 'mime_type' in update.message.document, false);
  });

  test('a body over the demo’s bound (21 MB) is answered 413, and a file just over Telegram’s 20 MB still goes', async () => {
    const bound = 21 * 1024 * 1024;
    const seen: Update[] = [];
    const onUpdate = (update: Update) => seen.push(update);
    telegram.events.on('update', onUpdate);
    try {
      const tooBig = await sendDocument({ name: 'huge.txt', type: 'text/plain' }, new Uint8Array(bound + 1));
      assert.equal(tooBig.status, 413);
      assert.match(await tooBig.text(), /^The demo sends files up to 21 MB .*; this one is 21\.0 MB\.$/);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(seen.length, 0, 'nothing reached Telegram');

      const delivered = once(telegram.events, 'update', { signal: AbortSignal.timeout(10_000) });
      const justOverTelegramsLimit = await sendDocument({ name: 'big.txt', type: 'text/plain' }, new Uint8Array(20 * 1024 * 1024 + 1));
      assert.equal(justOverTelegramsLimit.status, 202, 'a file the bot may refuse can still be sent');
      await delivered;
      assert.equal(seen.at(-1)?.message?.document?.file_size, 20 * 1024 * 1024 + 1);
    } finally {
      telegram.events.off('update', onUpdate);
    }
  });

  test('a file without a name, or an empty one, is refused with a reason', async () => {
    const nameless = await sendDocument({ type: 'text/plain' }, new Uint8Array(3));
    assert.equal(nameless.status, 400);
    assert.match(await nameless.text(), /name/);
    const empty = await sendDocument({ name: 'empty.txt' }, new Uint8Array(0));
    assert.equal(empty.status, 400);
    assert.match(await empty.text(), /empty/);
  });
});
