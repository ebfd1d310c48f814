import type { IncomingMessage } from 'node:http';
import { text } from 'node:stream/consumers';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Message } from '@grammyjs/types';
import { TELEGRAM_CONNECT_TIMEOUT_MS, TELEGRAM_IDLE_SOCKET_TIMEOUT_MS, TELEGRAM_MAX_ATTEMPTS } from '../constants.ts';
import type { CallOptions, FileUpload, Messenger, MethodName, Params, Result } from '../context.ts';
import { FileTooBigError, isFileTooBig, TelegramError, TelegramNetworkError } from './errors.ts';
import { multipartBody, type FilePart } from './multipart.ts';
import { KeepAliveTransport, neverConnected } from './transport.ts';

interface BotApiAnswer {
  ok: boolean;
  result?: unknown;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number };
}

/**
 * The Bot API over one keep-alive connection pool (transport.ts). The token lives only in the request
 * path, which never reaches an error message or a log. A 429 is retried after Telegram's `retry_after`
 * when the deadline allows it; nothing else is retried, because a repeated send could deliver a second message.
 */
export class TelegramClient implements Messenger {
  private me: Promise<string> | undefined;
  /** Once per client, so a warm container reuses its connections. */
  private readonly transport: KeepAliveTransport;

  constructor(
    private readonly apiUrl: string,
    private readonly token: string,
  ) {
    this.transport = new KeepAliveTransport(apiUrl, { connectTimeoutMs: TELEGRAM_CONNECT_TIMEOUT_MS, idleTimeoutMs: TELEGRAM_IDLE_SOCKET_TIMEOUT_MS });
  }

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
    const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
    return this.withRetries(method, options, async () => ({ body, headers })) as Promise<Result<M>>;
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

  /**
   * getFile, then the file from `{api}/file/bot<token>/<file_path>`, read until `maxBytes` and no
   * further: the Bot API's own refusal and a file that turns out bigger both end in FileTooBigError.
   */
  async download(fileId: string, maxBytes: number, options: CallOptions): Promise<Uint8Array> {
    let file;
    try {
      file = await this.call('getFile', { file_id: fileId }, options);
    } catch (error) {
      throw isFileTooBig(error) ? new FileTooBigError(`getFile: over the Bot API's download limit`, { cause: error }) : error;
    }
    if (file.file_size !== undefined && file.file_size > maxBytes) throw new FileTooBigError(`the file has ${file.file_size} bytes, more than ${maxBytes}`);
    if (!file.file_path) throw new TelegramError('getFile', 400, 'no file_path in the answer');
    const signal = options.deadline.signal(options.reserveMs);
    let response: IncomingMessage;
    try {
      response = await this.transport.get(`${this.apiUrl}/file/bot${this.token}/${file.file_path}`, signal);
    } catch (error) {
      throw new TelegramNetworkError(`file download: Telegram not reached (${this.reason(error)})`, !neverConnected(error));
    }
    if (response.statusCode !== 200) {
      response.resume();
      throw new TelegramError('file download', response.statusCode ?? 0, `HTTP ${response.statusCode}`);
    }
    const chunks: Buffer[] = [];
    let bytes = 0;
    try {
      for await (const chunk of response as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        if (bytes > maxBytes) throw new FileTooBigError(`the file is longer than ${maxBytes} bytes`);
        chunks.push(chunk);
      }
    } catch (error) {
      response.destroy();
      if (error instanceof FileTooBigError) throw error;
      throw new TelegramNetworkError(`file download: cut off (${this.reason(error)})`);
    }
    return Buffer.concat(chunks);
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
    let response: IncomingMessage;
    try {
      response = await this.transport.post(`${this.apiUrl}/bot${this.token}/${method}`, body, headers, signal);
    } catch (error) {
      throw new TelegramNetworkError(`${method}: Telegram not reached (${this.reason(error)})`, !neverConnected(error));
    }
    const status = response.statusCode ?? 0;
    let answerText: string;
    try {
      answerText = await text(response);
    } catch (error) {
      if (signal.aborted) throw new TelegramNetworkError(`${method}: Telegram's answer did not arrive in time`);
      // The request went out and Telegram began to answer: it may have done what was asked.
      throw new TelegramNetworkError(`${method}: Telegram's answer was cut off (${this.reason(error)})`);
    }
    let answer: BotApiAnswer;
    try {
      answer = JSON.parse(answerText) as BotApiAnswer;
    } catch {
      throw new TelegramError(method, status, `non-JSON answer (HTTP ${status})`);
    }
    if (answer.ok) return answer.result;
    throw new TelegramError(method, answer.error_code ?? status, answer.description ?? 'no description', answer.parameters?.retry_after);
  }

  /** An error's own words (an abort's: its cause's), never the token. */
  private reason(error: unknown): string {
    const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    return reason.replaceAll(this.token, '[REDACTED]');
  }
}
