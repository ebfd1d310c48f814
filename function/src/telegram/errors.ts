/** How a Messenger call fails; the voice pipeline tells a definite refusal from a call that may have happened. */

/** Telegram answered `ok: false`. `description` is Telegram's own text, e.g. "Bad Request: chat not found". */
export class TelegramError extends Error {
  override name = 'TelegramError';
  constructor(
    readonly method: string,
    readonly errorCode: number,
    readonly description: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(`${method}: ${errorCode} ${description}`);
  }
}

/** Telegram could not be reached, or the answer did not arrive in time: the call may or may not have happened. */
export class TelegramNetworkError extends Error {
  override name = 'TelegramNetworkError';
  constructor(
    message: string,
    /** False only when no connection was ever made (refused, no such host): then the call certainly did not happen. */
    readonly maybeDelivered = true,
  ) {
    super(message);
  }
}

/** A definite refusal: the call did not happen, so trying another way cannot send a second message. */
export const isBadRequest = (error: unknown): error is TelegramError => error instanceof TelegramError && error.errorCode === 400;

/** The user has turned off voice messages from others (a Premium privacy setting). */
export const isVoiceForbidden = (error: unknown): boolean => isBadRequest(error) && error.description.includes('VOICE_MESSAGES_FORBIDDEN');

/** A file over the most a bot may download: the Bot API refused it (400 "file is too big"), or it was bigger than asked for. */
export class FileTooBigError extends Error {
  override name = 'FileTooBigError';
}

/** The Bot API's refusal of getFile for a file over 20 MB. */
export const isFileTooBig = (error: unknown): boolean => isBadRequest(error) && /file is too big/i.test(error.description);
