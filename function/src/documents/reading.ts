/**
 * A document read aloud: the worker's part (documents/intake.ts is every door's). The file is
 * downloaded and decoded, held to MAX_DOCUMENT_CHARACTERS and paid for whole; then read one Polly
 * request at a time, each part stored as it is made, and delivered as one voice or as numbered ones.
 * Its progress is kept (DocumentProgressStore), so a worker that died, was throttled or ran out of
 * time resumes where it stopped: no part made twice, its characters paid once and each voice sent
 * once, but for two windows a death can open: between the budget's reservation (and the status
 * message) and the first record, and between a voice's send and its record (docs/documents.md).
 */
import type { Document, Message } from '@grammyjs/types';
import { ahead } from '../ahead.ts';
import { DEADLINE_RESERVE_MS, DOCUMENT_PART_MIN_MS, DOCUMENT_STATUS_EDIT_INTERVAL_MS, TELEGRAM_DOWNLOAD_MAX_BYTES, TELEGRAM_VOICE_UPLOAD_MAX_BYTES } from '../constants.ts';
import type { CachedAudio, DocumentFormat, DocumentProgress, DocumentReader, SpeechRequest, UpdateContext } from '../context.ts';
import type { Outcome } from '../facts.ts';
import { MESSAGES } from '../messages.ts';
import { apologize, editText, replyText, replyTo } from '../replies.ts';
import { chooseVoice } from '../speech/choose.ts';
import { partLimits } from '../speech/ssml.ts';
import { billedCharacters, normalizeForSpeech, splitForSpeech } from '../speech/text.ts';
import { FileTooBigError } from '../telegram/errors.ts';
import { OverBudgetError, reserveCharacters } from '../voice/budget.ts';
import { isAmbiguousSend, toChat } from '../voice/delivery.ts';
import { deferrable } from '../voice/later.ts';
import { heldForLater } from '../voice/speak.ts';
import { storeJoined, synthesizeParts } from '../voice/synthesis.ts';
import { documentText, type DocumentRefusal } from './read.ts';
import { documentName, tooBigToDownload } from './intake.ts';

/** The document's language is told from its beginning: enough to tell, and quick however long the document. */
const LANGUAGE_SAMPLE_CHARACTERS = 2_000;

/** Puts the same job in the queue again, as a new message: its reading goes on there. */
export type ContinueAnew = (signal: AbortSignal) => Promise<void>;

/**
 * The worker's reader of documents; `continueAnew` is how a reading that ran out of time goes on, and
 * `maxVoiceBytes` the most audio one voice message may carry.
 */
export const documentReader =
  (continueAnew: ContinueAnew, maxVoiceBytes = TELEGRAM_VOICE_UPLOAD_MAX_BYTES): DocumentReader =>
  (ctx, message, document, format) =>
    readDocument({ ctx, message, name: documentName(document), continueAnew, maxVoiceBytes }, document, format);

/** One reading: its job's context, the message answered, the file's name as texts quote it, and its way on. */
interface Reading {
  ctx: UpdateContext;
  message: Message;
  name: string;
  continueAnew: ContinueAnew;
  maxVoiceBytes: number;
}

/** What is read, and how far: the text's parts, their audio keys, and the progress kept. */
interface Plan {
  parts: string[];
  keys: string[];
  how: Omit<SpeechRequest, 'signal' | 'text'>;
  progress: DocumentProgress;
}

async function readDocument(reading: Reading, document: Document, format: DocumentFormat): Promise<Outcome> {
  const { ctx, message, name } = reading;
  const reply = (text: string) => replyText(ctx, message, text).then((): Outcome => 'text_sent');
  const kept = ahead(ctx.trace.time('s3', ctx.documents.read(ctx.trace.updateId, ctx.deadline.signal(DEADLINE_RESERVE_MS))));
  let plan: Plan | undefined;
  try {
    const text = await fetchText(ctx, document, format);
    if ('refusal' in text) return await reply(text.refusal(name));
    plan = await planReading(reading, text.text, text.characters, await kept);
    return await readOn(reading, plan);
  } catch (error) {
    if (error instanceof OverBudgetError) {
      ctx.trace.note({ refused: 'budget' });
      return reply(MESSAGES.overBudget);
    }
    const why = ctx.later && deferrable(ctx, error);
    if (why && (await heldForLater(ctx, message, why, error))) return 'queued';
    ctx.trace.note({ error_kind: ctx.trace.failedStage ?? 'internal' });
    ctx.log.error('document not read', { update_id: ctx.trace.updateId, error });
    if (plan?.progress.statusMessageId) await editStatus(ctx, message, plan.progress.statusMessageId, MESSAGES.documentStopped(name, plan.progress.stored.length, plan.parts.length));
    await apologize(ctx, message);
    return 'failed';
  }
}

type FetchedText = { text: string; characters: number } | { refusal: (name: string) => string };

const REFUSALS: Readonly<Record<DocumentRefusal, (name: string) => string>> = {
  binary: MESSAGES.documentBinary,
  unknown_encoding: MESSAGES.documentUnknownEncoding,
  empty: MESSAGES.documentEmpty,
  not_epub: MESSAGES.documentNotEpub,
  drm: MESSAGES.documentDrm,
  no_text: MESSAGES.documentNoText,
  encrypted: MESSAGES.documentEncrypted,
  not_pdf: MESSAGES.documentNotPdf,
};

/** The document's text as read aloud, or why it cannot be. */
async function fetchText(ctx: UpdateContext, document: Document, format: DocumentFormat): Promise<FetchedText> {
  let bytes: Uint8Array;
  try {
    bytes = await ctx.trace.time('telegram', ctx.telegram.download(document.file_id, TELEGRAM_DOWNLOAD_MAX_BYTES, { deadline: ctx.deadline, reserveMs: DEADLINE_RESERVE_MS }));
  } catch (error) {
    if (error instanceof FileTooBigError) return { refusal: tooBigToDownload };
    throw error;
  }
  ctx.trace.note({ document_bytes: bytes.length });
  const limit = ctx.config.maxDocumentCharacters;
  // Twice the limit: what a PDF's layout drops (headers, page numbers, spaces folded) cannot bring it back under.
  const decoded = await documentText(bytes, format, { maxCharacters: 2 * limit, signal: ctx.deadline.signal(DEADLINE_RESERVE_MS) });
  if (!decoded.ok) return { refusal: REFUSALS[decoded.reason] };
  ctx.trace.note({ encoding: decoded.encoding });
  const text = normalizeForSpeech(decoded.text);
  if (!text) return { refusal: MESSAGES.documentEmpty };
  const characters = billedCharacters(text);
  if (decoded.truncated) return { refusal: () => MESSAGES.documentTooLong(Math.max(characters, limit), limit, { more: true }) };
  if (characters > limit) return { refusal: () => MESSAGES.documentTooLong(characters, limit) };
  return { text, characters };
}

/**
 * The reading's plan: as kept by an earlier attempt (its voice and speed, its characters paid for),
 * or a new one (startReading). The text is split once, at the plan's speed.
 */
async function planReading(reading: Reading, text: string, characters: number, kept: DocumentProgress | undefined): Promise<Plan> {
  let progress: DocumentProgress;
  let parts: string[];
  if (kept) {
    parts = splitForSpeech(text, partLimits(kept.speed));
    // Split otherwise than when the record was written (a new version of the splitting in between):
    // its stored parts are not these, so they are made again; what was paid stays paid.
    progress = parts.length === kept.parts ? kept : { ...kept, parts: parts.length, stored: [], voicesSent: 0 };
  } else {
    ({ progress, parts } = await startReading(reading, text, characters));
  }
  const { ctx } = reading;
  const how = { voice: progress.voice, engine: progress.engine, ...(progress.speed !== undefined && { speed: progress.speed }) };
  const keys = parts.map((part) => ctx.audioStore.keyFor({ ...how, text: part }));
  ctx.trace.note({ voice: how.voice, engine: how.engine, language: progress.language, speed: how.speed, text_chars: characters, parts: parts.length, parts_stored_before: progress.stored.length });
  return { parts, keys, how, progress };
}

/** A new reading: its voice and speed chosen, the whole text paid for before the first Polly request, its status shown, its record written. */
async function startReading({ ctx, message, name }: Reading, text: string, characters: number): Promise<{ progress: DocumentProgress; parts: string[] }> {
  const settings = await ctx.trace.time('s3', ctx.settings.get(message.chat.id, ctx.deadline.signal(DEADLINE_RESERVE_MS)));
  const choice = chooseVoice({ text: text.slice(0, LANGUAGE_SAMPLE_CHARACTERS), languageHint: message.from?.language_code, chatVoice: settings.voice, defaultVoice: ctx.config.voice });
  const parts = splitForSpeech(text, partLimits(settings.speed));
  await reserveCharacters(ctx, parts);
  const statusMessageId = parts.length > 1 ? await sendStatus(ctx, message, MESSAGES.documentProgress(name, 0, parts.length)) : undefined;
  const progress: DocumentProgress = {
    characters,
    voice: choice.voice,
    engine: choice.engine,
    ...(choice.language && { language: choice.language }),
    ...(settings.speed !== undefined && { speed: settings.speed }),
    parts: parts.length,
    stored: [],
    ...(statusMessageId !== undefined && { statusMessageId }),
    voicesSent: 0,
  };
  await saveProgress(ctx, progress);
  return { progress, parts };
}

/**
 * The parts not stored yet, one Polly request at a time (the queue's concurrency then paces the whole
 * queue at the quota), then the voices not sent yet. Once something was done, a reading with too
 * little time left for the next step goes on in a fresh job; one that has done nothing yet tries.
 */
async function readOn(reading: Reading, { parts, keys, how, progress }: Plan): Promise<Outcome> {
  const { ctx, message, name } = reading;
  let progressed = false;
  const shouldPause = () => progressed && ctx.deadline.remainingMs() < DOCUMENT_PART_MIN_MS;
  const status = statusEditor(ctx, message, progress.statusMessageId);
  try {
    for (let i = progress.stored.length; i < parts.length; i++) {
      if (shouldPause()) return await pause(reading);
      const audio = (await ctx.trace.time('s3', ctx.audioStore.find(keys[i]!, ctx.deadline.signal(DEADLINE_RESERVE_MS)))) ?? (await synthesizePart(ctx, message, parts, i, how, keys[i]!));
      progress.stored.push({ bytes: audio.bytes, seconds: audio.durationSeconds });
      await saveProgress(ctx, progress);
      progressed = true;
      if (progress.stored.length < parts.length) await status.show(MESSAGES.documentProgress(name, progress.stored.length, parts.length));
    }
    const voices = voiceGroups(progress.stored.map((part) => part.bytes), reading.maxVoiceBytes);
    ctx.trace.note({ voices: voices.length });
    for (let v = progress.voicesSent; v < voices.length; v++) {
      if (shouldPause()) return await pause(reading);
      const audio = await voiceAudio(ctx, { parts, keys, how, progress }, voices[v]!);
      const caption = voices.length > 1 ? MESSAGES.documentVoiceCaption(v + 1, voices.length, name) : undefined;
      await sendVoice(ctx, message, audio, caption);
      progress.voicesSent = v + 1;
      await saveProgress(ctx, progress);
      progressed = true;
    }
    await status.show(MESSAGES.documentRead(name, progress.characters, voices.length), { final: true });
    return 'voice_sent';
  } finally {
    ctx.trace.note({ parts_stored: progress.stored.length, voices_sent: progress.voicesSent });
  }
}

/** One part through Polly into the store; a document of one part shows "recording" meanwhile, as a text does. */
async function synthesizePart(ctx: UpdateContext, message: Message, parts: string[], i: number, how: Plan['how'], key: string): Promise<CachedAudio> {
  const shown = parts.length === 1 ? toChat(message).whileSynthesizing?.(ctx) : undefined;
  try {
    ctx.trace.note({ cache: 'miss' });
    return await synthesizeParts(ctx, [parts[i]!], how, key);
  } finally {
    await shown;
  }
}

/** The reading goes on in a fresh job; if the queue cannot take it, this one comes back later instead. */
async function pause({ ctx, message, continueAnew }: Reading): Promise<Outcome> {
  try {
    await ctx.trace.time('sqs', continueAnew(ctx.deadline.signal(DEADLINE_RESERVE_MS)));
    return 'continued';
  } catch (error) {
    if (ctx.later && (await heldForLater(ctx, message, 'out_of_time', error))) return 'queued';
    throw error;
  }
}

/**
 * Consecutive parts grouped into voices of at most `maxBytes` each (a part bigger than that alone):
 * one voice for any document of a sensible size, numbered ones past Telegram's upload limit.
 */
export function voiceGroups(sizes: readonly number[], maxBytes: number): number[][] {
  const groups: number[][] = [];
  let bytes = 0;
  sizes.forEach((size, i) => {
    const last = groups.at(-1);
    if (last && bytes + size <= maxBytes) {
      last.push(i);
      bytes += size;
    } else {
      groups.push([i]);
      bytes = size;
    }
  });
  return groups;
}

/**
 * A voice's audio: its one part as stored, or its parts joined into a file of their own, stored
 * under the key of the text they read (so a joined voice made once is found again after a death).
 */
async function voiceAudio(ctx: UpdateContext, { parts, keys, how, progress }: Plan, group: number[]): Promise<CachedAudio> {
  if (group.length === 1) {
    const i = group[0]!;
    return { key: keys[i]!, bytes: progress.stored[i]!.bytes, durationSeconds: progress.stored[i]!.seconds };
  }
  const key = ctx.audioStore.keyFor({ ...how, text: group.map((i) => parts[i]).join('\n') });
  const found = await ctx.trace.time('s3', ctx.audioStore.find(key, ctx.deadline.signal(DEADLINE_RESERVE_MS)));
  if (found) return found;
  const sources = function* () {
    for (const i of group) yield openedPart(ctx, keys[i]!);
  };
  return storeJoined(ctx, sources(), key);
}

/** A stored part's audio, opened only when the joiner reaches it. */
async function* openedPart(ctx: UpdateContext, key: string): AsyncGenerator<Uint8Array> {
  const { stream } = await ctx.trace.time('s3', ctx.audioStore.open(key, ctx.deadline.signal(DEADLINE_RESERVE_MS)));
  try {
    yield* stream as AsyncIterable<Uint8Array>;
  } finally {
    stream.destroy();
  }
}

/**
 * A voice of the document. A send that may or may not have arrived counts as sent: the next voices
 * still come, and the user may miss one part rather than hear it twice.
 */
async function sendVoice(ctx: UpdateContext, message: Message, audio: CachedAudio, caption: string | undefined): Promise<void> {
  try {
    await toChat(message, caption).deliver(ctx, audio);
  } catch (error) {
    if (!isAmbiguousSend(error)) throw error;
    ctx.log.warn('document voice may not have arrived; going on', { update_id: ctx.trace.updateId, error });
    ctx.trace.note({ silent: 'ambiguous send: a voice of the document may not have arrived' });
  }
}

async function saveProgress(ctx: UpdateContext, progress: DocumentProgress): Promise<void> {
  await ctx.trace.time('s3', ctx.documents.write(ctx.trace.updateId, progress, ctx.deadline.signal(DEADLINE_RESERVE_MS)));
}

/** The status message, sent once; without it (Telegram refused it) the reading goes on unshown. */
async function sendStatus(ctx: UpdateContext, message: Message, text: string): Promise<number | undefined> {
  try {
    const sent = await ctx.trace.time('telegram', ctx.telegram.call('sendMessage', { ...replyTo(message), text }, { deadline: ctx.deadline, reserveMs: DEADLINE_RESERVE_MS }));
    return sent.message_id;
  } catch (error) {
    ctx.log.warn('document status not shown', { update_id: ctx.trace.updateId, error });
    return undefined;
  }
}

/** Edits of the status message, no more often than Telegram likes; the final one always goes. */
function statusEditor(ctx: UpdateContext, message: Message, messageId: number | undefined) {
  let lastEdit = 0;
  return {
    async show(text: string, { final = false } = {}): Promise<void> {
      if (messageId === undefined) return;
      if (!final && Date.now() - lastEdit < DOCUMENT_STATUS_EDIT_INTERVAL_MS) return;
      lastEdit = Date.now();
      await editStatus(ctx, message, messageId, text);
    },
  };
}

const editStatus = (ctx: UpdateContext, message: Message, messageId: number, text: string): Promise<void> =>
  editText(ctx, { chat_id: message.chat.id, message_id: messageId, text }, { what: 'document status', reserveMs: DEADLINE_RESERVE_MS });
