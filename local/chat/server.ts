/**
 * The demo's chat page: a browser plays the user of one private chat with the bot. The page is
 * plain HTML/CSS/JS from ./page; this server feeds it what happens in the Telegram emulator as
 * server-sent events and turns its clicks into user messages, files sent as documents and button presses.
 * Audio comes through the Bot API's own getFile + file download path, as a Telegram client's would.
 */
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Message, Update } from '@grammyjs/types';
import { briefLine, type LogLine } from '../handler-logs.ts';
import type { ChatAction, ChosenInline, MessageReaction, RecordedCall, SentMessage, TelegramEmulator } from '../telegram/emulator.ts';

export type LogSubscription = (listener: (line: LogLine) => void) => () => void;

export interface ChatPageOptions {
  telegram: TelegramEmulator;
  token: string;
  chatId: number;
  /** The function's log lines, shown in the page's log panel and used to label voices. */
  onLog: LogSubscription;
  /** The bot's @username, for inline mode (`@username text` in the message box). */
  botUsername: string;
  /** The function's RATE_LIMIT_PER_MINUTE, which the page tells the user about. */
  rateLimitPerMinute: number;
  port?: number;
}

export interface ChatPage {
  url: string;
  close(): Promise<void>;
}

/** What the page is told, in order; a page that (re)connects gets the whole history first. */
type PageEvent =
  | { type: 'bot'; username: string; rateLimitPerMinute: number }
  /** inline_update_id: for a voice the user sent by inline mode, the inline query whose log lines name its voice. */
  | { type: 'message'; from: 'user' | 'bot'; update_id?: number; inline_update_id?: number; message: unknown }
  | { type: 'edited'; message: unknown }
  | { type: 'action'; action: string }
  | { type: 'reaction'; message_id: number; emoji: string[] }
  | { type: 'toast'; text: string }
  | { type: 'log'; line: LogLine; brief: string };

const PAGE_DIR = join(import.meta.dirname, 'page');
const STATIC: Record<string, [file: string, type: string]> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/chat.css': ['chat.css', 'text/css; charset=utf-8'],
  '/chat.js': ['chat.js', 'text/javascript; charset=utf-8'],
  '/favicon.ico': ['favicon.svg', 'image/svg+xml'],
};
const MAX_TEXT = 4096;
/** Telegram's inline query limit. */
const MAX_INLINE_QUERY = 256;
const INLINE_QUERY_TOO_LONG = (length: number) =>
  `Inline mode reads at most ${MAX_INLINE_QUERY} characters (Telegram's limit for an inline query); this text has ${length}. Shorten it, or send it to the bot as a message: it reads up to 4096.`;
const MAX_BODY_BYTES = 64 * 1024;
/**
 * A file the page sends as a document: a little over the 20 MB a bot may download (getFile), so that a
 * file just over it can be sent to see the bot refuse it; anything bigger is no use to the demo.
 */
const MAX_DOCUMENT_BYTES = 21 * 1024 * 1024;
const DOCUMENT_TOO_BIG = (bytes: number) => `The demo sends files up to 21 MB (a little over the 20 MB a bot may download); this one is ${(bytes / 1024 / 1024).toFixed(1)} MB.`;

export async function startChatPage({ telegram, token, chatId, onLog, botUsername, rateLimitPerMinute, port = 0 }: ChatPageOptions): Promise<ChatPage> {
  const history: PageEvent[] = [{ type: 'bot', username: botUsername, rateLimitPerMinute }];
  const pages = new Set<ServerResponse>();
  /** Toasts are of the moment: a reloaded page must not show an old one again. */
  const publish = (event: PageEvent) => {
    if (event.type !== 'toast') history.push(event);
    const frame = `data: ${JSON.stringify(event)}\n\n`;
    for (const page of pages) page.write(frame);
  };

  /** The inline query behind each inline result and each message the user sent by choosing one. */
  const inlineUpdateOfQuery = new Map<string, number>();
  const inlineUpdateOfMessage = new Map<number, number>();
  const onChosen = ({ query_id, message }: ChosenInline) => {
    const inlineUpdate = inlineUpdateOfQuery.get(query_id);
    if (inlineUpdate !== undefined) inlineUpdateOfMessage.set(message.message_id, inlineUpdate);
  };
  const onUpdate = (update: Update) => {
    if (update.message?.chat.id !== chatId) return;
    const inlineUpdate = inlineUpdateOfMessage.get(update.message.message_id);
    publish({ type: 'message', from: 'user', update_id: update.update_id, ...(inlineUpdate !== undefined && { inline_update_id: inlineUpdate }), message: update.message });
  };
  const onSent = (sent: SentMessage) => {
    if (sent.chat_id === chatId) publish({ type: 'message', from: 'bot', message: sent.message });
  };
  const onEdited = (message: Message) => {
    if (message.chat.id === chatId) publish({ type: 'edited', message });
  };
  const onAction = (action: ChatAction) => {
    if (action.chat_id === chatId) publish({ type: 'action', action: action.action });
  };
  const onReaction = (reaction: MessageReaction) => {
    if (reaction.chat_id === chatId) publish({ type: 'reaction', message_id: reaction.message_id, emoji: reaction.emoji });
  };
  const onCall = (call: RecordedCall) => {
    if (call.method === 'answerCallbackQuery' && call.status === 200 && call.params.text) publish({ type: 'toast', text: String(call.params.text) });
  };
  telegram.events.on('update', onUpdate).on('chosen', onChosen).on('sent', onSent).on('edited', onEdited).on('action', onAction).on('reaction', onReaction).on('call', onCall);
  const unsubscribe = onLog((line) => publish({ type: 'log', line, brief: briefLine(line) }));

  const api = async (method: string, params: object) => {
    const response = await fetch(`${telegram.url}/bot${token}/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
    return (await response.json()) as { ok: boolean; result?: { file_path?: string }; description?: string };
  };

  /** The bytes of a voice or document, fetched the way a Telegram client does: getFile, then the file path. */
  async function serveFile(fileId: string, response: ServerResponse): Promise<void> {
    const file = await api('getFile', { file_id: fileId });
    if (!file.ok || !file.result?.file_path) return void response.writeHead(404).end(file.description ?? 'no such file');
    const download = await fetch(`${telegram.url}/file/bot${token}/${file.result.file_path}`);
    const bytes = Buffer.from(await download.arrayBuffer());
    response.writeHead(download.status, { 'content-type': download.headers.get('content-type') ?? 'application/octet-stream', 'content-length': bytes.length }).end(bytes);
  }

  function openEvents(response: ServerResponse): void {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    response.write(`data: ${JSON.stringify({ type: 'reset' })}\n\n`);
    for (const event of history) response.write(`data: ${JSON.stringify(event)}\n\n`);
    pages.add(response);
    response.on('close', () => pages.delete(response));
  }

  /** Delivery takes as long as the function runs; the page learns the outcome from the events. */
  function inBackground(work: Promise<unknown>): void {
    work.catch((error: unknown) => publish({ type: 'toast', text: `Not delivered: ${error instanceof Error ? error.message : String(error)}` }));
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const { pathname, searchParams } = new URL(request.url ?? '/', 'http://127.0.0.1');
    const route = `${request.method} ${pathname}`;
    const asset = request.method === 'GET' ? STATIC[pathname] : undefined;
    if (asset) return void response.writeHead(200, { 'content-type': asset[1], 'cache-control': 'no-store' }).end(await readFile(join(PAGE_DIR, asset[0])));
    if (route === 'GET /events') return openEvents(response);
    if (request.method === 'GET' && pathname.startsWith('/file/')) return serveFile(decodeURIComponent(pathname.slice('/file/'.length)), response);
    if (route === 'POST /send') {
      const { text } = (await readJson(request)) as { text?: unknown };
      if (typeof text !== 'string' || text.trim() === '' || [...text].length > MAX_TEXT) return void response.writeHead(400).end(`text must be 1-${MAX_TEXT} characters`);
      inBackground(telegram.sendUserMessage({ chatId, text }));
      return void response.writeHead(202).end();
    }
    if (route === 'POST /send-document') {
      // The raw bytes as the body; the name and type the browser knows, in the query.
      const fileName = searchParams.get('name') ?? '';
      const mimeType = searchParams.get('type') ?? '';
      if (fileName.trim() === '') return void response.writeHead(400).end('name (the file name) is required');
      const { bytes, size } = await readBody(request, MAX_DOCUMENT_BYTES);
      if (!bytes) return void response.writeHead(413).end(DOCUMENT_TOO_BIG(size));
      if (size === 0) return void response.writeHead(400).end('The file is empty: Telegram does not send empty files.');
      inBackground(telegram.sendUserDocument({ chatId, fileName, ...(mimeType && { mimeType }), bytes }));
      return void response.writeHead(202).end();
    }
    if (route === 'POST /press') {
      const { messageId, data } = (await readJson(request)) as { messageId?: unknown; data?: unknown };
      if (typeof messageId !== 'number' || typeof data !== 'string') return void response.writeHead(400).end('messageId (number) and data (string) are required');
      inBackground(telegram.pressButton({ chatId, messageId, data }));
      return void response.writeHead(202).end();
    }
    if (route === 'POST /inline') {
      // Inline mode: the page waits for the bot's results, as a Telegram client shows them while typing.
      const { query } = (await readJson(request)) as { query?: unknown };
      if (typeof query !== 'string') return void response.writeHead(400).end('query (a string) is required');
      if ([...query].length > MAX_INLINE_QUERY) return void response.writeHead(400).end(INLINE_QUERY_TOO_LONG([...query].length));
      const { update, results } = await telegram.typeInline({ fromId: chatId, query });
      inlineUpdateOfQuery.set(update.inline_query!.id, update.update_id);
      return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ queryId: update.inline_query!.id, results: results ?? [] }));
    }
    if (route === 'POST /inline/choose') {
      const { queryId, resultId } = (await readJson(request)) as { queryId?: unknown; resultId?: unknown };
      if (typeof queryId !== 'string' || typeof resultId !== 'string') return void response.writeHead(400).end('queryId and resultId (strings) are required');
      inBackground(telegram.chooseInline({ chatId, queryId, resultId }));
      return void response.writeHead(202).end();
    }
    response.writeHead(404).end('not found');
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(error instanceof SyntaxError ? 400 : 500);
      response.end(error instanceof Error ? error.message : 'failed');
    });
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () =>
      new Promise((resolve) => {
        unsubscribe();
        telegram.events.off('update', onUpdate).off('chosen', onChosen).off('sent', onSent).off('edited', onEdited).off('action', onAction).off('reaction', onReaction).off('call', onCall);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const { bytes } = await readBody(request, MAX_BODY_BYTES);
  if (!bytes) throw new SyntaxError('body too large');
  return JSON.parse(bytes.toString('utf8'));
}

/**
 * A request's body, or no bytes (only its size) when it is over `limit`. The rest of a body that is too
 * big is still read and dropped, so the browser, still sending, gets the answer rather than a reset.
 */
function readBody(request: IncomingMessage, limit: number): Promise<{ bytes?: Buffer; size: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
    });
    request.on('end', () => resolve(size <= limit ? { bytes: Buffer.concat(chunks), size } : { size }));
    request.on('error', reject);
  });
}
