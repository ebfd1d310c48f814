/** Bot API failures in Telegram's words: {ok:false, error_code, description, parameters?}. */
export interface TelegramFailure {
  error_code: number;
  description: string;
  retry_after?: number;
}

export class TelegramApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly retryAfter?: number,
  ) {
    super(description);
  }

  static from({ error_code, description, retry_after }: TelegramFailure): TelegramApiError {
    return new TelegramApiError(error_code, description, retry_after);
  }

  toJSON(): object {
    return {
      ok: false,
      error_code: this.errorCode,
      description: this.description,
      ...(this.retryAfter === undefined ? {} : { parameters: { retry_after: this.retryAfter } }),
    };
  }
}

const badRequest = (what: string) => new TelegramApiError(400, `Bad Request: ${what}`);

/** Descriptions as Telegram words them; the ones marked unconfirmed were not found verbatim. */
export const telegramErrors = {
  unauthorized: () => new TelegramApiError(401, 'Unauthorized'),
  notFound: () => new TelegramApiError(404, 'Not Found'),
  tooManyRequests: (retryAfter: number) => new TelegramApiError(429, `Too Many Requests: retry after ${retryAfter}`, retryAfter),
  webhookActive: () => new TelegramApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"),
  requestTooLarge: () => new TelegramApiError(413, 'Request Entity Too Large'),
  chatNotFound: () => badRequest('chat not found'),
  textEmpty: () => badRequest('message text is empty'),
  textTooLong: () => badRequest('message is too long'),
  replyNotFound: () => badRequest('message to be replied not found'),
  unsupportedParseMode: (mode: string) => badRequest(`unsupported parse_mode ${mode}`), // unconfirmed wording
  wrongAction: () => badRequest('wrong parameter action in request'),
  voiceForbidden: () => badRequest('VOICE_MESSAGES_FORBIDDEN'),
  missing: (parameter: string) => badRequest(`${parameter} is empty`),
  wrongFileId: () => badRequest('wrong file identifier/HTTP URL specified'),
  fileTooBig: () => badRequest('file is too big'),
  captionTooLong: () => badRequest('message caption is too long'),
  urlUnreachable: () => badRequest('failed to get HTTP URL content'),
  wrongContentType: () => badRequest('wrong type of the web page content'),
  notOggOpus: () => badRequest('wrong type of the web page content'), // unconfirmed for audio/ogg that is not Opus
  badSecretToken: () => badRequest('secret token contains unallowed characters'), // unconfirmed wording
  badMaxConnections: () => badRequest('max_connections must be between 1 and 100'), // unconfirmed wording
  badWebhookUrl: () => badRequest('bad webhook: An HTTPS URL must be provided for webhook'), // relaxed: http is accepted
  messageNotFound: () => badRequest('message to edit not found'),
  reactionMessageNotFound: () => badRequest('message to react not found'), // unconfirmed wording
  reactionInvalid: () => badRequest('REACTION_INVALID'),
  noTextToEdit: () => badRequest('there is no text in the message to edit'),
  notModified: () => badRequest('message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message'),
  queryTooOld: () => badRequest('query is too old and response timeout expired or query ID is invalid'),
  badLimit: (parameter: string) => badRequest(`wrong parameter ${parameter}`), // unconfirmed wording
};
