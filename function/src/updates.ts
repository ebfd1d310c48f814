import { createHash, timingSafeEqual } from 'node:crypto';
import type { CallbackQuery, Document, InlineQuery, Message, Update } from '@grammyjs/types';

/**
 * The webhook's door and its sorting office: who may come in, and what an update asks for.
 * Knows the Bot API's update shapes, but nothing about API Gateway or about how we answer.
 */

/** Constant-time comparison; hashing first hides the expected secret's length too. */
export function isValidSecret(received: string | undefined, expected: string): boolean {
  if (received === undefined || !expected) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(received), digest(expected));
}

export class MalformedUpdateError extends Error {
  override name = 'MalformedUpdateError';
}

/** Decodes a webhook body into an Update; API Gateway may hand it over base64-encoded. */
export function decodeUpdate(body: string | null | undefined, isBase64Encoded = false): Update {
  if (!body) throw new MalformedUpdateError('empty body');
  const text = isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new MalformedUpdateError('body is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new MalformedUpdateError('body is not a JSON object');
  const { update_id: updateId } = parsed as { update_id?: unknown };
  if (!Number.isSafeInteger(updateId)) throw new MalformedUpdateError('update_id is missing or not an integer');
  return parsed as Update;
}

/** A bot command as Telegram writes it: `/name`, `/name@bot`, `/name arguments`. */
export interface Command {
  name: string;
  /** The bot the command is addressed to, when the sender wrote `/name@bot`. */
  botUsername?: string;
  args: string;
}

/** What an update asks of us. */
export type Intent =
  | { kind: 'command'; message: Message; command: Command }
  | { kind: 'speak'; message: Message; text: string }
  /** A document to read aloud: sent in a private chat, or asked for with `/say` (its caption, or a reply to it). */
  | { kind: 'document'; message: Message; document: Document; command?: Command }
  | { kind: 'callback'; query: CallbackQuery & { data: string; message: Message } }
  | { kind: 'not-text'; message: Message }
  | { kind: 'inline'; query: InlineQuery }
  | { kind: 'ignore'; reason: string };

const COMMAND = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{3,32}))?(?:\s+([\s\S]*))?$/;

export function parseCommand(text: string): Command | undefined {
  const match = COMMAND.exec(text.trim());
  if (!match) return undefined;
  const [, name, botUsername, args] = match;
  return { name: name!.toLowerCase(), ...(botUsername && { botUsername }), args: args?.trim() ?? '' };
}

/**
 * Sorts an update into one intent; everything we do not serve is ignored on purpose, with a reason.
 * In private chats any text or document is read aloud. In groups the bot speaks only when asked with
 * /say: a photo or video caption is read only when it starts with /say, and a document when its
 * caption is a bare /say or a bare /say replies to it.
 */
export function classifyUpdate(update: Update): Intent {
  const inline = update.inline_query;
  if (inline) return typeof inline.query === 'string' && typeof inline.from?.id === 'number' ? { kind: 'inline', query: inline } : { kind: 'ignore', reason: 'malformed inline query' };
  const query = update.callback_query;
  if (query) {
    if (typeof query.data !== 'string' || !query.message) return { kind: 'ignore', reason: 'callback query without data or message' };
    if (!hasChatId(query.message)) return { kind: 'ignore', reason: 'callback query without chat' };
    return { kind: 'callback', query: query as CallbackQuery & { data: string; message: Message } };
  }
  const message = update.message;
  if (!message) {
    const kind = Object.keys(update).find((key) => key !== 'update_id') ?? 'empty';
    return { kind: 'ignore', reason: `unsupported update: ${kind}` };
  }
  if (!hasChatId(message)) return { kind: 'ignore', reason: 'message without chat' };
  if (message.from?.is_bot) return { kind: 'ignore', reason: 'message from a bot' };
  // What a user sent with `@bot …` (ours included) is their message to others, not a request to us.
  if (message.via_bot) return { kind: 'ignore', reason: 'sent via an inline bot' };
  const isPrivate = message.chat.type === 'private';
  const text = typeof message.text === 'string' ? message.text : undefined;
  const caption = typeof message.caption === 'string' ? message.caption : undefined;
  const command = parseCommand(text ?? caption ?? '');
  // A bare /say reads the document it captions or replies to; with words after it, it reads those.
  const document = command?.name === 'say' && !command.args ? (message.document ?? message.reply_to_message?.document) : undefined;
  if (command && document) return { kind: 'document', message, document, command };
  if (command && (text !== undefined || command.name === 'say')) return { kind: 'command', message, command };
  if (message.document && isPrivate) return { kind: 'document', message, document: message.document };
  if (text === undefined) return isPrivate ? { kind: 'not-text', message } : { kind: 'ignore', reason: 'group message without /say' };
  if (!isPrivate) return { kind: 'ignore', reason: 'group message without /say' };
  return { kind: 'speak', message, text };
}

/** The chat id keys a chat's settings and ledger in storage: only an integer may become part of a key. */
function hasChatId(message: Message): boolean {
  return Number.isSafeInteger(message.chat?.id);
}
