/**
 * What the bot needs from the world, as ports, and what one job is run with.
 * The S3, Polly and Telegram implementations sit behind these interfaces (storage/, speech/polly.ts,
 * telegram/client.ts, inline/links.ts); bot.ts, commands/, inline/ and voice/ know only this module.
 * Types only, and none from an implementation: anything may import it without making a cycle.
 */
import type { Readable } from 'node:stream';
import type { ApiMethods, Document, Message, Opts, Update } from '@grammyjs/types';
import type { Outcome, Trace } from './facts.ts';

/** Bot API methods as @grammyjs/types describes them; files always travel through `upload`. */
type Methods = ApiMethods<never>;
export type MethodName = keyof Methods;
export type Params<M extends MethodName> = Opts<never>[M];
export type Result<M extends MethodName> = ReturnType<Methods[M]>;

/**
 * An answer that is one Bot API call, handed to the door instead of made: the webhook's door puts it
 * in its HTTP answer for Telegram to make (no round trip of ours, and no result, not even whether it
 * worked); a door without such an answer makes the call itself.
 */
export interface ReplyCall<M extends MethodName = MethodName> {
  method: M;
  params: Params<M>;
}

/** The moment by which a job must be done; work that cannot finish by then is cut off (deadline.ts). */
export interface Deadline {
  /** Epoch ms. */
  readonly endsAt: number;
  remainingMs(reserveMs?: number): number;
  /** A signal that aborts when only `reserveMs` are left. */
  signal(reserveMs?: number): AbortSignal;
  /** A signal that aborts at `at` (epoch ms, possibly past the deadline); its timer ends with the request. */
  signalAt(at: number, whyPast?: string): AbortSignal;
}

/** Structured log lines (log.ts). */
export interface Log {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface CallOptions {
  deadline: Deadline;
  /** Milliseconds of the deadline this call must leave for what comes after it. */
  reserveMs?: number;
}

/** A file sent as multipart; `open` is called once per attempt because a stream can be read only once. */
export interface FileUpload {
  field: string;
  filename: string;
  contentType: string;
  open: () => Promise<OpenedAudio>;
}

/**
 * Telegram's Bot API. Fails with a TelegramError (telegram/errors.ts) when Telegram answered
 * `ok: false`, and with a TelegramNetworkError when the call may or may not have happened.
 */
export interface Messenger {
  /** The bot's @username. */
  username(options: CallOptions): Promise<string>;
  call<M extends MethodName>(method: M, params: Params<M>, options: CallOptions): Promise<Result<M>>;
  upload(method: 'sendVoice' | 'sendDocument', fields: Record<string, unknown>, file: FileUpload, options: CallOptions): Promise<Message>;
  /**
   * A file a user sent, fetched the way the Bot API allows (getFile, then its file path): at most
   * `maxBytes`, or a FileTooBigError (telegram/errors.ts) without reading further.
   */
  download(fileId: string, maxBytes: number, options: CallOptions): Promise<Uint8Array>;
}

/** An update as the ledger sees it: a message counts towards its chat's minute, a button tap does not. */
export type LedgerEntry = { updateId: number; kind: 'callback' } | MessageEntry;
export type MessageEntry = { updateId: number; kind: 'message'; chatId: number; date: number };

/**
 * An update taken by one attempt until `until` (epoch ms): by then that attempt has answered or
 * stopped working. `token` is the implementation's proof of ownership (S3: the record's ETag).
 */
export interface Lease {
  /** 1 for the first attempt; each takeover of an expired lease adds one. */
  attempt: number;
  /** True when an earlier attempt's lease had expired and this one took the update over. */
  takenOver: boolean;
  until: number;
  token: string;
}

/**
 * What claiming an update found: it is ours now, another attempt holds a live lease, it was answered,
 * or it waits in the job queue for the worker (only the worker's claim takes it then).
 */
export type Claim =
  | { status: 'claimed'; lease: Lease }
  | { status: 'leased'; attempt?: number; until?: number }
  | { status: 'done'; attempt?: number }
  | { status: 'queued'; attempt?: number };

/** Who claims: a door that first meets an update, or the worker that takes it out of the job queue. */
export interface ClaimOptions {
  /** Take an update handed to the job queue (the worker's claim); any other claim leaves it alone. */
  fromQueue?: boolean;
}

/**
 * Which updates have been taken and answered, shared by every container: the gate for exactly-once
 * answers and the per-chat rate limit. How entries are keyed is the implementation's business.
 */
export interface UpdateLedger {
  /**
   * Takes the update until `until` (epoch ms) when nobody has, or when the last attempt's lease
   * expired without "done" (atomically: one winner per expiry). Concurrent callers get `leased`.
   */
  claim(entry: LedgerEntry, until: number, signal?: AbortSignal, options?: ClaimOptions): Promise<Claim>;
  /** Records the update as answered; false when the lease had expired and another attempt took it over. */
  complete(entry: LedgerEntry, lease: Lease, signal?: AbortSignal): Promise<boolean>;
  /**
   * Gives the lease up to the job queue: the update is neither answered nor free, and only the
   * worker's claim takes it (redeliveries stay silent). False when the lease had been taken over.
   */
  handOff(entry: LedgerEntry, lease: Lease, signal?: AbortSignal): Promise<boolean>;
  /**
   * How many messages of the entry's chat were claimed in the minute of its `date` (Unix seconds, the
   * message's own date), the entry itself counted once whether or not its claim has landed yet: so the
   * count may run alongside the claim.
   */
  countInMinute(entry: MessageEntry, signal?: AbortSignal): Promise<number>;
  /** True only the first time a chat outside the allowlist is turned away. */
  claimRefusal(chatId: number, signal?: AbortSignal): Promise<boolean>;
}

/** What a piece of audio says and how: the same identity is the same file. */
export interface SpeechIdentity {
  engine: string;
  voice: string;
  text: string;
  /** Reading speed in percent; undefined (or 100) is the voice's own. */
  speed?: number;
}

export interface StoredAudio {
  key: string;
  bytes: number;
}

export interface CachedAudio extends StoredAudio {
  durationSeconds: number;
}

export interface OpenedAudio {
  stream: Readable;
  bytes: number;
}

/** Voices made earlier, kept where Telegram can fetch them. */
export interface AudioStore {
  /** The key a voice of this identity is stored under; the text never appears in it. */
  keyFor(identity: SpeechIdentity): string;
  /** Audio stored earlier, with its size and duration; undefined when there is none (or it is not ours). */
  find(key: string, signal?: AbortSignal): Promise<CachedAudio | undefined>;
  /** Streams audio in as it arrives. */
  save(key: string, audio: AsyncIterable<Uint8Array>, signal?: AbortSignal): Promise<StoredAudio>;
  /** A short-lived URL Telegram can fetch the voice from. */
  temporaryUrl(key: string): Promise<string>;
  open(key: string, signal?: AbortSignal): Promise<OpenedAudio>;
}

/** What a chat chose; what it did not choose is absent. */
export interface ChatSettings {
  /** Polly voice id chosen with /voice; used for texts in that voice's language. */
  voice?: string;
  /** Reading speed in percent chosen with /speed (50–200); absent: the voice's own. */
  speed?: number;
}

export interface SettingsStore {
  get(chatId: number, signal?: AbortSignal): Promise<ChatSettings>;
  /**
   * Changes some of a chat's settings and keeps the others, as stored now (not as this container
   * remembers them); a setting changed to undefined is removed. Returns the chat's settings after.
   */
  update(chatId: number, change: SettingsChange, signal?: AbortSignal): Promise<ChatSettings>;
}

/** Settings to change: a value sets one, undefined removes it, and one not named is kept. */
export type SettingsChange = { [K in keyof ChatSettings]?: ChatSettings[K] | undefined };

export interface SpeechRequest {
  /** The text itself, never markup: what is billed. */
  text: string;
  voice: string;
  engine: 'neural' | 'standard';
  /** Reading speed in percent; undefined (or 100) is the voice's own. */
  speed?: number;
  signal?: AbortSignal;
}

/** Text to Ogg Opus audio (Telegram's voice format), as a stream. */
export interface Synthesizer {
  synthesize(request: SpeechRequest): Promise<Readable>;
}

/** The day's count of characters sent to Polly, shared by every container: the daily spend cap. */
export interface CharacterBudget {
  /**
   * Adds `characters` to the count of `day` (YYYY-MM-DD, UTC) only if the sum stays within `limit`,
   * atomically across containers. Called before Polly is, so what it grants is what may be spent.
   */
  reserve(day: string, characters: number, limit: number, signal?: AbortSignal): Promise<BudgetReservation>;
}

export interface BudgetReservation {
  granted: boolean;
  /** The day's count after this call: with the reservation when granted, as found when not. */
  used: number;
}

/**
 * What a signed inline voice URL promises to read, for whom, and until when. The voice is not in it:
 * it is the user's own /voice choice, read when the result is chosen, so a keystroke reads nothing.
 */
export interface VoiceLink {
  text: string;
  /** The text's language as told when the result was made (for its title); undefined when it could not be told. */
  language?: string;
  /** The Telegram user the inline answer was made for: their rate limit pays for the synthesis. */
  userId: number;
  /** The inline query's update_id: one chosen result is counted once, however often Telegram fetches it. */
  updateId: number;
  /** Unix seconds after which the URL is refused. */
  expires: number;
}

export type VoiceLinkCheck = { ok: true; link: VoiceLink } | { ok: false; reason: string };

/** Signs inline results' voice URLs and checks them when fetched. */
export interface VoiceLinkSigner {
  sign(link: Omit<VoiceLink, 'expires'>): string;
  verify(query: Record<string, string | undefined> | null | undefined): VoiceLinkCheck;
}

/** A job the webhook could not finish (Polly throttled, or out of time), for the worker: the update itself. */
export interface QueuedJob {
  update: Update;
}

/** The job queue (SQS): the webhook hands jobs over; the worker's door hands the throttled ones back for a while. */
export interface JobQueue {
  enqueue(job: QueuedJob, signal?: AbortSignal): Promise<void>;
  /** Hides a received job for `seconds` before it is received again (its receipt handle names it). */
  retryLater(receiptHandle: string, seconds: number): Promise<void>;
}

/**
 * How far the reading of one document got, kept so that a worker that dies or runs out of time
 * resumes where it stopped: its voice and speed are fixed at the start, its characters paid for once,
 * and each of its voices sent once. Never its text (privacy.md).
 */
export interface DocumentProgress {
  /** Characters of the text, paid for whole (with DAILY_CHARACTER_BUDGET) when the record was first written. */
  characters: number;
  voice: string;
  engine: 'neural' | 'standard';
  language?: string;
  /** Percent; absent: the voice's own. */
  speed?: number;
  /** Polly requests the text is read in. */
  parts: number;
  /** The parts stored so far, in order: each one's size and length (to group them into voices). */
  stored: StoredPart[];
  /** The message that shows how far the reading is, edited as parts are stored. */
  statusMessageId?: number;
  /** Voices delivered so far, in order. */
  voicesSent: number;
}

export interface StoredPart {
  bytes: number;
  seconds: number;
}

/** Where each document's progress is kept, by its update's id. */
export interface DocumentProgressStore {
  read(updateId: number, signal?: AbortSignal): Promise<DocumentProgress | undefined>;
  write(updateId: number, progress: DocumentProgress, signal?: AbortSignal): Promise<void>;
}

/** The formats read aloud: plain text, Markdown read without its markup, EPUB books and PDFs. */
export type DocumentFormat = 'text' | 'markdown' | 'epub' | 'pdf';

/**
 * Reads a document aloud, in the worker only (the webhook bundle carries no decoding): `message` is
 * the one answered (the document itself, or a `/say` that replies to it).
 */
export type DocumentReader = (ctx: UpdateContext, message: Message, document: Document, format: DocumentFormat) => Promise<Outcome>;

/** What a container remembers, most recent first out (cache.ts). */
export interface Memory<K, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): void;
  delete(key: K): void;
}

/** The settings the bot's handlers read (config.ts reads them, with those of the door, once per container). */
export interface BotConfig {
  /** VOICE_NAME: the default voice. */
  voice: string;
  startMessage: string;
  /** Longest text read aloud, in characters. */
  maxTextLength: number;
  /** Voices (and other replies) per chat per minute; 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** Chats the bot serves; undefined serves everyone. */
  allowedChatIds?: ReadonlySet<number>;
  /** Most characters sent to Polly per UTC day, across all chats and containers; undefined: no cap. */
  dailyCharacterBudget?: number;
  /** Longest document read aloud, in characters (as billed, after normalizing). */
  maxDocumentCharacters: number;
  /** The FunctionName dimension of the metrics: the Lambda function's name, or voicebot-local elsewhere. */
  functionName: string;
}

/** What lives as long as the container: configuration, the ports, and what the container remembers. */
export interface BotDeps {
  config: BotConfig;
  telegram: Messenger;
  synthesizer: Synthesizer;
  audioStore: AudioStore;
  settings: SettingsStore;
  ledger: UpdateLedger;
  /** Consulted only when DAILY_CHARACTER_BUDGET is set. */
  budget: CharacterBudget;
  documents: DocumentProgressStore;
  /** Telegram file_ids of voices already sent, by audio key: sent again without download or upload. */
  fileIds: Memory<string, string>;
  log: Log;
  /** Signs inline results' voice URLs; absent where the API's public URL is unknown (inline mode then answers nothing). */
  voiceLinks?: VoiceLinkSigner;
  /** Where what cannot be finished now waits (JOB_QUEUE_URL); absent: it is answered with an apology. */
  jobQueue?: JobQueue;
}

/** What one job (an update, a fetched inline voice) is run with. */
export interface UpdateContext extends BotDeps {
  deadline: Deadline;
  trace: Trace;
  /** Keeps a voice that cannot be made now for later (voice/later.ts); absent: the user gets the apology. */
  later?: { hold(ctx: UpdateContext, message: Message): Promise<void> };
  /** Reads documents aloud: the worker's door has one; elsewhere a document waits for the worker (ctx.later). */
  readDocument?: DocumentReader;
}
