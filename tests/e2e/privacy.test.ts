/**
 * What docs/privacy.md promises about logs, checked on the built bundle at LOG_LEVEL=DEBUG (so a line
 * added at DEBUG is checked too). The end-to-end suite's kinds of traffic (texts read aloud, long and
 * cached ones, commands with arguments, group /say and captions, inline queries and their voice
 * fetches, button taps, ignored and malformed updates, 401s, and failures of Polly and Telegram)
 * leave ids and outcomes in the logs, never a word of what a user wrote in any spelling (as written,
 * JSON-escaped, URL-encoded, base64 as in a voice link), and never the bot token or the webhook secret.
 */
import assert from 'node:assert/strict';
import type { InlineKeyboardMarkup, Update } from '@grammyjs/types';
import { after, before, test } from 'node:test';
import { pollyErrors } from '../../local/polly/errors.ts';
import { assertNoSecrets, openChat, textUpdateIn } from '../reliability/helpers.ts';
import { chatIds, type Stack, startStack, textUpdate } from './stack.ts';

let stack: Stack;
const newChat = chatIds(32_000);
/** Everything the bundle wrote to stderr meanwhile: on Lambda that goes to CloudWatch too. */
let stderr = '';
const writeStderr = process.stderr.write.bind(process.stderr);

before(async () => {
  stack = await startStack({ env: { LOG_LEVEL: 'DEBUG' } });
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return (writeStderr as (chunk: unknown, ...rest: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write;
});
after(async () => {
  process.stderr.write = writeStderr;
  await stack.close();
});

/** Each text ends in a word nobody else writes, so a leak of any part of any text is found. */
let nextWord = 0;
const written: { text: string; word: string }[] = [];
const words = (text: string) => {
  const word = `Pv${(++nextWord).toString(36)}quokka`;
  written.push({ text: `${text} ${word}`, word });
  return `${text} ${word}`;
};

/**
 * How a text could show up in a line: as written, JSON-escaped, URL-encoded, or base64 (as in a voice
 * link, or a whole body) at each of the 3 byte offsets it could start at inside a longer base64 string.
 */
const spellings = ({ text, word }: { text: string; word: string }) => [
  word,
  JSON.stringify(text).slice(1, 41),
  encodeURIComponent(text).slice(0, 40),
  ...(['base64', 'base64url'] as const).flatMap((encoding) => [0, 1, 2].map((offset) => Buffer.from(`${'\0'.repeat(offset)}${text}`).toString(encoding).slice(offset ? 4 : 0, 40))),
];

test('a representative day of traffic leaves no message text, token or secret in any log line', { timeout: 120_000 }, async () => {
  const chatId = newChat();
  const private1 = await openChat(stack, chatId);

  // Texts read aloud: new, cached, long (in parts), Russian; a command with arguments and a /start payload.
  const diary = words('Dear diary, today I told the bot my secret.');
  await stack.say(chatId, diary);
  await stack.say(chatId, diary);
  await stack.say(chatId, words('A long letter. '.repeat(220)));
  await stack.say(chatId, words('Это личное сообщение, которое нельзя записывать в журнал.'));
  await stack.say(chatId, `/say ${words('read these private words')}`);
  await stack.say(chatId, `/start ${words('ref').replace(' ', '_')}`);
  await stack.say(chatId, '/voice');
  const menu = stack.sentTo(chatId).at(-1)!;
  const button = (menu.message.reply_markup as InlineKeyboardMarkup).inline_keyboard.flat()[0]!;
  await stack.telegram.pressButton({ chatId, messageId: menu.message_id, data: 'callback_data' in button ? button.callback_data : '' });

  // A group: plain text (ignored), /say, and a photo caption with /say.
  const group = await openChat(stack, -newChat(), 'group');
  await stack.post(textUpdateIn(group, words('group chatter the bot ignores')));
  await stack.post(textUpdateIn(group, `/say ${words('group words to read')}`));
  await stack.post({ ...textUpdateIn(group, ''), message: { ...textUpdateIn(group, '').message!, text: undefined, caption: `/say ${words('caption words')}`, photo: [{ file_id: 'p', file_unique_id: 'p', width: 1, height: 1 }] } } as Update);

  // Inline mode: keystrokes, a chosen result fetched from the voice route, twice.
  const inlineText = words('Inline words for another chat');
  const typed = await stack.telegram.typeInline({ fromId: chatId, query: inlineText });
  const result = typed.results![0]!;
  await stack.telegram.chooseInline({ chatId: -newChat(), queryId: typed.update.inline_query!.id, resultId: String(result.id) });
  await fetch(String(result.voice_url));
  await stack.telegram.typeInline({ fromId: chatId, query: words('x'.repeat(300)) }); // too long for a result

  // Failures: Polly refuses, Telegram refuses a voice, the chat forbids voices.
  stack.polly.failNext(pollyErrors.serviceFailure(), 3);
  await stack.say(chatId, words('Polly fails on this one'));
  stack.telegram.failNext('sendVoice', { error_code: 400, description: 'Bad Request: wrong file identifier/HTTP URL specified' });
  await stack.say(chatId, words('Telegram refuses this voice'));
  const forbidding = newChat();
  await openChat(stack, forbidding);
  stack.telegram.forbidVoices(forbidding);
  await stack.say(forbidding, words('voices are forbidden here'));

  // Odd and hostile requests: an edited message, a bot's message, malformed JSON, a 401 and a GET with text.
  await stack.post({ update_id: 32_000_001, edited_message: { ...private1.message, text: words('edited text') } } as Update);
  await stack.post({ ...textUpdateIn(private1, words('from another bot')), message: { ...textUpdateIn(private1, '').message!, from: { id: 9, is_bot: true, first_name: 'B' }, text: words('bot text') } } as Update);
  await stack.post(`{"update_id": 5, "message": {"text": "${words('broken json')}"`);
  assert.equal((await stack.post(textUpdate(words('sent without the secret'), { chatId }), { secret: null })).statusCode, 401);
  assert.equal((await stack.post(textUpdate(words('sent with a wrong secret'), { chatId }), { secret: 'wrong' })).statusCode, 401);

  const logs = stack.rawLogs();
  const lines = logs.split('\n').filter(Boolean);
  assert.ok(lines.length >= 20, `the traffic was logged (${lines.length} lines)`);
  assert.ok(lines.some((line) => line.includes('"outcome":"voice_sent"')) && lines.some((line) => line.includes('"outcome":"unauthorized"')), 'the outcomes are there');
  assert.equal(written.length, nextWord);
  const all = `${logs}\n${stderr}`;
  for (const entry of written) {
    for (const spelling of spellings(entry)) {
      const leak = all.split('\n').find((line) => line.includes(spelling));
      assert.equal(leak, undefined, `a text ending in "${entry.word}" (as ${spelling}) was logged: ${leak}`);
    }
  }
  assertNoSecrets(all, 'the logs');
});
