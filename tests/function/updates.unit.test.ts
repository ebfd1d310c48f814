import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Update } from '@grammyjs/types';
import { classifyUpdate, decodeUpdate, isValidSecret, MalformedUpdateError, parseCommand } from '../../function/src/updates.ts';

const message = (overrides: Record<string, unknown> = {}) => ({
  message_id: 5,
  date: 1_700_000_000,
  chat: { id: 42, type: 'private', first_name: 'Ann' },
  from: { id: 42, is_bot: false, first_name: 'Ann' },
  text: 'Hello',
  ...overrides,
});
const update = (fields: Record<string, unknown>) => ({ update_id: 1, ...fields }) as unknown as Update;

describe('the secret check', () => {
  test('accepts only the exact secret', () => {
    assert.equal(isValidSecret('s3cret_-1', 's3cret_-1'), true);
    assert.equal(isValidSecret('s3cret_-2', 's3cret_-1'), false);
    assert.equal(isValidSecret('s3cret', 's3cret_-1'), false);
  });

  test('rejects a missing or empty secret, even when none is configured', () => {
    assert.equal(isValidSecret(undefined, 'x'), false);
    assert.equal(isValidSecret('', 'x'), false);
    assert.equal(isValidSecret('', ''), false);
  });
});

describe('decoding a webhook body', () => {
  test('parses plain and base64-encoded JSON alike', () => {
    const body = JSON.stringify({ update_id: 7, message: message() });
    assert.equal(decodeUpdate(body).update_id, 7);
    assert.equal(decodeUpdate(Buffer.from(body).toString('base64'), true).update_id, 7);
  });

  test('rejects empty bodies, non-JSON, arrays and updates without an integer update_id', () => {
    for (const body of ['', 'not json', '[1,2]', '{"message":{}}', '{"update_id":"7"}', '{"update_id":1.5}', 'null']) {
      assert.throws(() => decodeUpdate(body), MalformedUpdateError, body);
    }
  });
});

describe('reading commands', () => {
  test('reads the name, the addressed bot and the arguments', () => {
    assert.deepEqual(parseCommand('/start'), { name: 'start', args: '' });
    assert.deepEqual(parseCommand('/Start@VoiceBot payload-1'), { name: 'start', botUsername: 'VoiceBot', args: 'payload-1' });
    assert.deepEqual(parseCommand('/help\nmore lines'), { name: 'help', args: 'more lines' });
  });

  test('does not mistake ordinary text for a command', () => {
    assert.equal(parseCommand('hello /start'), undefined);
    assert.equal(parseCommand('/ start'), undefined);
    assert.equal(parseCommand('//comment'), undefined);
  });
});

describe('sorting updates', () => {
  test('turns text into speech and commands into commands', () => {
    assert.equal(classifyUpdate(update({ message: message() })).kind, 'speak');
    assert.equal(classifyUpdate(update({ message: message({ text: '/start' }) })).kind, 'command');
  });

  test('ignores updates other than new messages, naming their kind', () => {
    for (const kind of ['edited_message', 'channel_post', 'my_chat_member', 'poll', 'chat_join_request', 'chosen_inline_result']) {
      const intent = classifyUpdate(update({ [kind]: {} }));
      assert.deepEqual(intent, { kind: 'ignore', reason: `unsupported update: ${kind}` });
    }
  });

  test('sorts inline queries, and ignores malformed ones and what users sent via an inline bot', () => {
    const query = { id: '9', from: { id: 5, is_bot: false, first_name: 'U' }, query: 'hi', offset: '' };
    assert.deepEqual(classifyUpdate(update({ inline_query: query })), { kind: 'inline', query });
    assert.equal(classifyUpdate(update({ inline_query: { ...query, query: undefined } })).kind, 'ignore');
    const viaBot = message({ text: undefined, voice: { file_id: 'v' }, via_bot: { id: 1, is_bot: true, first_name: 'V', username: 'voicebot' } });
    assert.deepEqual(classifyUpdate(update({ message: viaBot })), { kind: 'ignore', reason: 'sent via an inline bot' });
  });

  test('ignores messages from bots and messages without a chat', () => {
    assert.equal(classifyUpdate(update({ message: message({ from: { id: 1, is_bot: true, first_name: 'B' } }) })).kind, 'ignore');
    assert.equal(classifyUpdate(update({ message: message({ chat: undefined }) })).kind, 'ignore');
  });

  test('answers non-text messages in private chats but not in groups', () => {
    const sticker = { text: undefined, sticker: { file_id: 'x' } };
    assert.equal(classifyUpdate(update({ message: message(sticker) })).kind, 'not-text');
    const inGroup = message({ ...sticker, chat: { id: -100, type: 'supergroup', title: 'G' } });
    assert.equal(classifyUpdate(update({ message: inGroup })).kind, 'ignore');
  });
});

describe('sorting updates in groups', () => {
  const group = { id: -100, type: 'supergroup', title: 'G' };

  test('ignores plain text but serves commands such as /say', () => {
    assert.equal(classifyUpdate(update({ message: message({ chat: group, text: 'just chatting' }) })).kind, 'ignore');
    const intent = classifyUpdate(update({ message: message({ chat: group, text: '/say@voice_bot hello there' }) }));
    assert.equal(intent.kind, 'command');
    assert.deepEqual(intent.kind === 'command' && intent.command, { name: 'say', botUsername: 'voice_bot', args: 'hello there' });
  });

  test('reads a photo caption only when it starts with /say', () => {
    const photo = { text: undefined, photo: [{ file_id: 'p' }] };
    assert.equal(classifyUpdate(update({ message: message({ ...photo, chat: group, caption: 'a nice view' }) })).kind, 'ignore');
    assert.equal(classifyUpdate(update({ message: message({ ...photo, chat: group, caption: '/help' }) })).kind, 'ignore');
    const said = classifyUpdate(update({ message: message({ ...photo, chat: group, caption: '/say what a view' }) }));
    assert.equal(said.kind === 'command' && said.command.args, 'what a view');
  });

  test('turns a voice-menu button tap into a callback intent, and ignores taps without data', () => {
    const callback = { id: 'q1', from: { id: 1, is_bot: false, first_name: 'A' }, chat_instance: 'c', message: message(), data: 'voice:Joanna' };
    assert.equal(classifyUpdate(update({ callback_query: callback })).kind, 'callback');
    assert.equal(classifyUpdate(update({ callback_query: { ...callback, data: undefined } })).kind, 'ignore');
  });

  test('ignores a message or a button tap whose chat id is not an integer, as no storage key may hold one', () => {
    for (const id of ['../settings/chats/1', '42', 1.5, null, undefined, 2 ** 60]) {
      const chat = { id, type: 'private' };
      assert.equal(classifyUpdate(update({ message: message({ chat }) })).kind, 'ignore', `message in chat ${String(id)}`);
      const callback = { id: 'q1', from: { id: 1, is_bot: false, first_name: 'A' }, chat_instance: 'c', message: message({ chat }), data: 'voice:Joanna' };
      assert.deepEqual(classifyUpdate(update({ callback_query: callback })), { kind: 'ignore', reason: 'callback query without chat' }, `tap in chat ${String(id)}`);
    }
  });
});
