/**
 * The cases of the bad-and-odd-input corpus (tests/reliability/corpus/*.json) that are about the
 * bot logic — commands, texts, odd update shapes, redeliveries — over in-memory ports. The door
 * cases (secrets, methods, raw bodies) run against the built bundle in tests/reliability/corpus.test.ts.
 * Every case checks what the chat sees (one voice, one text, one file, or silence, and nothing in
 * any other chat), one final log line per delivery, no ERROR line unless expected, nothing
 * downstream when the update is dropped, and what the synthesizer was asked to read.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Update } from '@grammyjs/types';
import { oggDurationFromTail } from '../../function/src/speech/ogg.ts';
import { atTheDoor, caseScope, caseUpdate, loadCorpus, type Case, type CaseChat } from '../reliability/corpus/cases.ts';
import { newUpdateId, TestBot, type Delivery } from './support/bot.ts';

const SENDS = new Set(['sendMessage', 'sendVoice', 'sendDocument']);
const KINDS: Record<string, string> = { sendMessage: 'text', sendVoice: 'voice', sendDocument: 'document' };

let nextChatId = 830_000;

/** A chat of the case's type, as the classifier sees one. */
function chatFor(c: Case): CaseChat {
  const id = nextChatId++;
  const type = c.chatType ?? 'private';
  const chat = (type === 'private' ? { id, type, first_name: 'Tester' } : { id: -id, type, title: 'Group' }) as CaseChat['chat'];
  return { id: chat.id, chat, from: { id, is_bot: false, first_name: 'Tester', language_code: 'en' }, message: { message_id: 1 } };
}

async function runCase(c: Case): Promise<void> {
  const bot = new TestBot();
  const chat = chatFor(c);
  // As on the wire: what JSON cannot carry (undefined, symbols) is gone.
  const update = JSON.parse(JSON.stringify(caseUpdate(c, caseScope(c, chat, newUpdateId())))) as Update;
  const deliveries = c.deliveries ?? 1;
  const finals: Delivery[] = [];
  if (c.concurrent) finals.push(...(await Promise.all(Array.from({ length: deliveries }, () => bot.deliver(update)))));
  else for (let i = 0; i < deliveries; i++) finals.push(await bot.deliver(update));

  const sent = bot.telegram.calls.filter((call) => call.ok && SENDS.has(call.method));
  const context = `\n  calls: ${bot.telegram.calls.map((call) => `${call.method}:${call.ok}`).join(' ')}\n  logs: ${bot.logs.map((l) => JSON.stringify(l).slice(0, 300)).join('\n        ')}`;
  const { expect } = c;

  // What the user sees: exactly one voice, one text, one file, or nothing — and only in this chat.
  assert.deepEqual(sent.filter((call) => call.params.chat_id !== chat.id), [], 'nothing sent to any other chat');
  if (expect.reply === 'silence') assert.equal(sent.length, 0, `silence expected${context}`);
  else {
    assert.equal(sent.length, 1, `exactly one ${expect.reply} expected${context}`);
    const [reply] = sent;
    assert.equal(KINDS[reply!.method], expect.reply, `a ${expect.reply} expected${context}`);
    if (expect.reply === 'voice') assert.ok((oggDurationFromTail(reply!.audio!) ?? 0) > 0.1, 'the voice plays');
    if (expect.text) assert.match(String(reply!.params.text), new RegExp(expect.text), 'the text reply');
  }

  // One final line per delivery, saying why; no error unless the case expects one.
  assert.equal(finals.length, deliveries);
  if (expect.reason) assert.ok(finals.some(({ final }) => new RegExp(expect.reason!).test(String(final.reason ?? ''))), `a final line's reason matches /${expect.reason}/${context}`);
  if (!expect.errorLog) assert.deepEqual(bot.logs.filter((l) => l.level === 'ERROR'), [], `no ERROR log line${context}`);

  // A dropped update costs nothing: no ledger entry, no synthesis, no Telegram call, nothing stored.
  if (expect.downstream === 'none') {
    assert.equal(bot.ledger.claims, 0, 'no ledger entry');
    assert.equal(bot.synthesizer.requests.length, 0, 'no synthesis');
    assert.deepEqual(bot.telegram.calls.map((call) => call.method), [], 'no Telegram call');
    assert.equal(bot.audioStore.objects.size, 0, 'nothing stored');
  }
  if (expect.polly !== undefined) assert.equal(bot.synthesizer.requests.length, expect.polly, `synthesis requests${context}`);
  for (const request of bot.synthesizer.requests) {
    if (expect.pollyText) assert.match(request.text, new RegExp(expect.pollyText), 'text sent to the synthesizer');
    if (expect.pollyTextNot) assert.doesNotMatch(request.text, new RegExp(expect.pollyTextNot), 'text sent to the synthesizer');
  }
}

const cases = loadCorpus().filter((c) => !atTheDoor(c));

describe('bad and odd input corpus, past the door', () => {
  test(`has the bot-logic cases of the corpus (${cases.length})`, () => {
    assert.ok(cases.length >= 60);
  });
  for (const c of cases) test(`${c.file.replace('.json', '')}/${c.id}: ${c.description}`, () => runCase(c));
});
