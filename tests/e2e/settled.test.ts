/**
 * On Node 24 Lambda no longer waits for work left running once the handler's promise resolves: the
 * container is frozen, and whatever was still pending runs in some later invocation, or never. So
 * every request the bundle answers must leave nothing behind. An async hook records each async
 * resource (promise, timer, immediate, socket request…) created while the handler ran, then watches
 * for a while after the answer: any callback of one of them that still runs is work the handler did
 * not wait for, and a timer of one still armed at the end would run later.
 */
import assert from 'node:assert/strict';
import { AsyncResource, createHook, executionAsyncId } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { InlineQueryResultVoice, Message, Update } from '@grammyjs/types';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { after, before, describe, test } from 'node:test';
import { lambdaContext, proxyEvent } from '../../function/src/tools/proxy-event.ts';
import { chatIds, type Stack, startStack, textUpdate } from './stack.ts';

/** How long after the answer callbacks are watched for: the stand-ins answer in milliseconds. */
const WATCH_MS = 400;
/** Timers are what runs later on its own; a socket kept alive for the next request is not work. */
const TIMERS = new Set(['Timeout', 'Immediate']);

interface Leftovers {
  result: APIGatewayProxyResult;
  /** Callbacks that ran after the answer, by the type of the resource that was created during the call. */
  late: string[];
  /** Timers created during the call and still armed when the watch ended. */
  armed: string[];
}

/** Calls `invoke`, then watches what the resources it created still do after its promise settled. */
async function leftoversOf(invoke: () => Promise<APIGatewayProxyResult>): Promise<Leftovers> {
  const created = new Map<number, string>();
  const live = new Set<number>();
  let answered = false;
  const late: string[] = [];
  const root = new AsyncResource('voicebot-invocation');
  const during = new Set([root.asyncId()]);
  const hook = createHook({
    init(id, type, trigger) {
      // Only what the call started: resources made in its async context, or made by one of those.
      if (answered || !(during.has(trigger) || during.has(executionAsyncId()))) return;
      // A socket's own timer (socket.setTimeout: a kept-alive connection's idle timeout) closes an idle
      // socket later: housekeeping, not the request's work. A request still in flight shows as late callbacks.
      const stack = type === 'Timeout' ? (new Error().stack ?? '') : '';
      if (stack.includes('setStreamTimeout')) return;
      during.add(id);
      // A timer is named by where it was set, so a failure says which one.
      const where = stack.split('\n').find((frame) => /^\s+at /.test(frame) && !frame.includes('node:'));
      created.set(id, where ? `${type} ${where.trim()}` : type);
      live.add(id);
    },
    before(id) {
      if (answered && created.has(id)) late.push(created.get(id)!);
    },
    destroy(id) {
      live.delete(id);
    },
    promiseResolve() {},
  });
  hook.enable();
  let result: APIGatewayProxyResult;
  try {
    result = await root.runInAsyncScope(invoke);
    answered = true;
    await sleep(WATCH_MS);
  } finally {
    hook.disable();
    root.emitDestroy();
  }
  const armed = [...live].map((id) => created.get(id)!).filter((type) => TIMERS.has(type.split(' ')[0]!));
  return { result, late, armed };
}

let stack: Stack;
const newChat = chatIds(31_000);
let nextUpdateId = 31_000_000;

before(async () => {
  stack = await startStack();
});
after(() => stack.close());

const webhook = (update: Update | string, options: Parameters<Stack['post']>[1] = {}) => () => stack.post(update, options);
const lastSent = (chatId: number) => stack.sentTo(chatId).at(-1)!.message as Message;

/** Asserts the call left nothing running, and returns its answer. */
async function settled(what: string, invoke: () => Promise<APIGatewayProxyResult>): Promise<APIGatewayProxyResult> {
  const { result, late, armed } = await leftoversOf(invoke);
  assert.deepEqual(late, [], `${what}: callbacks ran after the answer (${late.join(', ')})`);
  assert.deepEqual(armed, [], `${what}: timers still armed after the answer (${armed.join(', ')})`);
  return result;
}

describe('after the handler answers, nothing of the request is still running', () => {
  test('a text read aloud, then the same text from the cache', async () => {
    const chatId = newChat();
    await stack.say(chatId, '/help'); // the chat exists for the emulator
    assert.equal((await settled('a new text', webhook(textUpdate('Nothing may run once this is answered.', { chatId })))).statusCode, 200);
    assert.equal(stack.voicesTo(chatId).length, 1);
    assert.equal((await settled('a cached text', webhook(textUpdate('Nothing may run once this is answered.', { chatId })))).statusCode, 200);
    assert.equal(stack.voicesTo(chatId).length, 2);
  });

  test('commands and a button tap', async () => {
    const chatId = newChat();
    await stack.say(chatId, '/help');
    const start = await settled('/start', webhook(textUpdate('/start', { chatId })));
    assert.match(start.body, /sendMessage/);
    await settled('/voice', webhook(textUpdate('/voice', { chatId })));
    const menu = lastSent(chatId);
    const tap = { update_id: ++nextUpdateId, callback_query: { id: `cb${nextUpdateId}`, from: { id: chatId, is_bot: false, first_name: 'T' }, chat_instance: 'c', message: menu, data: 'voice:Matthew' } } as Update;
    assert.equal((await settled('a button tap', webhook(tap))).statusCode, 200);
    assert.equal(stack.telegram.calls.findLast((c) => c.method === 'answerCallbackQuery')?.params.callback_query_id, `cb${nextUpdateId}`);
  });

  test('an inline query, then Telegram fetching the chosen voice', async () => {
    const userId = newChat();
    const inline = { update_id: ++nextUpdateId, inline_query: { id: `iq${nextUpdateId}`, from: { id: userId, is_bot: false, first_name: 'T' }, query: 'Read this in any chat.', offset: '' } } as Update;
    const answered = await settled('an inline query', webhook(inline));
    assert.equal(answered.statusCode, 200);
    // The keystroke's result rides the webhook's response.
    const answer = JSON.parse(answered.body) as { method: string; results: InlineQueryResultVoice[] };
    assert.equal(answer.method, 'answerInlineQuery');
    const [result] = answer.results;
    const url = new URL(result!.voice_url);
    const fetchVoice = () => stack.handler(proxyEvent({ method: 'GET', path: `${url.pathname}${url.search}`, headers: { host: url.host }, body: Buffer.alloc(0) }), lambdaContext(28_000));
    const voice = await settled('the voice route', fetchVoice);
    assert.deepEqual([voice.statusCode, voice.headers?.['content-type']], [200, 'audio/ogg']);
    assert.equal((await settled('the voice route, cached', fetchVoice)).statusCode, 200);
  });

  test('refusals: a wrong secret, a malformed body, an odd update', async () => {
    assert.equal((await settled('a wrong secret', webhook(textUpdate('Hello'), { secret: 'wrong' }))).statusCode, 401);
    assert.equal((await settled('a body that is not JSON', webhook('not json'))).statusCode, 200);
    assert.equal((await settled('an edited message', webhook(JSON.stringify({ update_id: ++nextUpdateId, edited_message: { message_id: 1, date: 0, chat: { id: 1, type: 'private' }, text: 'x' } })))).statusCode, 200);
  });

  test('the watch sees work left running: a handler that answers before its own timer and request finish', async () => {
    const { late, armed } = await leftoversOf(async () => {
      void sleep(WATCH_MS / 4).then(() => fetch(`${stack.polly.endpoint}/ping`).catch(() => undefined));
      setTimeout(() => {}, 60_000).unref();
      return { statusCode: 200, body: '' };
    });
    assert.ok(late.some((type) => type.startsWith('Timeout')) && late.includes('PROMISE'), `a timer and a promise ran after the answer: ${late.join(', ')}`);
    assert.equal(armed.length, 1, 'the unref-ed minute-long timer is still armed');
    assert.match(armed[0]!, /^Timeout at .*settled\.test\.ts/, 'named by where it was set');
  });
});
