/** Limits and names the whole function agrees on. Sources: Polly and Bot API documentation. */

/** Polly bills at most this many characters per SynthesizeSpeech request. */
export const POLLY_MAX_CHARACTERS = 3000;
/** …and at most this many characters in all, SSML tags and entities included. */
export const POLLY_MAX_TOTAL_CHARACTERS = 6000;
/**
 * Reading speeds a chat may choose, in percent of the voice's own: Polly's prosody rate takes 20–200 %;
 * below half speed words fall apart. 100 is the voice's own speed, sent as plain text without SSML.
 */
export const NORMAL_SPEED_PERCENT = 100;
export const MIN_SPEED_PERCENT = 50;
export const MAX_SPEED_PERCENT = 200;
/** Longest text a Telegram message can carry, and so the longest text we accept by default. */
export const TELEGRAM_MAX_TEXT_LENGTH = 4096;
/** The largest file a bot may download (getFile); the Bot API refuses bigger ones with "file is too big". */
export const TELEGRAM_DOWNLOAD_MAX_BYTES = 20 * 1024 * 1024;
/** The largest voice a bot may upload; a document whose audio is bigger goes out as numbered voices. */
export const TELEGRAM_VOICE_UPLOAD_MAX_BYTES = 50 * 1024 * 1024;
/**
 * The longest document read by default, in characters: 7 Polly requests, $0.32 in a neural voice or
 * $0.08 in a standard one (docs/cost.md), about 20 minutes of speech, read within one worker invocation.
 */
export const DEFAULT_MAX_DOCUMENT_CHARACTERS = 20_000;
/** MAX_DOCUMENT_CHARACTERS's ceiling: 334 Polly requests, $16 in a neural voice, over a dozen worker invocations. */
export const MAX_DOCUMENT_CHARACTERS_LIMIT = 1_000_000;
/**
 * Time a document part needs before the worker starts it: a 3,000-character Polly request, its upload
 * and the progress written, with room to spare. With less left, the reading goes on in a fresh job.
 */
export const DOCUMENT_PART_MIN_MS = 15_000;
/** Least time between two edits of a document's status message: Telegram limits edits in a chat. */
export const DOCUMENT_STATUS_EDIT_INTERVAL_MS = 2_000;
/** Telegram fetches a voice from a URL only up to 1 MB; bigger voices are uploaded. */
export const TELEGRAM_VOICE_URL_MAX_BYTES = 1_000_000;
/** API Gateway REST integrations answer 504 after 29 s; Telegram then redelivers the update. */
export const API_GATEWAY_TIMEOUT_MS = 29_000;
/** Time kept back from the deadline so an apology can still be sent and the answer returned. */
export const DEADLINE_RESERVE_MS = 2_500;
/**
 * Added to an attempt's deadline to make its lease: covers clock skew between containers and a call
 * still in flight when the deadline's abort fires. A redelivery takes over only after it.
 */
export const LEASE_GRACE_MS = 1_000;
/** Time kept back by the last text of an update, so the handler returns before it is cut off. */
export const FINAL_REPLY_RESERVE_MS = 400;
/**
 * Polly attempts (the SDK's retries of a throttled request) when a job queue takes what is left: one
 * retry after the SDK's backoff (~0.1-1 s) clears a lone spike over the burst of 10 and keeps its voice
 * on the fast path; a second throttle means a burst, where every further retry only makes the webhook
 * slower and the throttling worse, so the job goes to the queue, which paces it to the quota.
 */
export const POLLY_MAX_ATTEMPTS_WITH_QUEUE = 2;
/** A throttled job waits in the queue this long times 2^(receives - 1), at most the cap; half of it is random. */
export const JOB_BACKOFF_BASE_SECONDS = 2;
export const JOB_BACKOFF_MAX_SECONDS = 120;
/** What the worker keeps back from its timeout: a job is not started with less left (the rest of the batch comes back at once). */
export const WORKER_JOB_MIN_MS = 5_000;
/** The reaction that tells the user a queued message is being worked on: quiet, stays until the voice comes. */
export const QUEUED_REACTION = '✍';
/** Attempts of one Bot API call: the first, and retries after a 429 whose retry_after fits the time left. */
export const TELEGRAM_MAX_ATTEMPTS = 3;
/**
 * Bound on opening a Bot API connection (DNS, TCP and TLS), as fetch (undici) had: a connect that
 * times out certainly sent nothing, unlike a request cut off by the deadline once it went out.
 */
export const TELEGRAM_CONNECT_TIMEOUT_MS = 10_000;
/**
 * How long a Bot API connection may wait idle for the next call, as fetch (undici) kept it: a send on a
 * socket the server has closed meanwhile fails ambiguously, and after an ambiguous voice send the bot stays silent.
 */
export const TELEGRAM_IDLE_SOCKET_TIMEOUT_MS = 4_000;
/** Presigned URLs only need to live until Telegram has fetched the audio. */
export const PRESIGNED_URL_TTL_SECONDS = 300;
/** How long a container trusts its copy of a chat's settings: another container may have taken its /voice choice. */
export const SETTINGS_CACHE_TTL_MS = 60_000;
/** Attempts at changing a chat's settings when another container keeps writing them first. */
export const SETTINGS_UPDATE_MAX_ATTEMPTS = 5;
/** Chats whose settings a warm container keeps; it may live for hours. */
export const SETTINGS_CACHE_MAX_CHATS = 1000;
/** Telegram file_ids of sent voices a warm container keeps. */
export const FILE_ID_CACHE_SIZE = 1000;
/** Markers listed at most to count a chat's minute: far above any rate limit we count to. */
export const MARKER_COUNT_MAX_KEYS = 1000;
/** Bounds on opening a connection to Polly and on the Secrets Manager fetch, unlike the SDK's unbounded defaults. */
export const POLLY_CONNECTION_TIMEOUT_MS = 3_000;
export const SECRET_FETCH_CONNECTION_TIMEOUT_MS = 3_000;
export const SECRET_FETCH_REQUEST_TIMEOUT_MS = 5_000;
/** Least time between re-reads of the bot secret after a mismatch: rotation is rare, probes are not. */
export const SECRET_REFRESH_INTERVAL_MS = 60_000;
/**
 * Attempts at adding to the day's character count when other containers keep writing it first. Each
 * round has a winner, so this is about the most containers that can ask at once; the deadline cuts it shorter.
 */
export const BUDGET_MAX_ATTEMPTS = 50;
/** Upper bound of the random pause before the next attempt, times the attempt number (up to 5): spreads contenders apart. */
export const BUDGET_RETRY_JITTER_MS = 40;
/** CloudWatch namespace of the metrics in the log lines (docs/metrics.md). */
export const METRICS_NAMESPACE = 'Voicebot';
/** The FunctionName dimension outside Lambda (the demo, tests, make dev). */
export const LOCAL_FUNCTION_NAME = 'voicebot-local';
export const AUDIO_CONTENT_TYPE = 'audio/ogg';
export const SECRET_TOKEN_HEADER = 'x-telegram-bot-api-secret-token';

export const DEFAULT_VOICE = 'Maxim';
/** The voice menu's language when neither the chat's voice, the user's app nor VOICE_NAME tells one. */
export const DEFAULT_LANGUAGE = 'en-US';
export const DEFAULT_LOG_LEVEL = 'INFO';
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 10;
export const DEFAULT_TELEGRAM_API_URL = 'https://api.telegram.org';
export const DEFAULT_START_MESSAGE =
  'Hi! Send me any text and I will answer with a voice message that reads it aloud. Send /help to learn more.';

/** Inline mode. Telegram sends at most 256 characters of inline query text. */
export const INLINE_QUERY_MAX_CHARS = 256;
/** The GET route Telegram fetches an inline result's voice from. */
export const VOICE_ROUTE_PATH = '/voice';
/** A signed voice URL outlives Telegram's caching of the inline answer (INLINE_CACHE_TIME_SECONDS) with room to spare. */
export const VOICE_LINK_TTL_SECONDS = 3600;
/** How long Telegram may reuse an inline answer for the same user and text; short, since /voice may change. */
export const INLINE_CACHE_TIME_SECONDS = 30;
/** What the voice-URL signing key is derived with, from the webhook secret: a key of its own, never the secret itself. */
export const VOICE_LINK_KEY_LABEL = 'inline-voice-url';
