/**
 * Small, honest in-memory implementations of the bot's ports (function/src/context.ts), for fast
 * feature and fault tests of the bot logic. They keep the ports' promises: the ledger claims an
 * update once however many deliveries race, the store gives back the bytes it was given, the
 * synthesizer returns real Ogg Opus, and the messenger fails the way Telegram does (TelegramError
 * with Telegram's codes and descriptions). Faults are queued per call, so each belongs to the call it names.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Message } from '@grammyjs/types';
import { POLLY_MAX_CHARACTERS } from '../../../function/src/constants.ts';
import type {
  AudioStore,
  BudgetReservation,
  CharacterBudget,
  CachedAudio,
  CallOptions,
  Claim,
  ClaimOptions,
  ChatSettings,
  DocumentProgress,
  DocumentProgressStore,
  FileUpload,
  JobQueue,
  QueuedJob,
  Lease,
  LedgerEntry,
  MessageEntry,
  Messenger,
  MethodName,
  OpenedAudio,
  Params,
  ReplyCall,
  Result,
  SettingsChange,
  SettingsStore,
  SpeechIdentity,
  SpeechRequest,
  StoredAudio,
  Synthesizer,
  UpdateLedger,
} from '../../../function/src/context.ts';
import { speechDigest } from '../../../function/src/speech/identity.ts';
import { applyChange } from '../../../function/src/storage/settings.ts';
import { oggDurationFromTail } from '../../../function/src/speech/ogg.ts';
import { FileTooBigError, TelegramError, TelegramNetworkError } from '../../../function/src/telegram/errors.ts';
import { toneOggOpus } from '../../../local/audio/ogg-opus-encoder.ts';

/** Errors queued for the next calls of one operation: after `after` calls that work, `times` calls fail, then it works again. */
class FaultQueue<Op extends string> {
  private readonly queued = new Map<Op, ((() => Error) | undefined)[]>();

  add(op: Op, fault: () => Error, { times = 1, after = 0 }: { times?: number; after?: number } = {}): void {
    const next = [...Array.from({ length: after }, () => undefined), ...Array.from({ length: times }, () => fault)];
    this.queued.set(op, [...(this.queued.get(op) ?? []), ...next]);
  }

  /** Throws the next fault queued for `op`, if any. */
  take(op: Op): void {
    const fault = this.queued.get(op)?.shift();
    if (fault) throw fault();
  }
}

/** An error shaped like the AWS SDK's service exceptions: a name and a message. */
export function serviceError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

/**
 * Waits `ms` (forever when Infinity), or fails with the signal's reason when it aborts first, as an
 * SDK call cut off by its abort signal does. Like the open socket of a real request, it keeps the
 * process alive while it waits (AbortSignal.timeout's own timer does not).
 */
const latency = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve, reject) => {
    const socket = setTimeout(resolve, Math.min(ms, 2 ** 31 - 1));
    const abort = () => {
      clearTimeout(socket);
      reject(signal!.reason);
    };
    if (signal?.aborted) abort();
    else signal?.addEventListener('abort', abort, { once: true });
  });

interface InMemoryRecord {
  entry: LedgerEntry;
  state: 'leased' | 'queued' | 'done';
  attempt: number;
  until: number;
  /** Changes with every write, like an S3 ETag. */
  version: string;
}

/**
 * The ledger's lease rules over a Map: each change is checked and made in one synchronous step, so
 * concurrent deliveries cannot both win, as S3's conditional writes guarantee. `now` is its clock:
 * a test moves it forward to expire a lease.
 */
export class InMemoryLedger implements UpdateLedger {
  private readonly records = new Map<string, InMemoryRecord>();
  private readonly refused = new Set<number>();
  private versions = 0;
  readonly faults = new FaultQueue<'claim' | 'count' | 'complete' | 'handOff'>();
  /** Milliseconds added to the real clock. */
  clockOffsetMs = 0;

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  async claim(entry: LedgerEntry, until: number, signal?: AbortSignal, { fromQueue = false }: ClaimOptions = {}): Promise<Claim> {
    signal?.throwIfAborted();
    this.faults.take('claim');
    const key = `${entry.kind}:${entry.updateId}`;
    const record = this.records.get(key);
    if (record?.state === 'done') return { status: 'done', attempt: record.attempt };
    if (record?.state === 'queued' && !fromQueue) return { status: 'queued', attempt: record.attempt };
    if (record?.state === 'leased' && record.until > this.now()) return { status: 'leased', attempt: record.attempt, until: record.until };
    const next: InMemoryRecord = { entry, state: 'leased', attempt: (record?.attempt ?? 0) + 1, until, version: `v${++this.versions}` };
    this.records.set(key, next);
    return { status: 'claimed', lease: { attempt: next.attempt, takenOver: record?.state === 'leased', until, token: next.version } };
  }

  async handOff(entry: LedgerEntry, lease: Lease, signal?: AbortSignal): Promise<boolean> {
    return this.release(entry, lease, 'queued', 'handOff', signal);
  }

  async complete(entry: LedgerEntry, lease: Lease, signal?: AbortSignal): Promise<boolean> {
    return this.release(entry, lease, 'done', 'complete', signal);
  }

  /** Ends a lease that is still ours (its version unchanged) as "done" or "queued". */
  private release(entry: LedgerEntry, lease: Lease, state: 'done' | 'queued', op: 'complete' | 'handOff', signal?: AbortSignal): boolean {
    signal?.throwIfAborted();
    this.faults.take(op);
    const record = this.records.get(`${entry.kind}:${entry.updateId}`);
    if (record?.version !== lease.token) return false;
    Object.assign(record, { state, version: `v${++this.versions}` });
    return true;
  }

  /** The record of an update, to check what a test did to it. */
  record(entry: Pick<LedgerEntry, 'kind' | 'updateId'>): Readonly<InMemoryRecord> | undefined {
    return this.records.get(`${entry.kind}:${entry.updateId}`);
  }

  async countInMinute(entry: MessageEntry, signal?: AbortSignal): Promise<number> {
    signal?.throwIfAborted();
    this.faults.take('count');
    const minute = Math.floor(entry.date / 60);
    const others = [...this.records.values()].filter(
      ({ entry: e }) => e.kind === 'message' && e.updateId !== entry.updateId && e.chatId === entry.chatId && Math.floor(e.date / 60) === minute,
    );
    return others.length + 1;
  }

  /** How many updates have been claimed. */
  get claims(): number {
    return this.records.size;
  }

  async claimRefusal(chatId: number): Promise<boolean> {
    if (this.refused.has(chatId)) return false;
    this.refused.add(chatId);
    return true;
  }
}

/**
 * The daily character count, shared by every TestBot given the same instance, as one S3 object is
 * shared by every container. Checked and added in one synchronous step, so concurrent reservations
 * cannot both take the last characters.
 */
export class InMemoryBudget implements CharacterBudget {
  readonly days = new Map<string, number>();
  readonly faults = new FaultQueue<'reserve'>();

  async reserve(day: string, characters: number, limit: number, signal?: AbortSignal): Promise<BudgetReservation> {
    signal?.throwIfAborted();
    this.faults.take('reserve');
    const used = this.days.get(day) ?? 0;
    if (used + characters > limit) return { granted: false, used };
    this.days.set(day, used + characters);
    return { granted: true, used: used + characters };
  }
}

export class InMemorySettings implements SettingsStore {
  private readonly chats = new Map<number, ChatSettings>();

  async get(chatId: number, signal?: AbortSignal): Promise<ChatSettings> {
    signal?.throwIfAborted();
    return { ...this.chats.get(chatId) };
  }

  async update(chatId: number, change: SettingsChange, signal?: AbortSignal): Promise<ChatSettings> {
    signal?.throwIfAborted();
    const changed = applyChange(this.chats.get(chatId) ?? {}, change);
    this.chats.set(chatId, changed);
    return { ...changed };
  }
}

export class InMemoryAudioStore implements AudioStore {
  readonly objects = new Map<string, Buffer>();
  readonly faults = new FaultQueue<'find' | 'save' | 'open'>();
  /** False: Telegram's fetch of a temporary URL fails, as when S3 answers 503 to its GET. */
  urlsFetchable = true;

  keyFor(identity: SpeechIdentity): string {
    return `audio/${speechDigest(identity).toString('hex')}.ogg`;
  }

  async find(key: string, signal?: AbortSignal): Promise<CachedAudio | undefined> {
    signal?.throwIfAborted();
    this.faults.take('find');
    const bytes = this.objects.get(key);
    const durationSeconds = bytes && oggDurationFromTail(bytes);
    return bytes && durationSeconds !== undefined ? { key, bytes: bytes.length, durationSeconds } : undefined;
  }

  async save(key: string, audio: AsyncIterable<Uint8Array>, signal?: AbortSignal): Promise<StoredAudio> {
    signal?.throwIfAborted();
    this.faults.take('save');
    const parts: Uint8Array[] = [];
    for await (const part of audio) {
      signal?.throwIfAborted();
      parts.push(part);
    }
    const bytes = Buffer.concat(parts);
    this.objects.set(key, bytes);
    return { key, bytes: bytes.length };
  }

  async temporaryUrl(key: string): Promise<string> {
    return `memory://${key}`;
  }

  async open(key: string, signal?: AbortSignal): Promise<OpenedAudio> {
    signal?.throwIfAborted();
    this.faults.take('open');
    const bytes = this.objects.get(key);
    if (!bytes) throw serviceError('NoSuchKey', `no object ${key}`);
    return { stream: Readable.from([bytes]), bytes: bytes.length };
  }

  /** What Telegram gets when it fetches a temporary URL; undefined when the fetch fails. */
  fetch(url: string): Buffer | undefined {
    const key = url.replace(/^memory:\/\//, '');
    return this.urlsFetchable ? this.objects.get(key) : undefined;
  }
}

/** A 48 kHz mono tone, encoded as a real Ogg Opus file: half a second at least, then a hundredth of a second per character: small and quick to make. */
const oggOpusFor = (text: string): Buffer => toneOggOpus(Math.max(0.5, text.length / 100));

export class FakeSynthesizer implements Synthesizer {
  readonly requests: Omit<SpeechRequest, 'signal'>[] = [];
  readonly faults = new FaultQueue<'synthesize'>();
  /** Streams handed out, to check that none is left open. */
  readonly streams: Readable[] = [];
  private latencies: number[] = [];

  /** The next request answers after `ms`; Infinity: it never answers, and fails only when its abort signal fires. */
  slow(ms: number): void {
    this.latencies.push(ms);
  }

  async synthesize({ signal, ...request }: SpeechRequest): Promise<Readable> {
    this.requests.push(request);
    await latency(this.latencies.shift() ?? 0, signal);
    signal?.throwIfAborted();
    this.faults.take('synthesize');
    // As Polly: a request over its billed-character limit is refused, whatever it was charged.
    if ([...request.text].length > POLLY_MAX_CHARACTERS) throw serviceError('TextLengthExceededException', `Maximum text length has been exceeded (${POLLY_MAX_CHARACTERS} characters)`);
    const stream = Readable.from([oggOpusFor(request.text)]);
    this.streams.push(stream);
    return stream;
  }
}

/** A call the bot made, as Telegram received it. */
export interface RecordedCall {
  method: string;
  params: Record<string, unknown>;
  /** True when Telegram made the call from the webhook's answer, not the bot through the messenger. */
  fromWebhookResponse?: boolean;
  /** The uploaded file's bytes, or those Telegram fetched from a URL. */
  audio?: Buffer;
  ok: boolean;
  /** What Telegram answered, when it worked. */
  result?: unknown;
}

/** A Bot API error as Telegram sends it: `error_code`, `description`, and for 429 `parameters.retry_after`. */
export interface BotApiError {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number };
}

export const VOICE_MESSAGES_FORBIDDEN: BotApiError = { error_code: 400, description: 'Bad Request: VOICE_MESSAGES_FORBIDDEN' };
export const TOO_MANY_REQUESTS = (seconds: number): BotApiError => ({ error_code: 429, description: `Too Many Requests: retry after ${seconds}`, parameters: { retry_after: seconds } });
export const INTERNAL_SERVER_ERROR: BotApiError = { error_code: 500, description: 'Internal Server Error' };

/**
 * Telegram as the bot sees it. Every call is recorded; a voice sent by URL is fetched from the audio
 * store, as Telegram fetches it; a sent voice gets a file_id that can be sent again.
 */
export class InMemoryMessenger implements Messenger {
  readonly calls: RecordedCall[] = [];
  readonly faults = new FaultQueue<string>();
  readonly forbidsVoices = new Set<number>();
  private readonly fileIds = new Map<string, Buffer>();
  /** Files users sent, by file_id: what `download` fetches. */
  private readonly userFiles = new Map<string, Uint8Array>();
  private nextMessageId = 1;

  constructor(
    private readonly store: InMemoryAudioStore,
    readonly botUsername = 'voicebot_demo_bot',
  ) {}

  /** The next `times` calls of `method` fail with this Bot API error. */
  failNext(method: string, error: BotApiError, times = 1): void {
    this.faults.add(method, () => new TelegramError(method, error.error_code, error.description, error.parameters?.retry_after), { times });
  }

  /** The next `times` calls of `method` never reach Telegram. */
  dropNext(method: string, times = 1): void {
    this.faults.add(method, () => new TelegramNetworkError(`${method}: Telegram not reached (socket hang up)`), { times });
  }

  async username(options: CallOptions): Promise<string> {
    const me = await this.call('getMe', {}, options);
    return me.username ?? '';
  }

  async call<M extends MethodName>(method: M, params: Params<M>, options: CallOptions): Promise<Result<M>> {
    const record: RecordedCall = { method, params: { ...(params as Record<string, unknown>) }, ok: false };
    this.calls.push(record);
    this.takeFault(method, options);
    record.result = this.answer(method, record);
    record.ok = true;
    return record.result as Result<M>;
  }

  async upload(method: 'sendVoice' | 'sendDocument', fields: Record<string, unknown>, file: FileUpload, options: CallOptions): Promise<Message> {
    const record: RecordedCall = { method, params: { ...fields }, ok: false };
    this.calls.push(record);
    this.takeFault(method, options);
    const { stream } = await file.open();
    const parts: Buffer[] = [];
    for await (const part of stream) parts.push(part as Buffer);
    record.audio = Buffer.concat(parts);
    record.result = this.answer(method, record);
    record.ok = true;
    return record.result as Message;
  }

  /** A file a user sent: Telegram keeps it under a file_id the bot can download. */
  addUserFile(bytes: Uint8Array): string {
    const fileId = `userfile${this.userFiles.size + 1}`;
    this.userFiles.set(fileId, bytes);
    return fileId;
  }

  /** getFile, then the download, recorded as the one `getFile` call (the Bot API refuses files over 20 MB). */
  async download(fileId: string, maxBytes: number, options: CallOptions): Promise<Uint8Array> {
    const record: RecordedCall = { method: 'getFile', params: { file_id: fileId }, ok: false };
    this.calls.push(record);
    this.takeFault('getFile', options);
    const bytes = this.userFiles.get(fileId);
    if (!bytes) throw new TelegramError('getFile', 400, 'Bad Request: wrong file_id or the file is temporarily unavailable');
    if (bytes.length > 20 * 1024 * 1024) throw new FileTooBigError('getFile: over the Bot API download limit', { cause: new TelegramError('getFile', 400, 'Bad Request: file is too big') });
    if (bytes.length > maxBytes) throw new FileTooBigError(`the file has ${bytes.length} bytes, more than ${maxBytes}`);
    record.ok = true;
    return bytes;
  }

  /** Telegram making the call a webhook's answer carried: recorded like the bot's own, its result or failure seen by nobody. */
  async callFromWebhookResponse({ method, params }: ReplyCall): Promise<void> {
    const record: RecordedCall = { method, params: { ...(params as Record<string, unknown>) }, fromWebhookResponse: true, ok: false };
    this.calls.push(record);
    try {
      this.faults.take(method);
      record.result = this.answer(method, record);
      record.ok = true;
    } catch {
      // Telegram tells the bot nothing about it.
    }
  }

  /** A queued fault, or the one the real client raises when the call's share of the deadline is already spent. */
  private takeFault(method: string, { deadline, reserveMs = 0 }: CallOptions): void {
    this.faults.take(method);
    if (deadline.remainingMs(reserveMs) <= 0) throw new TelegramNetworkError(`${method}: Telegram's answer did not arrive in time`);
  }

  /** What Telegram does with a call that got through. */
  private answer(method: string, record: RecordedCall): unknown {
    const chatId = record.params.chat_id as number;
    const refuse = (description: string) => {
      throw new TelegramError(method, 400, `Bad Request: ${description}`);
    };
    switch (method) {
      case 'getMe':
        return { id: 1, is_bot: true, first_name: 'Voicebot', username: this.botUsername };
      case 'sendChatAction':
      case 'answerCallbackQuery':
      case 'answerInlineQuery':
        return true;
      case 'editMessageText':
        return { ...this.message(chatId, { text: record.params.text }), message_id: record.params.message_id, edit_date: Math.floor(Date.now() / 1000) };
      case 'sendMessage':
        return this.message(chatId, { text: record.params.text });
      case 'sendDocument':
        if (!record.audio) refuse('there is no document in the request');
        return this.message(chatId, { document: { file_id: `doc${this.nextMessageId}`, file_unique_id: 'u' } });
      case 'sendVoice': {
        if (this.forbidsVoices.has(chatId)) refuse('VOICE_MESSAGES_FORBIDDEN');
        const voice = record.params.voice;
        if (typeof voice === 'string' && voice.startsWith('memory://')) record.audio = this.store.fetch(voice) ?? refuse('failed to get HTTP URL content');
        else if (typeof voice === 'string') record.audio = this.fileIds.get(voice) ?? refuse('wrong file identifier/HTTP URL specified');
        const fileId = `voice${createHash('sha256').update(record.audio!).digest('hex').slice(0, 16)}`;
        this.fileIds.set(fileId, record.audio!);
        return this.message(chatId, { voice: { file_id: fileId, file_unique_id: fileId, duration: record.params.duration } });
      }
      default:
        return refuse(`method ${method} is not known to this stand-in`);
    }
  }

  private message(chatId: number, fields: Record<string, unknown>): Message {
    return { message_id: this.nextMessageId++, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: 'private', first_name: 'Tester' }, ...fields } as Message;
  }

  /** Forgets the file_ids it gave out, as for a file_id Telegram no longer knows. */
  forgetFileIds(): void {
    this.fileIds.clear();
  }

  /** Successful calls of a method to a chat. */
  sent(method: string, chatId?: number): RecordedCall[] {
    return this.calls.filter((c) => c.ok && c.method === method && (chatId === undefined || c.params.chat_id === chatId));
  }
}

/** A job in the in-memory queue, as SQS keeps it. */
export interface InMemoryJob {
  messageId: string;
  body: string;
  receives: number;
  visibleAt: number;
  handle?: string;
}

/**
 * The job queue as SQS behaves for the worker: sent jobs wait until received, a received job is hidden
 * for the visibility timeout unless the worker changes it, and stays until deleted. Its clock is the
 * real one plus `clockOffsetMs`, which a test moves forward instead of waiting.
 */
export class InMemoryJobQueue implements JobQueue {
  readonly jobs: InMemoryJob[] = [];
  /** Every visibility the worker asked for, in seconds. */
  readonly delays: number[] = [];
  readonly faults = new FaultQueue<'enqueue'>();
  clockOffsetMs = 0;
  private sent = 0;

  constructor(readonly visibilitySeconds = 360) {}

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  async enqueue(job: QueuedJob, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.faults.take('enqueue');
    this.jobs.push({ messageId: `m${++this.sent}`, body: JSON.stringify(job), receives: 0, visibleAt: this.now() });
  }

  async retryLater(receiptHandle: string, seconds: number): Promise<void> {
    const job = this.jobs.find((j) => j.handle === receiptHandle);
    if (!job) throw serviceError('MessageNotInflight', 'The message referred to is not in flight.');
    job.visibleAt = this.now() + seconds * 1000;
    this.delays.push(seconds);
  }

  /** Receives up to `max` visible jobs, as ReceiveMessage does. */
  receive(max: number): InMemoryJob[] {
    const visible = this.jobs.filter((j) => j.visibleAt <= this.now()).slice(0, max);
    for (const job of visible) {
      job.receives++;
      job.handle = `${job.messageId}:${job.receives}`;
      job.visibleAt = this.now() + this.visibilitySeconds * 1000;
    }
    return visible;
  }

  delete(messageId: string): void {
    this.jobs.splice(this.jobs.findIndex((j) => j.messageId === messageId), 1);
  }
}

/** Each document's progress as the S3 store keeps it: a JSON copy per update, so no caller shares the object it wrote. */
export class InMemoryDocumentProgress implements DocumentProgressStore {
  readonly records = new Map<number, string>();
  readonly faults = new FaultQueue<'read' | 'write'>();

  async read(updateId: number, signal?: AbortSignal): Promise<DocumentProgress | undefined> {
    signal?.throwIfAborted();
    this.faults.take('read');
    const body = this.records.get(updateId);
    return body === undefined ? undefined : (JSON.parse(body) as DocumentProgress);
  }

  async write(updateId: number, progress: DocumentProgress, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.faults.take('write');
    this.records.set(updateId, JSON.stringify(progress));
  }
}
