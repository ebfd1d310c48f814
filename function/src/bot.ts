import type { PollyClient } from '@aws-sdk/client-polly';
import type { Message, Update } from '@grammyjs/types';
import { help } from './commands/help.ts';
import { say } from './commands/say.ts';
import { speak } from './commands/speak.ts';
import { start } from './commands/start.ts';
import { apologize, replyText } from './commands/text.ts';
import { voice, VOICE_CALLBACK_PREFIX, voiceButton } from './commands/voice.ts';
import type { Config } from './config.ts';
import { DEADLINE_RESERVE_MS, FINAL_REPLY_RESERVE_MS, UPDATE_MARKER_PREFIX } from './constants.ts';
import type { Deadline } from './deadline.ts';
import type { Logger } from './log.ts';
import { MESSAGES } from './messages.ts';
import type { AudioStore } from './storage/audio.ts';
import type { MarkerStore } from './storage/markers.ts';
import type { SettingsStore } from './storage/settings.ts';
import type { TelegramClient } from './telegram/client.ts';
import type { FileIdMemory } from './telegram/file-ids.ts';
import type { Outcome, UpdateTrace } from './trace.ts';
import { classifyUpdate, type Command, type Intent } from './webhook.ts';

/** What lives as long as the container: configuration, clients and what they remember. */
export interface BotDeps {
  config: Config;
  telegram: TelegramClient;
  polly: PollyClient;
  store: AudioStore;
  settings: SettingsStore;
  markers: MarkerStore;
  fileIds: FileIdMemory;
  log: Logger;
}

/** What one update is handled with. */
export interface UpdateContext extends BotDeps {
  deadline: Deadline;
  trace: UpdateTrace;
}

type CommandHandler = (ctx: UpdateContext, message: Message, command: Command) => Promise<Outcome>;

const COMMANDS: Record<string, CommandHandler> = { start, help, say, voice };

export interface Handled {
  outcome: Outcome;
  reason?: string;
}

type ActionableIntent = Exclude<Intent, { kind: 'ignore' }>;

/**
 * Routes one verified update. Before anything is said or synthesized, three gates:
 * the allowlist, exactly-once delivery across containers, and the per-chat rate limit.
 */
export async function handleUpdate(ctx: UpdateContext, update: Update): Promise<Handled> {
  const intent = classifyUpdate(update);
  if (intent.kind === 'ignore') return { outcome: 'ignored', reason: intent.reason };
  // Other bots' commands and group chatter must not be claimed or counted against the chat's limit.
  const notForUs = await notForUsReason(ctx, intent);
  if (notForUs) return { outcome: 'ignored', reason: notForUs };
  const message = intent.kind === 'callback' ? intent.query.message : intent.message;
  const chatId = message.chat.id;

  const { allowedChatIds, rateLimitPerMinute } = ctx.config;
  if (allowedChatIds && !allowedChatIds.has(chatId)) return refuse(ctx, intent, chatId);

  const signal = ctx.deadline.signal(DEADLINE_RESERVE_MS);
  const { key, window } = markerFor(update.update_id, intent, chatId);
  let count = 0;
  try {
    if (!(await ctx.trace.time('s3', ctx.markers.claim(key, signal)))) return { outcome: 'ignored', reason: 'duplicate delivery' };
    if (window && rateLimitPerMinute > 0) count = await ctx.trace.time('s3', ctx.markers.count(window, signal));
  } catch (error) {
    // S3 is unreachable: nothing can be stored or sent, but the user hears why.
    if (intent.kind !== 'callback') await apologize(ctx, message);
    throw error;
  }
  if (count > rateLimitPerMinute) {
    // Said once, on the first message over the limit; the rest of the minute is silent.
    if (count === rateLimitPerMinute + 1) await replyText(ctx, message, MESSAGES.rateLimited(rateLimitPerMinute));
    return { outcome: 'ignored', reason: 'rate limited' };
  }
  return dispatch(ctx, intent);
}

async function dispatch(ctx: UpdateContext, intent: ActionableIntent): Promise<Handled> {
  switch (intent.kind) {
    case 'callback':
      if (intent.query.data.startsWith(VOICE_CALLBACK_PREFIX)) return { outcome: await voiceButton(ctx, intent.query), reason: 'voice button' };
      // An answer, even an empty one, stops the button's spinner in the user's app.
      await ctx.trace.time('telegram', ctx.telegram.call('answerCallbackQuery', { callback_query_id: intent.query.id }, { deadline: ctx.deadline, reserveMs: FINAL_REPLY_RESERVE_MS }));
      return { outcome: 'ignored', reason: 'unknown callback data' };
    case 'not-text':
      await replyText(ctx, intent.message, MESSAGES.notText);
      return { outcome: 'text_sent', reason: 'not text' };
    case 'speak':
      return { outcome: await speak(ctx, intent.message, intent.text) };
    case 'command': {
      const { message, command } = intent;
      const run = commandHandler(command.name);
      if (run) return { outcome: await run(ctx, message, command), reason: `/${command.name}` };
      await replyText(ctx, message, MESSAGES.unknownCommand(command.name));
      return { outcome: 'text_sent', reason: 'unknown command' };
    }
  }
}

/**
 * Markers live under `updates/`, which the lifecycle rule expires. A message's marker sits in a
 * per-chat, per-minute folder taken from the message's own date, so a redelivery finds the same key
 * and counting a folder gives the chat's messages in that minute.
 */
function markerFor(updateId: number, intent: ActionableIntent, chatId: number): { key: string; window?: string } {
  if (intent.kind === 'callback') return { key: `${UPDATE_MARKER_PREFIX}callbacks/${updateId}` };
  const window = `${UPDATE_MARKER_PREFIX}chats/${chatId}/${Math.floor(intent.message.date / 60)}/`;
  return { key: `${window}${updateId}`, window };
}

/** Chats outside the allowlist hear one polite refusal, then silence. */
async function refuse(ctx: UpdateContext, intent: ActionableIntent, chatId: number): Promise<Handled> {
  const firstTime = await ctx.markers.claim(`${UPDATE_MARKER_PREFIX}refused/${chatId}`, ctx.deadline.signal(DEADLINE_RESERVE_MS));
  if (firstTime && intent.kind !== 'callback') await replyText(ctx, intent.message, MESSAGES.notAllowed, false);
  return { outcome: firstTime ? 'text_sent' : 'ignored', reason: 'chat not allowed' };
}

/** Own properties only: "/constructor" must not find Object.prototype.constructor. */
const commandHandler = (name: string) => (Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined);

/** Why a command is none of our business: addressed to another bot, or unknown in a group. */
async function notForUsReason(ctx: UpdateContext, intent: ActionableIntent): Promise<string | undefined> {
  if (intent.kind !== 'command') return undefined;
  const { command, message } = intent;
  if (command.botUsername) {
    const me = await ctx.telegram.username({ deadline: ctx.deadline });
    if (me.toLowerCase() !== command.botUsername.toLowerCase()) return 'command for another bot';
  }
  if (!commandHandler(command.name) && message.chat.type !== 'private') return 'unknown command in a group';
  return undefined;
}
