/**
 * Documents read aloud, end to end through the built bundles on the offline stack: the webhook
 * (dist/index.mjs) checks a document's name and size and hands it to the job queue; the worker
 * (dist/worker.mjs), polled from the local SQS as Lambda's mapping polls it, downloads it from the
 * Telegram emulator, decodes it and reads it. Polly's stand-in answers with a tone whose length
 * follows the text's, so a long document is read in seconds and its voice's length is known, and
 * it admits one request at a time: a reading that asked for two parts at once would be throttled.
 * The reading's rules in detail are tested over in-memory ports (tests/function/documents/).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Message, Update } from '@grammyjs/types';
import { POLLY_MAX_ATTEMPTS_WITH_QUEUE } from '../../function/src/constants.ts';
import { MESSAGES } from '../../function/src/messages.ts';
import { toneOggOpus } from '../../local/audio/ogg-opus-encoder.ts';
import { pollyErrors } from '../../local/polly/errors.ts';
import type { RecordedPollyRequest } from '../../local/polly/server.ts';
import { sqsClient } from '../../local/sqs/queues.ts';
import type { QueueEvent } from '../../local/sqs/server.ts';
import type { SentMessage, UserDocument } from '../../local/telegram/emulator.ts';
import { epub } from '../function/support/epub.ts';
import { pdf } from '../function/support/pdf.ts';
import { chatIds, startStack, type Stack } from './stack.ts';

/**
 * The budget is below the document limit, so one document can be over the day's budget whatever the
 * other tests spent: their readings (about 12,000 characters) fit in it in any order.
 */
const MAX_DOCUMENT_CHARACTERS = 18_000;
const DAILY_CHARACTER_BUDGET = 15_000;
/** Long enough for a worker that reads as one Lambda invocation; short enough to fail fast. */
const READ_TIMEOUT_MS = 20_000;

/** Each Polly request is in flight at least this long. */
const POLLY_LATENCY_MS = 100;
/** The stand-in's tone for a text: half a second, and a second per 1,000 characters. */
const toneSeconds = (text: string) => 0.5 + [...text].length / 1_000;

let stack: Stack;
const newChat = chatIds(930_000);
const trip: QueueEvent[] = [];

before(async () => {
  stack = await startStack({
    env: { MAX_DOCUMENT_CHARACTERS: String(MAX_DOCUMENT_CHARACTERS), DAILY_CHARACTER_BUDGET: String(DAILY_CHARACTER_BUDGET) },
    // The latency keeps a request in flight while the (synchronous, in-process) tone is not being made, so a second request meanwhile is refused.
    polly: { synthesizer: async ({ text }) => toneOggOpus(toneSeconds(text)), latencyMs: POLLY_LATENCY_MS, quota: { tps: 1_000, burst: 1_000, concurrent: 1 } },
  });
  stack.sqs!.events.on('event', (event) => trip.push(event));
});
after(() => stack?.close());

/** A person sends a file; the webhook answered 200. */
async function sendDocument(document: UserDocument): Promise<{ update: Update; messageId: number }> {
  const { update, deliveries } = await stack.telegram.sendUserDocument(document);
  assert.deepEqual(deliveries.map((d) => d.status), [200], 'the webhook answers at once');
  return { update, messageId: update.message!.message_id };
}

/** The queue message that carried an update to the worker, if the webhook queued it. */
const queueMessageOf = (updateId: number) =>
  trip.find((event): event is Extract<QueueEvent, { kind: 'sent' }> => event.kind === 'sent' && (JSON.parse(event.body) as { update?: Update }).update?.update_id === updateId);

/** Resolves once the worker is through with a queue message: it is deleted after the handler returned. */
function deleted(messageId: string): Promise<void> {
  const isIt = (event: QueueEvent) => event.kind === 'deleted' && event.messageId === messageId;
  if (trip.some(isIt)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stack.sqs!.events.off('event', onEvent);
      reject(new Error(`queue message ${messageId}: the worker did not finish within ${READ_TIMEOUT_MS} ms`));
    }, READ_TIMEOUT_MS);
    const onEvent = (event: QueueEvent) => {
      if (!isIt(event)) return;
      clearTimeout(timer);
      stack.sqs!.events.off('event', onEvent);
      resolve();
    };
    stack.sqs!.events.on('event', onEvent);
  });
}

/** Resolves once the worker is through with the job the webhook queued for an update. */
function workerDone(updateId: number): Promise<void> {
  const sent = queueMessageOf(updateId);
  assert.ok(sent, `update ${updateId} went to the job queue`);
  return deleted(sent.messageId);
}

/** A document read through the queue: sent, then its job handled; what Polly was asked meanwhile, and what the chat got. */
async function readThroughQueue(document: UserDocument): Promise<{ update: Update; messageId: number; polly: RecordedPollyRequest[]; sent: SentMessage[] }> {
  const pollyBefore = stack.polly.requests.length;
  const { update, messageId } = await sendDocument(document);
  await workerDone(update.update_id);
  return { update, messageId, polly: stack.polly.requests.slice(pollyBefore), sent: stack.sentTo(document.chatId) };
}
const utf8 = (text: string) => new TextEncoder().encode(text);

/** A text in Windows-1251, the Cyrillic code page of Windows (Russian letters and ASCII only). */
function windows1251(text: string): Uint8Array {
  return Uint8Array.from([...text], (char) => {
    const code = char.codePointAt(0)!;
    if (code < 0x80) return code;
    if (code >= 0x410 && code <= 0x44f) return code - 0x410 + 0xc0;
    if (code === 0x401) return 0xa8; // Ё
    if (code === 0x451) return 0xb8; // ё
    throw new Error(`${char} is not in this Windows-1251 table`);
  });
}

/** The text of `characters` or a little fewer, in whole sentences with one space between. */
function sentences(characters: number, prefix = 'Line'): string {
  const lines: string[] = [];
  for (let i = 1; ; i++) {
    const next = `${prefix} ${i} of a long document, read aloud in parts one after another.`;
    if ([...lines, next].join(' ').length > characters) return lines.join(' ');
    lines.push(next);
  }
}

describe('a document in a private chat', () => {
  test('a UTF-8 .txt: a ✍ on the file, then one voice replying to it and no text; Polly reads the file', async () => {
    const chatId = newChat();
    const text = 'Meeting notes. We agreed to ship on Friday, and to read every document aloud.';
    const { messageId, polly, sent } = await readThroughQueue({ chatId, fileName: 'notes.txt', mimeType: 'text/plain', bytes: utf8(`${text}\n`) });

    assert.deepEqual(polly.map((r) => r.Text), [text]);
    assert.deepEqual(sent.map((m) => [m.kind, m.reply_to_message_id]), [['voice', messageId]], 'one voice, replying to the file, and no text');
    const reactions = stack.telegram.calls.filter((c) => c.method === 'setMessageReaction' && Number(c.params.chat_id) === chatId);
    assert.ok(JSON.stringify(reactions[0]?.params.reaction).includes('✍'), 'a ✍ first');
    assert.deepEqual(stack.telegram.reactionOn(chatId, messageId), [], 'and it is off once the voice came');
  });

  test('a .md file: Polly gets its words without the markup (#, **, link addresses)', async () => {
    const chatId = newChat();
    const markdown = '# Release plan\n\nWe ship on **Friday**. Read the [changelog](https://example.com/changes) first.\n\n- one\n- two\n';
    const { polly, sent } = await readThroughQueue({ chatId, fileName: 'plan.md', bytes: utf8(markdown) });
    assert.equal(polly.length, 1);
    const read = polly[0]!.Text;
    for (const word of ['Release plan', 'Friday', 'changelog', 'one', 'two']) assert.ok(read.includes(word), `Polly reads "${word}": ${read}`);
    for (const markup of ['#', '**', 'https://', 'example.com', '](', '- one']) assert.ok(!read.includes(markup), `Polly does not read "${markup}": ${read}`);
    assert.deepEqual(sent.map((m) => m.kind), ['voice']);
  });

  test('an .epub book: Polly reads its pages in the order of its spine, without markup, and one voice replies', async () => {
    const chatId = newChat();
    const book = epub({
      pages: [
        { id: 'two', href: 'chapter%202.xhtml', body: '<h1>Chapter two</h1><p>The second page &amp; its words.</p>' },
        { id: 'one', href: 'one.xhtml', body: '<h1>Chapter one</h1><p>The <em>first</em> page.</p><script>never()</script>' },
      ],
      spine: ['<itemref idref="one"/>', '<itemref idref="two"/>'],
    });
    const { polly, sent } = await readThroughQueue({ chatId, fileName: 'book.epub', mimeType: 'application/epub+zip', bytes: book });
    assert.equal(polly.length, 1);
    const read = polly[0]!.Text;
    assert.match(read, /^Chapter one\.\s+The first page\.\s+Chapter two\.\s+The second page & its words\.$/);
    assert.deepEqual(sent.map((m) => m.kind), ['voice']);
  });

  test('a .pdf: the worker loads PDF.js from dist/pdf.mjs beside it; Polly reads the pages in order without the running header and page numbers', async () => {
    const chatId = newChat();
    const paper = pdf([
      ['Field Notes', 'On the first page the birds were counted along the river, and a heron was', 'seen.', '1'],
      ['Field Notes', 'On the second page the count was done.', '2'],
    ]);
    const { polly, sent } = await readThroughQueue({ chatId, fileName: 'notes.pdf', mimeType: 'application/pdf', bytes: paper });
    assert.deepEqual(polly.map((r) => r.Text), ['On the first page the birds were counted along the river, and a heron was seen.\nOn the second page the count was done.']);
    assert.deepEqual(sent.map((m) => m.kind), ['voice']);
  });

  test('a document of three Polly requests: a status message edited to its end, one voice as long as its parts, the parts asked one at a time', async () => {
    const chatId = newChat();
    const text = sentences(7_000);
    const throttledBefore = stack.polly.throttled;
    const { messageId, polly, sent } = await readThroughQueue({ chatId, fileName: 'long.txt', bytes: utf8(text) });

    assert.equal(polly.length, 3, 'three Polly requests');
    assert.equal(stack.polly.throttled, throttledBefore, 'never two at once: the stand-in admits one request at a time');
    assert.equal(polly.map((r) => r.Text).join(' '), text, 'the parts, in order, are the document');

    assert.deepEqual(sent.map((m) => [m.kind, m.reply_to_message_id]), [['text', messageId], ['voice', messageId]], 'a status message and one voice, both replying to the file');
    const [status, voice] = sent as [SentMessage, SentMessage];
    assert.equal(status.text, MESSAGES.documentProgress('long.txt', 0, 3));
    const edits = stack.telegram.calls.filter((c) => c.method === 'editMessageText' && Number(c.params.chat_id) === chatId);
    assert.ok(edits.length >= 1 && edits.every((c) => Number(c.params.message_id) === status.message_id), 'edits of the status message');
    assert.equal(edits.at(-1)!.params.text, MESSAGES.documentRead('long.txt', [...text].length, 1));
    assert.match(String(edits.at(-1)!.params.text), /“long\.txt”: 6,9\d\d characters read aloud\.$/);

    const parts = polly.reduce((sum, request) => sum + toneSeconds(request.Text), 0);
    const seconds = voice.audio!.durationSeconds;
    assert.ok(Math.abs(seconds - parts) < 0.3, `the voice lasts ${seconds} s, its parts ${parts} s`);
    assert.equal(voice.message.voice!.duration, Math.round(seconds));
  });

  test('a Windows-1251 Russian .txt and a UTF-16 LE one (with its BOM) are read as written', async () => {
    const russian = 'Привет! Это заметки о встрече: всё решили, съёмка в пятницу.';
    const cyrillic = await readThroughQueue({ chatId: newChat(), fileName: 'zametki.txt', bytes: windows1251(russian) });
    assert.deepEqual(cyrillic.polly.map((r) => [r.Text, r.VoiceId]), [[russian, 'Maxim']]);

    const english = 'Notes saved by Notepad as Unicode: little-endian, with a byte order mark.';
    const utf16 = await readThroughQueue({ chatId: newChat(), fileName: 'unicode.txt', bytes: Buffer.from(`\ufeff${english}\r\n`, 'utf16le') });
    assert.deepEqual(utf16.polly.map((r) => r.Text), [english]);
    for (const { sent } of [cyrillic, utf16]) assert.deepEqual(sent.map((m) => m.kind), ['voice']);
  });
});

describe('a reading that stops half-way', () => {
  test('throttled after its first part, it resumes from the part stored: none made twice, one status message, one voice; a duplicate of its job changes nothing', async () => {
    const chatId = newChat();
    const text = sentences(4_000, 'Paragraph');
    // Once the status says the first part is ready, Polly refuses the next request as often as the
    // worker's client tries it: the job goes back to the queue, and comes again after its backoff.
    const throttleNext = (message: Message) => {
      if (message.chat.id !== chatId) return;
      stack.telegram.events.off('edited', throttleNext);
      stack.polly.failNext(pollyErrors.throttling(), POLLY_MAX_ATTEMPTS_WITH_QUEUE);
    };
    stack.telegram.events.on('edited', throttleNext);
    const { update, messageId, polly, sent } = await readThroughQueue({ chatId, fileName: 'resumed.txt', bytes: utf8(text) });

    const texts = polly.map((r) => r.Text);
    const parts = [...new Set(texts)];
    assert.equal(parts.join(' '), text, 'the parts, in order, are the document');
    assert.deepEqual(texts.map((t) => parts.indexOf(t)), [0, ...Array<number>(POLLY_MAX_ATTEMPTS_WITH_QUEUE + 1).fill(1)], 'two parts; the second throttled, then made; the first, made once, not asked again');
    const jobs = stack.logs.filter((l) => l.message === 'job handled' && l.update_id === update.update_id).map((l) => l.outcome);
    assert.deepEqual(jobs, ['queued', 'voice_sent'], 'held for later once, then read to the end');

    assert.deepEqual(sent.map((m) => [m.kind, m.reply_to_message_id]), [['text', messageId], ['voice', messageId]], 'one status message and one voice');
    const lastEdit = stack.telegram.calls.findLast((c) => c.method === 'editMessageText' && Number(c.params.chat_id) === chatId);
    assert.deepEqual([Number(lastEdit?.params.message_id), lastEdit?.params.text], [sent[0]!.message_id, MESSAGES.documentRead('resumed.txt', [...text].length, 1)]);
    const seconds = sent[1]!.audio!.durationSeconds;
    const expected = parts.reduce((sum, part) => sum + toneSeconds(part), 0);
    assert.ok(Math.abs(seconds - expected) < 0.3, `the voice lasts ${seconds} s, its parts ${expected} s`);

    // SQS delivers at least once: the same job again finds the reading done.
    const [calls, pollyRequests] = [stack.telegram.calls.length, stack.polly.requests.length];
    const sqs = sqsClient(stack.sqs!);
    try {
      const duplicate = await sqs.send(new SendMessageCommand({ QueueUrl: stack.queues!.url, MessageBody: queueMessageOf(update.update_id)!.body }));
      await deleted(duplicate.MessageId!);
    } finally {
      sqs.destroy();
    }
    assert.equal(stack.polly.requests.length, pollyRequests, 'no Polly request for the duplicate');
    assert.deepEqual(stack.telegram.calls.slice(calls).filter((c) => c.method !== 'setMessageReaction'), [], 'nothing sent or edited for it');
    assert.equal(stack.sentTo(chatId).length, 2);
  });
});

describe('documents refused, each with one clear text', () => {
  test('a .docx: the webhook says which files it reads, and queues nothing', async () => {
    const chatId = newChat();
    const { update, messageId } = await sendDocument({ chatId, fileName: 'report.docx', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', bytes: utf8('PK\u0003\u0004') });
    assert.deepEqual(stack.sentTo(chatId).map((m) => [m.kind, m.text, m.reply_to_message_id]), [['text', MESSAGES.documentUnsupported('report.docx'), messageId]]);
    assert.equal(queueMessageOf(update.update_id), undefined, 'no queue job');
  });

  test(`more than MAX_DOCUMENT_CHARACTERS (${MAX_DOCUMENT_CHARACTERS}): the count and the limit, and no Polly request`, async () => {
    const chatId = newChat();
    const text = 'A'.repeat(MAX_DOCUMENT_CHARACTERS + 500);
    const { polly, sent } = await readThroughQueue({ chatId, fileName: 'big.txt', bytes: utf8(text) });
    assert.deepEqual(sent.map((m) => m.text), [MESSAGES.documentTooLong(MAX_DOCUMENT_CHARACTERS + 500, MAX_DOCUMENT_CHARACTERS)]);
    assert.match(sent[0]!.text!, /has 18,500 characters.* up to 18,000/);
    assert.deepEqual(polly, [], 'no Polly request');
  });

  test('a scanned .pdf (no text on its pages): the text says so, and no Polly request', async () => {
    const chatId = newChat();
    const { polly, sent } = await readThroughQueue({ chatId, fileName: 'scan.pdf', bytes: pdf([[]]) });
    assert.deepEqual(sent.map((m) => m.text), ['“scan.pdf” has no text to read (a scan?).']);
    assert.deepEqual(polly, [], 'no Polly request');
  });

  test('a binary file named .txt: the binary text, and no Polly request', async () => {
    const chatId = newChat();
    // A PNG's signature and header: NUL bytes and bytes no text encoding makes letters of.
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0, 0, 0, 1, 0, 8, 6, 0, 0, 0, 0x5c, 0x72, 0xa8, 0x66]);
    const { polly, sent } = await readThroughQueue({ chatId, fileName: 'photo.txt', bytes: png });
    assert.deepEqual(sent.map((m) => m.text), [MESSAGES.documentBinary('photo.txt')]);
    assert.deepEqual(polly, []);
  });

  test(`over the day's budget (${DAILY_CHARACTER_BUDGET} characters): the over-budget text, and no Polly request`, async () => {
    const chatId = newChat();
    const text = sentences(DAILY_CHARACTER_BUDGET + 1_000);
    assert.ok(text.length > DAILY_CHARACTER_BUDGET && text.length <= MAX_DOCUMENT_CHARACTERS);
    const { polly, sent } = await readThroughQueue({ chatId, fileName: 'book.txt', bytes: utf8(text) });
    assert.deepEqual(sent.map((m) => m.text), [MESSAGES.overBudget]);
    assert.deepEqual(polly, []);
  });
});

describe('a document in a group', () => {
  test('a file alone gets nothing; /say replying to it gets a voice replying to the /say', async () => {
    const chatId = -newChat();
    const text = 'Agenda for the group call: budget first, then the launch date.';
    const { update: file, messageId: fileId } = await sendDocument({ chatId, chatType: 'group', fileName: 'agenda.txt', bytes: utf8(text) });
    assert.equal(queueMessageOf(file.update_id), undefined, 'a file without /say is not queued');
    const ignored = stack.logs.find((l) => l.message === 'update handled' && l.update_id === file.update_id);
    assert.equal(ignored?.outcome, 'ignored');
    assert.deepEqual(stack.sentTo(chatId), [], 'and the group sees nothing');

    const pollyBefore = stack.polly.requests.length;
    const { update: say, deliveries } = await stack.telegram.sendUserMessage({ chatId, chatType: 'group', text: '/say', replyTo: fileId });
    assert.deepEqual(deliveries.map((d) => d.status), [200]);
    await workerDone(say.update_id);
    assert.deepEqual(stack.polly.requests.slice(pollyBefore).map((r) => r.Text), [text]);
    assert.deepEqual(stack.sentTo(chatId).map((m) => [m.kind, m.reply_to_message_id]), [['voice', say.message!.message_id]]);
  });

  test('a file sent with /say as its caption gets a voice replying to it', async () => {
    const chatId = -newChat();
    const text = 'Minutes of the group call: the launch moves to Monday.';
    const { messageId, polly, sent } = await readThroughQueue({ chatId, chatType: 'supergroup', fileName: 'minutes.txt', caption: '/say', bytes: utf8(text) });
    assert.deepEqual(polly.map((r) => r.Text), [text]);
    assert.deepEqual(sent.map((m) => [m.kind, m.reply_to_message_id]), [['voice', messageId]]);
  });
});
