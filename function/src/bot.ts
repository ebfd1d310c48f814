import type { Message, Update } from '@grammyjs/types';
import { ahead } from './ahead.ts';
import { help } from './commands/help.ts';
import { say } from './commands/say.ts';
import { start } from './commands/start.ts';
import { voice, VOICE_CALLBACK_PREFIX, voiceButton } from './commands/voice.ts';
import { DEADLINE_RESERVE_MS, FINAL_REPLY_RESERVE_MS } from './constants.ts';
import type { BotDeps, CommandResult, LedgerEntry, UpdateContext, WebhookReply } from './context.ts';
import type { Deadline } from './deadline.ts';
import { answerInline } from './inline/answer.ts';
import { LeaseHolder, leaseUntil, settlingMessenger, silentClaim } from './lease.ts';
import { MESSAGES } from './messages.ts';
import { meteredSynthesizer, withMetrics } from './metrics.ts';
import { apologize, replyText } from './replies.ts';
import { UpdateTrace, type Outcome } from './trace.ts';
import { classifyUpdate, type Command, type Intent } from './updates.ts';
import { prepareSpeech, speak, type PreparedSpeech } from './voice/speak.ts';

type CommandHandler = (ctx: UpdateContext, message: Message, command: Command) => Promise<CommandResult>;

const COMMANDS: Record<string, CommandHandler> = { start, help, say, voice };

interface Handled {
  outcome: Outcome;
  reason?: string;
  /** Another attempt holds a live lease: Telegram must come back, in case that attempt died. */
  retryLater?: boolean;
  /** The answer, left in the webhook's response for Telegram to make. */
  webhookReply?: WebhookReply;
}

/**
 * What the webhook answers: 200 (`answered`), possibly with a Bot API call in its body for Telegram to
 * make, or an error status that makes Telegram redeliver later.
 */
export type Answer = { answer: 'answered'; webhookReply?: WebhookReply } | { answer: 'retry_later' };

type ActionableIntent = Exclude<Intent, { kind: 'ignore' } | { kind: 'inline' }>;

/** Handles one verified update and logs what happened in one line. Never throws: past the door the webhook answers 200 either way. */
export async function answerUpdate(deps: BotDeps, update: Update, deadline: Deadline): Promise<Answer> {
  const trace = new UpdateTrace(update.update_id, update.message?.chat?.id ?? update.callback_query?.message?.chat.id);
  // The line's metrics (metrics.ts) count what reached Polly through this wrapper.
  const line = (outcome: Outcome, reason?: string) => withMetrics(trace.finish(outcome, reason), trace, deps.config.functionName);
  try {
    const { outcome, reason, retryLater, webhookReply } = await handleUpdate({ ...deps, synthesizer: meteredSynthesizer(deps.synthesizer, trace), deadline, trace }, update);
    if (webhookReply) trace.set({ delivery: 'webhook_response' });
    deps.log.info('update handled', line(outcome, reason));
    return retryLater ? { answer: 'retry_later' } : { answer: 'answered', webhookReply };
  } catch (error) {
    deps.log.error('update failed', { ...line('failed'), error });
    return { answer: 'answered' };
  }
}

/**
 * Routes one verified update. Before anything is said or synthesized, three gates:
 * the allowlist, exactly-once delivery across containers, and the per-chat rate limit.
 */
async function handleUpdate(ctx: UpdateContext, update: Update): Promise<Handled> {
  const intent = classifyUpdate(update);
  if (intent.kind === 'ignore') return { outcome: 'ignored', reason: intent.reason };
  // A keystroke costs no synthesis and no ledger write: the signed voice URL is gated when fetched.
  if (intent.kind === 'inline') {
    ctx.trace.set({ user_id: intent.query.from.id });
    return answerInline(ctx, intent.query, update.update_id);
  }
  // Other bots' commands and group chatter must not be claimed or counted against the chat's limit.
  const notForUs = await notForUsReason(ctx, intent);
  if (notForUs) return { outcome: 'ignored', reason: notForUs };
  const message = intent.kind === 'callback' ? intent.query.message : intent.message;
  const chatId = message.chat.id;

  const { allowedChatIds } = ctx.config;
  if (allowedChatIds && !allowedChatIds.has(chatId)) return refuse(ctx, intent, chatId);

  const signal = ctx.deadline.signal(DEADLINE_RESERVE_MS);
  const entry: LedgerEntry =
    intent.kind === 'callback' ? { updateId: update.update_id, kind: 'callback' } : { updateId: update.update_id, kind: 'message', chatId, date: message.date };
  // Reads the answer needs run while the claim is on the network; dropped if the update is not ours.
  const early = readAhead(ctx, intent, entry, signal);
  let claim;
  try {
    claim = await ctx.trace.time('s3', ctx.ledger.claim(entry, leaseUntil(ctx.deadline), signal));
  } catch (error) {
    // The ledger is unreachable: nothing can be stored or sent, but the user hears why.
    if (intent.kind !== 'callback') await apologize(ctx, message);
    throw error;
  }
  if (claim.status !== 'claimed') return { outcome: 'ignored', ...silentClaim(claim) };
  const holder = new LeaseHolder(ctx, entry, claim.lease);
  ctx.trace.set(holder.logFields);
  let handled: Handled | undefined;
  try {
    handled = await gatedDispatch({ ...ctx, telegram: settlingMessenger(ctx.telegram, holder) }, intent, message, early);
    return handled;
  } finally {
    // "done" means Telegram confirmed the answer, and of an answer in the webhook's response we never
    // learn that: its lease is left to expire. Telegram redelivers only when it got no 2xx, so a
    // redelivery means that answer never arrived: one during the lease gets 503, one after it takes the
    // update over and answers again. Every other outcome, silent ones and failures included, is final:
    // the webhook answers 200, Telegram will not come back.
    if (!handled?.webhookReply) await holder.settle();
  }
}

/** What the answer will need, started before the claim is known to be ours. */
interface ReadAhead {
  /** The chat's messages in this one's minute (the rate limit). */
  count?: Promise<number>;
  speech?: PreparedSpeech;
}

function readAhead(ctx: UpdateContext, intent: ActionableIntent, entry: LedgerEntry, signal: AbortSignal): ReadAhead {
  // A message counts towards its chat's limit in the minute of its own date, so a redelivery counts the same.
  // /start is answered without the read: a fixed greeting in the webhook's response needs nothing but the claim.
  const counted = entry.kind === 'message' && ctx.config.rateLimitPerMinute > 0 && !isStart(intent);
  return {
    ...(counted && { count: ahead(ctx.ledger.countInMinute(entry, signal)) }),
    ...(intent.kind === 'speak' && { speech: prepareSpeech(ctx, intent.message, intent.text) }),
  };
}

/** The per-chat rate limit, then the handler. */
async function gatedDispatch(ctx: UpdateContext, intent: ActionableIntent, message: Message, early: ReadAhead): Promise<Handled> {
  const { rateLimitPerMinute } = ctx.config;
  let count = 0;
  try {
    if (early.count) count = await ctx.trace.time('s3', early.count);
  } catch (error) {
    if (intent.kind !== 'callback') await apologize(ctx, message);
    throw error;
  }
  if (count > rateLimitPerMinute) {
    ctx.trace.set({ refused: 'rate_limit' });
    // Said once, on the first message over the limit; the rest of the minute is silent.
    if (count === rateLimitPerMinute + 1) await replyText(ctx, message, MESSAGES.rateLimited(rateLimitPerMinute));
    return { outcome: 'ignored', reason: 'rate limited' };
  }
  return dispatch(ctx, intent, early);
}

async function dispatch(ctx: UpdateContext, intent: ActionableIntent, early: ReadAhead): Promise<Handled> {
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
      return { outcome: await speak(ctx, intent.message, early.speech ?? prepareSpeech(ctx, intent.message, intent.text)) };
    case 'command': {
      const { message, command } = intent;
      const run = commandHandler(command.name);
      if (run) return { ...(await run(ctx, message, command)), reason: `/${command.name}` };
      await replyText(ctx, message, MESSAGES.unknownCommand(command.name));
      return { outcome: 'text_sent', reason: 'unknown command' };
    }
  }
}

const isStart = (intent: ActionableIntent) => intent.kind === 'command' && intent.command.name === 'start';

/** Chats outside the allowlist hear one polite refusal, then silence. */
async function refuse(ctx: UpdateContext, intent: ActionableIntent, chatId: number): Promise<Handled> {
  ctx.trace.set({ refused: 'allowlist' });
  const firstTime = await ctx.ledger.claimRefusal(chatId, ctx.deadline.signal(DEADLINE_RESERVE_MS));
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
