/** Limits and names the whole function agrees on. Sources: Polly and Bot API documentation. */

/** Polly bills at most this many characters per SynthesizeSpeech request. */
export const POLLY_MAX_CHARACTERS = 3000;
/** Longest text a Telegram message can carry, and so the longest text we accept by default. */
export const TELEGRAM_MAX_TEXT_LENGTH = 4096;
/** Telegram fetches a voice from a URL only up to 1 MB; bigger voices are uploaded. */
export const TELEGRAM_VOICE_URL_MAX_BYTES = 1_000_000;
/** API Gateway REST integrations answer 504 after 29 s; Telegram then redelivers the update. */
export const API_GATEWAY_TIMEOUT_MS = 29_000;
/** Time kept back from the deadline so an apology can still be sent and the answer returned. */
export const DEADLINE_RESERVE_MS = 2_500;
/** Time kept back by the last text of an update, so the handler returns before it is cut off. */
export const FINAL_REPLY_RESERVE_MS = 400;
/** Attempts of one Bot API call: the first, and retries after a 429 whose retry_after fits the time left. */
export const TELEGRAM_MAX_ATTEMPTS = 3;
/** Presigned URLs only need to live until Telegram has fetched the audio. */
export const PRESIGNED_URL_TTL_SECONDS = 300;
/** S3 layout. The lifecycle rule expires `audio/` and `updates/`; `settings/` is kept. */
export const AUDIO_KEY_PREFIX = 'audio/';
export const UPDATE_MARKER_PREFIX = 'updates/';
export const SETTINGS_KEY_PREFIX = 'settings/';
export const AUDIO_CONTENT_TYPE = 'audio/ogg';
export const SECRET_TOKEN_HEADER = 'x-telegram-bot-api-secret-token';

export const DEFAULT_VOICE = 'Maxim';
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 10;
export const DEFAULT_TELEGRAM_API_URL = 'https://api.telegram.org';
export const DEFAULT_START_MESSAGE =
  'Hi! Send me any text and I will answer with a voice message that reads it aloud. Send /help to learn more.';
