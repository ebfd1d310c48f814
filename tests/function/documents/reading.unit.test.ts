/**
 * Documents read aloud, over the in-memory ports: the webhook checks what needs no download and hands
 * the document to the job queue; the worker (TestBot.work plays the event source mapping) downloads,
 * decodes, pays for the whole text, reads it one part at a time with its progress kept, and sends one
 * voice or numbered ones. A reading stopped half-way (out of time, throttled) resumes from its stored parts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Update } from '@grammyjs/types';
import { answerQueuedJob } from '../../../function/src/bot.ts';
import { QUEUED_REACTION } from '../../../function/src/constants.ts';
import { Deadline } from '../../../function/src/deadline.ts';
import { documentReader, voiceGroups } from '../../../function/src/documents/reading.ts';
import { documentMessage, TestBot } from '../support/bot.ts';
import { InMemoryJobQueue, serviceError } from '../support/ports.ts';
import { AES128_CBC, encryptionXml, epub } from '../support/epub.ts';
import { pdf } from '../support/pdf.ts';
import { TelegramNetworkError } from '../../../function/src/telegram/errors.ts';

let nextChat = 8_000;
const utf8 = (text: string) => new TextEncoder().encode(text);
const today = (bot: TestBot) => bot.budget.days.get(new Date().toISOString().slice(0, 10)) ?? 0;

/** A text of `sentences` distinct sentences (about 50 characters each): split at sentence ends into parts of at most 3,000. */
const longText = (sentences: number) => Array.from({ length: sentences }, (_, i) => `This is sentence number ${i + 1} of the long document.`).join(' ');

function queuedBot(env: Record<string, string> = {}) {
  return new TestBot({ RATE_LIMIT_PER_MINUTE: '0', ...env }, { jobQueue: new InMemoryJobQueue() });
}

/** Runs the worker until the queue is empty, moving the queue's clock past each backoff. */
async function drain(bot: TestBot, options: { lambdaTimeoutMs?: number } = {}) {
  const lines = [];
  for (let i = 0; i < 30 && bot.jobQueue!.jobs.length; i++) {
    const invocation = await bot.work(options);
    lines.push(...invocation.lines);
    if (!invocation.received) bot.jobQueue!.clockOffsetMs += 130_000;
  }
  assert.equal(bot.jobQueue!.jobs.length, 0, 'the queue drained');
  return lines;
}

const callsOf = (bot: TestBot, method: string, chatId: number) => bot.telegram.calls.filter((c) => c.ok && c.method === method && c.params.chat_id === chatId);

describe('a document at the webhook', () => {
  test('a .txt in a private chat is handed to the queue with a ✍, nothing downloaded; the worker reads it into one voice', async () => {
    const bot = queuedBot();
    const chat = nextChat++;
    const text = 'A short note, read aloud from a file.';
    const { final, update } = await bot.sendDocument(chat, { fileName: 'note.txt', mimeType: 'text/plain', bytes: utf8(text) });
    assert.equal(final.outcome, 'queued');
    assert.equal(final.queued, 'document');
    assert.equal(final.document_format, 'text');
    assert.equal(bot.telegram.calls.filter((c) => c.method === 'getFile').length, 0, 'the webhook downloads nothing');
    assert.equal(bot.synthesizer.requests.length, 0);
    assert.deepEqual(JSON.parse(bot.jobQueue!.jobs[0]!.body), { update });
    assert.equal(bot.ledger.record({ kind: 'message', updateId: update.update_id })!.state, 'queued');

    const [job] = await drain(bot);
    assert.equal(job!.outcome, 'voice_sent');
    assert.equal(job!.encoding, 'utf-8');
    assert.equal(job!.text_chars, text.length);
    assert.deepEqual(bot.synthesizer.requests.map((r) => r.text), [text]);
    assert.equal(bot.voicesTo(chat).length, 1);
    assert.equal(bot.voicesTo(chat)[0]!.params.caption, undefined, 'one voice needs no number');
    assert.deepEqual(bot.textsTo(chat), [], 'a one-part document has no status message');
    assert.equal(bot.ledger.record({ kind: 'message', updateId: update.update_id })!.state, 'done');
    const reactions = bot.telegram.calls.filter((c) => c.method === 'setMessageReaction' && c.params.chat_id === chat).map((c) => (c.params.reaction as { emoji: string }[]).map((r) => r.emoji).join(''));
    assert.deepEqual(reactions, [QUEUED_REACTION, '']);
  });

  test('a redelivered document update is not queued twice, and two deliveries of the job make one voice', async () => {
    const bot = queuedBot();
    const chat = nextChat++;
    const { update } = await bot.sendDocument(chat, { fileName: 'twice.md', bytes: utf8('# Twice\n\nRead me once.') });
    const again = await bot.deliver(update);
    assert.equal(again.final.outcome, 'ignored');
    assert.equal(bot.jobQueue!.jobs.length, 1);
    await bot.jobQueue!.enqueue({ update }); // SQS delivers at least once
    await drain(bot);
    assert.equal(bot.voicesTo(chat).length, 1);
    assert.equal(bot.synthesizer.requests.length, 1);
  });

  for (const [name, file, expected] of [
    ['a Word file', { fileName: 'paper.docx', mimeType: 'application/msword', bytes: utf8('PK') }, /\.txt, \.md, \.epub and \.pdf .*“paper\.docx” is none of them/],
    ['a file over 20 MB', { fileName: 'huge.txt', bytes: utf8('x'), fileSize: 20 * 1024 * 1024 + 1 }, /larger than 20 MB/],
  ] as const) {
    test(`${name} gets one clear text at the webhook, and nothing is queued`, async () => {
      const bot = queuedBot();
      const chat = nextChat++;
      const { final } = await bot.sendDocument(chat, file);
      assert.equal(final.outcome, 'text_sent');
      assert.match(bot.textsTo(chat).join('\n'), expected);
      assert.equal(bot.jobQueue!.jobs.length, 0);
    });
  }

  test('without a job queue a document gets a text that says documents cannot be read here', async () => {
    const bot = new TestBot({ RATE_LIMIT_PER_MINUTE: '0' });
    const chat = nextChat++;
    const { final } = await bot.sendDocument(chat, { fileName: 'note.txt', bytes: utf8('Hello.') });
    assert.equal(final.outcome, 'text_sent');
    assert.match(bot.textsTo(chat)[0]!, /cannot read documents here/);
  });

  test('in a group, a document is read only when /say replies to it or captions it; /say for another bot is not ours', async () => {
    const bot = queuedBot();
    const group = -(nextChat++);
    const plain = documentMessage(group, { fileName: 'minutes.txt', bytes: utf8('Minutes.'), fileId: bot.telegram.addUserFile(utf8('Minutes of the meeting.')) }, { chatType: 'group' });
    assert.equal((await bot.deliver(plain)).final.outcome, 'ignored');
    const otherBot = await bot.say(group, '/say@some_other_bot', { chatType: 'group', replyTo: plain.message! });
    assert.equal(otherBot.final.outcome, 'ignored');
    const asked = await bot.say(group, '/say', { chatType: 'group', replyTo: plain.message! });
    assert.equal(asked.final.outcome, 'queued');
    const captioned = documentMessage(group, { fileName: 'agenda.md', caption: '/say', bytes: utf8('x'), fileId: bot.telegram.addUserFile(utf8('The agenda.')) }, { chatType: 'group' });
    assert.equal((await bot.deliver(captioned)).final.outcome, 'queued');
    await drain(bot);
    assert.deepEqual(bot.synthesizer.requests.map((r) => r.text).sort(), ['Minutes of the meeting.', 'The agenda.']);
    const voices = bot.voicesTo(group);
    assert.equal(voices.length, 2);
    assert.deepEqual(
      voices.map((v) => (v.params.reply_parameters as { message_id: number }).message_id).sort(),
      [asked.update.message!.message_id, captioned.message!.message_id].sort(),
      'each voice answers the message that asked',
    );
  });
});

describe('a document in the worker', () => {
  test('a long document is paid for whole before Polly, read one part at a time with a status message, and sent as one voice', async () => {
    const bot = queuedBot({ DAILY_CHARACTER_BUDGET: '100000' });
    const chat = nextChat++;
    const text = longText(150); // about 7,700 characters: 3 parts
    let inFlight = 0;
    let mostInFlight = 0;
    let budgetBeforeFirstPolly: number | undefined;
    const synthesize = bot.synthesizer.synthesize.bind(bot.synthesizer);
    bot.synthesizer.synthesize = async (request) => {
      budgetBeforeFirstPolly ??= today(bot);
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      try {
        return await synthesize(request);
      } finally {
        inFlight--;
      }
    };
    await bot.sendDocument(chat, { fileName: 'long.txt', bytes: utf8(text) });
    const [job] = await drain(bot);
    assert.equal(job!.outcome, 'voice_sent');
    assert.equal(job!.parts, 3);
    const billed = bot.synthesizer.requests.reduce((sum, r) => sum + r.text.length, 0);
    assert.equal(budgetBeforeFirstPolly, billed, 'the whole text was reserved before the first Polly request');
    assert.equal(mostInFlight, 1, 'one Polly request at a time');
    assert.equal(bot.synthesizer.requests.map((r) => r.text).join(' '), text);
    const voices = bot.voicesTo(chat);
    assert.equal(voices.length, 1);
    const [status, ...others] = bot.textsTo(chat);
    assert.deepEqual(others, []);
    assert.match(status!, /Reading “long\.txt” aloud: 0 of 3 parts/);
    const edits = callsOf(bot, 'editMessageText', chat).map((c) => String(c.params.text));
    assert.match(edits.at(-1)!, /“long\.txt”: 7,\d{3} characters read aloud\.$/);
    assert.ok(edits.slice(0, -1).every((e) => /of 3 parts ready/.test(e)));
  });

  test('a document over MAX_DOCUMENT_CHARACTERS gets one text with its count and the limit; nothing is paid or read', async () => {
    const bot = queuedBot({ MAX_DOCUMENT_CHARACTERS: '100', DAILY_CHARACTER_BUDGET: '1000' });
    const chat = nextChat++;
    await bot.sendDocument(chat, { fileName: 'long.txt', bytes: utf8('word '.repeat(40)) });
    const [job] = await drain(bot);
    assert.equal(job!.outcome, 'text_sent');
    assert.match(bot.textsTo(chat)[0]!, /has 199 characters, and I read documents of up to 100/);
    assert.equal(bot.synthesizer.requests.length, 0);
    assert.equal(today(bot), 0);
  });

  test('a document the day’s budget cannot pay for whole is not read at all', async () => {
    const bot = queuedBot({ DAILY_CHARACTER_BUDGET: '5000' });
    const chat = nextChat++;
    await bot.sendDocument(chat, { fileName: 'long.txt', bytes: utf8(longText(150)) });
    const [job] = await drain(bot);
    assert.equal(job!.outcome, 'text_sent');
    assert.equal(job!.refused, 'budget');
    assert.match(bot.textsTo(chat)[0]!, /read all I can for today/);
    assert.equal(bot.synthesizer.requests.length, 0);
  });

  test('an EPUB book is read in its spine’s order into one voice', async () => {
    const bot = queuedBot();
    const chat = nextChat++;
    const pages = [
      { id: 'two', href: 'Text/chapter%202.xhtml', body: '<h1>Chapter Two</h1><p>The middle.</p>' },
      { id: 'one', href: 'Text/chapter%201.xhtml', body: '<h1>Chapter One</h1><p>The beginning &amp; more.</p>' },
    ];
    const book = epub({ pages, spine: ['<itemref idref="one"/>', '<itemref idref="two"/>'] });
    const { final } = await bot.sendDocument(chat, { fileName: 'book.epub', mimeType: 'application/epub+zip', bytes: book });
    assert.equal(final.outcome, 'queued');
    assert.equal(final.document_format, 'epub');
    const [job] = await drain(bot);
    assert.equal(job!.outcome, 'voice_sent');
    assert.deepEqual(bot.synthesizer.requests.map((r) => r.text), ['Chapter One.\nThe beginning & more.\nChapter Two.\nThe middle.']);
    assert.equal(bot.voicesTo(chat).length, 1);
  });

  test('an EPUB locked by DRM, and a file named .epub that is no book, each get their own clear text', async () => {
    const bot = queuedBot();
    const chat = nextChat++;
    const pages = [{ id: 'c1', href: 'c1.xhtml', body: '<p>Ciphertext.</p>' }];
    await bot.sendDocument(chat, { fileName: 'locked.epub', bytes: epub({ pages, files: [encryptionXml([{ algorithm: AES128_CBC, uri: 'OEBPS/c1.xhtml' }])] }) });
    await bot.sendDocument(chat, { fileName: 'book.epub', bytes: utf8('Not a zip at all.') });
    await drain(bot);
    assert.deepEqual(bot.textsTo(chat).sort(), ['“book.epub” is not an EPUB book I can open.', '“locked.epub” is protected by DRM, so I cannot read it.']);
    assert.equal(bot.synthesizer.requests.length, 0);
  });

  test('a PDF is read into one voice, its pages in order without the running header and page numbers', async () => {
    const bot = queuedBot();
    const chat = nextChat++;
    const paper = pdf([
      ['Field Notes', 'The first page tells of the morning, when the birds were counted by the', 'river.', '1'],
      ['Field Notes', 'The second page tells of the evening.', '2'],
    ]);
    const { final } = await bot.sendDocument(chat, { fileName: 'notes.pdf', mimeType: 'application/pdf', bytes: paper });
    assert.equal(final.outcome, 'queued');
    assert.equal(final.document_format, 'pdf');
    const [job] = await drain(bot);
    assert.equal(job!.outcome, 'voice_sent');
    assert.deepEqual(bot.synthesizer.requests.map((r) => r.text), ['The first page tells of the morning, when the birds were counted by the river.\nThe second page tells of the evening.']);
    assert.equal(bot.voicesTo(chat).length, 1);
  });

  test('a scanned PDF, a file named .pdf that is none, and a PDF far over the limit each get their own clear text', async () => {
    const bot = queuedBot({ MAX_DOCUMENT_CHARACTERS: '100' });
    const chat = nextChat++;
    await bot.sendDocument(chat, { fileName: 'scan.pdf', bytes: pdf([[]]) });
    await bot.sendDocument(chat, { fileName: 'paper.pdf', bytes: utf8('Not a PDF at all.') });
    const long = Array.from({ length: 40 }, (_, n) => [`This is page ${n + 1} of a long report, and it has one sentence that fills the whole of its line.`]);
    await bot.sendDocument(chat, { fileName: 'long.pdf', bytes: pdf(long) });
    await drain(bot);
    const [tooLong, ...refused] = bot.textsTo(chat).sort();
    assert.deepEqual(refused, ['“paper.pdf” is not a PDF I can open.', '“scan.pdf” has no text to read (a scan?).']);
    // Read until past twice the limit, about three pages of the forty: the count is what was read.
    assert.match(tooLong!, /^That document has more than (2\d\d|3\d\d) characters, and I read documents of up to 100\./);
    assert.equal(bot.synthesizer.requests.length, 0);
  });

  test('a binary file and an empty one each get their own clear text', async () => {
    const bot = queuedBot();
    const chat = nextChat++;
    await bot.sendDocument(chat, { fileName: 'image.txt', bytes: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0xff, 0xfe, 0x00]) });
    await bot.sendDocument(chat, { fileName: 'blank.md', bytes: utf8('   \n\n ') });
    await drain(bot);
    const texts = bot.textsTo(chat).join('\n');
    assert.match(texts, /“image\.txt” does not look like text|how “image\.txt” is encoded/);
    assert.match(texts, /nothing to read aloud in “blank\.md”/);
    assert.equal(bot.synthesizer.requests.length, 0);
  });

  test('a reading out of time goes on in a fresh job: no part is asked of Polly twice, the status message is the same, one voice', async () => {
    const bot = queuedBot();
    const chat = nextChat++;
    const text = longText(150);
    await bot.sendDocument(chat, { fileName: 'long.txt', bytes: utf8(text) });
    // 14 s: the first part goes (a reading always makes one step), then less than DOCUMENT_PART_MIN_MS (15 s) is left.
    const first = await bot.work({ lambdaTimeoutMs: 14_000 });
    assert.equal(first.lines[0]!.outcome, 'continued');
    assert.equal(first.lines[0]!.parts_stored, 1);
    assert.deepEqual(first.back, [], 'the message is deleted; a fresh one carries the reading on');
    assert.equal(bot.jobQueue!.jobs.length, 1);
    assert.equal(bot.jobQueue!.jobs[0]!.receives, 0);
    const rest = await drain(bot, { lambdaTimeoutMs: 14_000 });
    assert.deepEqual(rest.map((l) => l.outcome), ['continued', 'continued', 'voice_sent']);
    assert.deepEqual(rest.map((l) => l.parts_stored_before), [1, 2, 3]);
    const asked = bot.synthesizer.requests.map((r) => r.text);
    assert.equal(asked.length, 3);
    assert.equal(new Set(asked).size, 3);
    assert.equal(bot.voicesTo(chat).length, 1);
    assert.equal(bot.textsTo(chat).length, 1, 'one status message, edited by every job');
  });

  test('a reading Polly throttles half-way comes back later and resumes from the stored parts', async () => {
    const bot = queuedBot();
    const chat = nextChat++;
    await bot.sendDocument(chat, { fileName: 'long.txt', bytes: utf8(longText(150)) });
    bot.synthesizer.faults.add('synthesize', () => serviceError('ThrottlingException', 'Rate exceeded'), { after: 1 });
    const lines = await drain(bot);
    assert.deepEqual(lines.map((l) => l.outcome), ['queued', 'voice_sent']);
    assert.equal(lines[0]!.queued, 'throttled');
    assert.equal(lines[1]!.parts_stored_before, 1);
    const asked = bot.synthesizer.requests.map((r) => r.text);
    assert.equal(asked.length, 4, 'three parts and the one throttled request');
    assert.equal(asked[1], asked[2], 'only the throttled part is asked again');
    assert.equal(bot.voicesTo(chat).length, 1);
    assert.equal(today(bot), 0, 'no budget configured, nothing counted');
  });

  test('a resumed reading keeps the voice and speed it began with, and pays nothing again', async () => {
    const bot = queuedBot({ DAILY_CHARACTER_BUDGET: '100000' });
    const chat = nextChat++;
    const text = longText(150);
    await bot.settings.update(chat, { speed: 150 });
    await bot.sendDocument(chat, { fileName: 'long.txt', bytes: utf8(text) });
    await bot.work({ lambdaTimeoutMs: 14_000 });
    await bot.settings.update(chat, { speed: 75 });
    await drain(bot);
    assert.deepEqual([...new Set(bot.synthesizer.requests.map((r) => r.speed))], [150]);
    assert.equal(today(bot), bot.synthesizer.requests.reduce((sum, r) => sum + r.text.length, 0));
  });
});

describe('numbered voices', () => {
  test('parts are grouped, in order, into voices within the byte limit', () => {
    assert.deepEqual(voiceGroups([40, 40, 40, 40, 40], 100), [[0, 1], [2, 3], [4]]);
    assert.deepEqual(voiceGroups([100, 1, 100], 100), [[0], [1], [2]]);
    assert.deepEqual(voiceGroups([150, 10], 100), [[0], [1]], 'a part over the limit stands alone');
    assert.deepEqual(voiceGroups([10, 10, 10], 1_000), [[0, 1, 2]]);
  });

  /** Runs the job through answerQueuedJob with a reader whose voices hold `maxVoiceBytes`, `lambdaTimeoutMs` at a time, until it is not continued. */
  async function readInSteps(bot: TestBot, job: { update: Update }, maxVoiceBytes: number, lambdaTimeoutMs: number) {
    const outcomes: unknown[] = [];
    for (let step = 0; step < 20; step++) {
      const { deps, lines } = bot.container();
      await answerQueuedJob(deps, job, new Deadline(Date.now() + lambdaTimeoutMs), { receive: 1, lastReceive: false, readDocument: documentReader(async () => {}, maxVoiceBytes) });
      outcomes.push(lines.find((l) => l.message === 'job handled')?.outcome);
      if (outcomes.at(-1) !== 'continued') break;
    }
    return outcomes;
  }

  const queuedDocument = async (bot: TestBot, chat: number) => {
    await bot.sendDocument(chat, { fileName: 'long.txt', bytes: utf8(longText(150)) });
    return { update: (JSON.parse(bot.jobQueue!.jobs[0]!.body) as { update: Update }).update };
  };

  // Each part's audio (a tone of 0.01 s per character at 16 kb/s) is about 3 KB: a voice of 4 KB holds one part.
  test('numbered voices carry their number and the file name; a reading paused between voices sends each voice once', async () => {
    const bot = queuedBot();
    const chat = nextChat++;
    const job = await queuedDocument(bot, chat);
    // 14 s at a time: one step (a part, or a voice) per job.
    const outcomes = await readInSteps(bot, job, 4_000, 14_000);
    assert.deepEqual(outcomes, ['continued', 'continued', 'continued', 'continued', 'continued', 'voice_sent']);
    assert.deepEqual(bot.voicesTo(chat).map((v) => v.params.caption), ['1/3 · long.txt', '2/3 · long.txt', '3/3 · long.txt']);
    assert.equal(bot.synthesizer.requests.length, 3);
    assert.match(bot.textsTo(chat)[0]!, /0 of 3 parts/);
    assert.match(bot.telegram.calls.filter((c) => c.method === 'editMessageText').at(-1)!.params.text as string, /read aloud in 3 voice messages\.$/);
  });

  test('a voice whose send may have arrived counts as sent and the reading goes on; one refused for certain stops it, and the status says where', async () => {
    const bot = queuedBot();
    const chat = nextChat++;
    const job = await queuedDocument(bot, chat);
    bot.telegram.faults.add('sendVoice', () => new TelegramNetworkError('sendVoice: Telegram not reached (socket hang up)'), { after: 1 });
    bot.telegram.failNext('sendVoice', { error_code: 500, description: 'Internal Server Error' });
    assert.deepEqual(await readInSteps(bot, job, 4_000, 60_000), ['failed']);
    assert.deepEqual(bot.voicesTo(chat).map((v) => v.params.caption), ['1/3 · long.txt']);
    assert.equal(bot.telegram.calls.filter((c) => c.method === 'sendVoice').length, 3, 'the third voice was tried after the ambiguous second');
    assert.match(bot.telegram.calls.filter((c) => c.method === 'editMessageText').at(-1)!.params.text as string, /stopped after 3 of 3 parts/);
    assert.match(bot.textsTo(chat).at(-1)!, /could not make a voice message/);
  });
});
