import { setTimeout as sleep } from 'node:timers/promises';
import type { Message } from '@grammyjs/types';
import { TELEGRAM_MAX_ATTEMPTS } from '../constants.ts';
import type { CallOptions, FileUpload, Messenger, MethodName, Params, Result } from '../context.ts';
import { TelegramError, TelegramNetworkError } from './errors.ts';
import { multipartBody, type FilePart } from './multipart.ts';

interface BotApiAnswer {
  ok: boolean;
  result?: unknown;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number };
}

/**
 * The Bot API over fetch. The token lives only in the request URL, which never reaches an error
 * message or a log. A 429 is retried after Telegram's `retry_after` when the deadline allows it;
 * nothing else is retried, because a repeated send could deliver a second message.
 */
/** Errors of the connection phase: the request never left, so the call did not happen. */
const NEVER_CONNECTED: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

export class TelegramClient implements Messenger {
  private me: Promise<string> | undefined;

  constructor(
    private readonly apiUrl: string,
    private readonly token: string,
  ) {}

  /** The bot's @username, asked once per container and only when a command names a bot. */
  username(options: CallOptions): Promise<string> {
    this.me ??= this.call('getMe', {}, options).then(
      (user) => user.username ?? '',
      (error: unknown) => {
        this.me = undefined;
        throw error;
      },
    );
    return this.me;
  }

  call<M extends MethodName>(method: M, params: Params<M>, options: CallOptions): Promise<Result<M>> {
    const body = JSON.stringify(params);
    return this.withRetries(method, options, async () => ({ body, headers: { 'content-type': 'application/json' } })) as Promise<Result<M>>;
  }

  upload(method: 'sendVoice' | 'sendDocument', fields: Record<string, unknown>, file: FileUpload, options: CallOptions): Promise<Message> {
    const textFields = Object.fromEntries(
      Object.entries(fields)
        .filter(([, value]) => value !== undefined)
        .map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)]),
    );
    return this.withRetries(method, options, async () => {
      const { stream, bytes } = await file.open();
      const part: FilePart = { field: file.field, filename: file.filename, contentType: file.contentType, bytes, stream };
      const multipart = multipartBody(textFields, part);
      return {
        body: multipart.body,
        headers: { 'content-type': multipart.contentType, 'content-length': String(multipart.contentLength) },
        // A failed attempt may leave the file unread, holding its S3 connection.
        release: () => stream.destroy(),
      };
    }) as Promise<Message>;
  }

  private async withRetries(
    method: string,
    { deadline, reserveMs = 0 }: CallOptions,
    request: () => Promise<{ body: string | AsyncIterable<Uint8Array>; headers: Record<string, string>; release?: () => void }>,
  ): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      const prepared = await request();
      try {
        return await this.send(method, prepared, deadline.signal(reserveMs));
      } catch (error) {
        const waitMs = error instanceof TelegramError && error.retryAfterSeconds !== undefined ? error.retryAfterSeconds * 1000 : undefined;
        const fits = waitMs !== undefined && waitMs < deadline.remainingMs(reserveMs) - 1000;
        if (!fits || attempt >= TELEGRAM_MAX_ATTEMPTS) throw error;
        await sleep(waitMs);
      } finally {
        prepared.release?.();
      }
    }
  }

  private async send(
    method: string,
    { body, headers }: { body: string | AsyncIterable<Uint8Array>; headers: Record<string, string> },
    signal: AbortSignal,
  ): Promise<unknown> {
    // Out of time before the call: certainly not sent, unlike a call cut off on the way.
    if (signal.aborted) throw new TelegramNetworkError(`${method}: not sent, the deadline was reached`, false);
    let response: Response;
    try {
      response = await fetch(`${this.apiUrl}/bot${this.token}/${method}`, {
        method: 'POST',
        headers,
        body,
        signal,
        ...(typeof body !== 'string' && { duplex: 'half' }),
      } as RequestInit);
    } catch (error) {
      const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      const code = error instanceof Error ? (error.cause as { code?: unknown } | undefined)?.code : undefined;
      throw new TelegramNetworkError(`${method}: Telegram not reached (${reason.replaceAll(this.token, '[REDACTED]')})`, !NEVER_CONNECTED.has(String(code)));
    }
    let answer: BotApiAnswer;
    try {
      answer = (await response.json()) as BotApiAnswer;
    } catch {
      if (signal.aborted) throw new TelegramNetworkError(`${method}: Telegram's answer did not arrive in time`);
      throw new TelegramError(method, response.status, `non-JSON answer (HTTP ${response.status})`);
    }
    if (answer.ok) return answer.result;
    throw new TelegramError(method, answer.error_code ?? response.status, answer.description ?? 'no description', answer.parameters?.retry_after);
  }
}
