/**
 * What the bot needs from the world, as ports, and what one update is handled with.
 * The S3, Polly and Telegram implementations sit behind these interfaces (storage/, speech/polly.ts,
 * telegram/client.ts); bot.ts, commands/ and voice/ know only this module. Types only: no
 * implementation is imported here, so anything may import it without making a cycle.
 */
import type { Readable } from 'node:stream';
import type { ApiMethods, Message, Opts } from '@grammyjs/types';
import type { BoundedCache } from './cache.ts';
import type { Config } from './config.ts';
import type { Deadline } from './deadline.ts';
import type { VoiceLinks } from './inline/links.ts';
import type { Logger } from './log.ts';
import type { Outcome, UpdateTrace } from './trace.ts';

/** Bot API methods as @grammyjs/types describes them; files always travel through `upload`. */
type Methods = ApiMethods<never>;
export type MethodName = keyof Methods;
export type Params<M extends MethodName> = Opts<never>[M];
export type Result<M extends MethodName> = ReturnType<Methods[M]>;

/**
 * A Bot API call carried in the webhook's HTTP answer, for Telegram to make when it reads it: no round
 * trip of ours, and no result either, not even whether it worked.
 */
export interface WebhookReply<M extends MethodName = MethodName> {
  method: M;
  params: Params<M>;
}

/** What a command did; when it set `webhookReply`, its answer rides the webhook's response. */
export interface CommandResult {
  outcome: Outcome;
  webhookReply?: WebhookReply;
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

/** What claiming an update found: it is ours now, another attempt holds a live lease, or it was answered. */
export type Claim = { status: 'claimed'; lease: Lease } | { status: 'leased'; attempt?: number; until?: number } | { status: 'done'; attempt?: number };

/**
 * Which updates have been taken and answered, shared by every container: the gate for exactly-once
 * answers and the per-chat rate limit. How entries are keyed is the implementation's business.
 */
export interface UpdateLedger {
  /**
   * Takes the update until `until` (epoch ms) when nobody has, or when the last attempt's lease
   * expired without "done" (atomically: one winner per expiry). Concurrent callers get `leased`.
   */
  claim(entry: LedgerEntry, until: number, signal?: AbortSignal): Promise<Claim>;
  /** Records the update as answered; false when the lease had expired and another attempt took it over. */
  complete(entry: LedgerEntry, lease: Lease, signal?: AbortSignal): Promise<boolean>;
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

/** What a chat chose. */
export interface ChatSettings {
  /** Polly voice id chosen with /voice; used for texts in that voice's language. */
  voice?: string;
}

export interface SettingsStore {
  get(chatId: number, signal?: AbortSignal): Promise<ChatSettings>;
  set(chatId: number, settings: ChatSettings, signal?: AbortSignal): Promise<void>;
}

export interface SpeechRequest {
  text: string;
  voice: string;
  engine: 'neural' | 'standard';
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

/** What lives as long as the container: configuration, the ports, and what the container remembers. */
export interface BotDeps {
  config: Config;
  telegram: Messenger;
  synthesizer: Synthesizer;
  audioStore: AudioStore;
  settings: SettingsStore;
  ledger: UpdateLedger;
  /** Consulted only when DAILY_CHARACTER_BUDGET is set. */
  budget: CharacterBudget;
  /** Telegram file_ids of voices already sent, by audio key: sent again without download or upload. */
  fileIds: BoundedCache<string, string>;
  log: Logger;
  /** Signs inline results' voice URLs; absent where the API's public URL is unknown (inline mode then answers nothing). */
  voiceLinks?: VoiceLinks;
}

/** What one update is handled with. */
export interface UpdateContext extends BotDeps {
  deadline: Deadline;
  trace: UpdateTrace;
}
