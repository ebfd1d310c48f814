import type { Message, Update } from '@grammyjs/types';
import { ahead } from './ahead.ts';
import { help } from './commands/help.ts';
import { answerTap } from './commands/menu.ts';
import { say } from './commands/say.ts';
import { speed, SPEED_CALLBACK_PREFIX, speedButton } from './commands/speed.ts';
import { start } from './commands/start.ts';
import { voice, VOICE_CALLBACK_PREFIX, voiceButton } from './commands/voice.ts';
import { DEADLINE_RESERVE_MS, FINAL_REPLY_RESERVE_MS } from './constants.ts';
import type { BotConfig, BotDeps, Deadline, DocumentReader, LedgerEntry, QueuedJob, ReplyCall, UpdateContext } from './context.ts';
import { readAloud } from './documents/intake.ts';
import type { Outcome } from './facts.ts';
import { answerInline } from './inline/answer.ts';
import { settlingMessenger, silentClaim } from './lease.ts';
import { MESSAGES } from './messages.ts';
import { apologize, replyText, textReply } from './replies.ts';
import { classifyUpdate, type Command, type Intent } from './updates.ts';
import { claimJob, overRateLimit, runJob, type Finished } from './voice/job.ts';
import { backToQueue, toJobQueue, type Later } from './voice/later.ts';
import { prepareSpeech, speak, type PreparedSpeech } from './voice/speak.ts';

/** A command answered under a claim: it speaks, or changes the chat's settings. */
type CommandHandler = (ctx: UpdateContext, message: Message, command: Command) => Promise<Outcome>;
/** A command whose answer is words alone, made from the message and the configuration. */
type CommandWords = (message: Message, config: BotConfig) => ReplyCall;

const COMMANDS: Record<string, CommandHandler> = { say, voice, speed };
const WORDS: Record<string, CommandWords> = { start, help };

/**
 * What became of an update, for the door to answer with: it is dealt with (`done`); its answer is one
 * Bot API call the door is to carry or make (`reply`); or another attempt holds it and may have died
 * with it, so whoever delivered it must come back later (`busy`), best once its lease ends (`until`).
 */
export type BotAnswer = { kind: 'done' } | { kind: 'reply'; call: ReplyCall } | { kind: 'busy'; until?: number };

/** How the door met the update: first (the webhook), or out of the job queue (the worker), its way to keep a voice for later, and its reader of documents. */
interface Door {
  fromQueue?: boolean;
  later?: Later;
  readDocument?: DocumentReader;
}

type Handled = Finished<BotAnswer>;

const DONE: BotAnswer = { kind: 'done' };
const handled = (outcome: Outcome, reason?: string): Handled => ({ outcome, ...(reason && { reason }), result: DONE });

type ActionableIntent = Exclude<Intent, { kind: 'ignore' } | { kind: 'inline' }>;
/** What is answered under a claim: a voice, a settings change, a button tap. */
type ClaimedIntent = Exclude<ActionableIntent, { kind: 'command' } | { kind: 'not-text' }> | { kind: 'command'; message: Message; command: Command; run: CommandHandler };

/** An answer that is one Bot API call made of the update and the configuration alone. */
interface Said {
  outcome: Outcome;
  reason?: string;
  call: ReplyCall;
}

/** Handles one verified update as a job, with its one log line. Never throws: a failure is `done` too, since a redelivery would fail the same way. */
export async function answerUpdate(deps: BotDeps, update: Update, deadline: Deadline): Promise<BotAnswer> {
  const chatId = update.message?.chat?.id ?? update.callback_query?.message?.chat.id;
  const later = deps.jobQueue && toJobQueue(deps.jobQueue, update);
  const { result } = await runJob(deps, { subject: 'update', updateId: update.update_id, chatId }, deadline, (ctx) => handleUpdate(ctx, update, { ...(later && { later }) }));
  return result ?? DONE;
}

/** What the worker's door makes of a queued job: finished (delete it: a document going on in a fresh job is too), or back to the queue for later. */
export type QueuedAnswer = { kind: 'done' } | { kind: 'later'; why: 'throttled' | 'busy'; until?: number };

/** How the worker meets a queued job: its receive of it, whether it is the last one, and how it reads documents. */
export interface QueuedJobOptions {
  receive: number;
  lastReceive: boolean;
  readDocument: DocumentReader;
}

/**
 * Answers a job the webhook queued, as a job of its own with its own log line: the same gates but the
 * rate limit (the webhook counted it), its lease taken from the queue. On its last receive a voice
 * Polly still refuses is apologized for rather than left to the dead-letter queue.
 */
export async function answerQueuedJob(deps: BotDeps, { update }: QueuedJob, deadline: Deadline, { receive, lastReceive, readDocument }: QueuedJobOptions): Promise<QueuedAnswer> {
  const message = update.message;
  const finished = await runJob(deps, { subject: 'job', updateId: update.update_id, chatId: message?.chat.id }, deadline, (ctx) => {
    ctx.trace.note({ receive });
    return handleUpdate(ctx, update, { fromQueue: true, readDocument, ...(!lastReceive && { later: backToQueue }) });
  });
  if (finished.outcome === 'queued') return { kind: 'later', why: 'throttled' };
  if (finished.outcome === 'continued') return { kind: 'done' };
  if (finished.result?.kind === 'busy') return { kind: 'later', why: 'busy', ...(finished.result.until && { until: finished.result.until }) };
  // Answered here (a voice, a short text or the apology): the ✍ the webhook set has done its work.
  if (message && ['voice_sent', 'text_sent', 'failed'].includes(finished.outcome)) {
    await deps.telegram
      .call('setMessageReaction', { chat_id: message.chat.id, message_id: message.message_id, reaction: [] }, { deadline, reserveMs: FINAL_REPLY_RESERVE_MS })
      .catch((error: unknown) => deps.log.warn('queued reaction not removed', { update_id: update.update_id, error }));
  }
  return { kind: 'done' };
}

/**
 * Routes one verified update. Words alone (a keystroke's result, the welcome, the help, a hint) ride
 * the webhook's response with nothing read or called before it: said at most once per delivery
 * (docs/reliability.md). Before anything else is said or synthesized, three gates: the allowlist,
 * exactly-once delivery across containers, and the per-chat rate limit.
 */
async function handleUpdate(ctx: UpdateContext, update: Update, { fromQueue = false, later, readDocument }: Door): Promise<Handled> {
  const intent = classifyUpdate(update);
  if (intent.kind === 'ignore') return handled('ignored', intent.reason);
  // A keystroke costs no synthesis and no ledger write: the signed voice URL is gated when fetched.
  if (intent.kind === 'inline') {
    ctx.trace.note({ user_id: intent.query.from.id });
    return inWebhookResponse(ctx, answerInline(ctx, intent.query, update.update_id));
  }
  // Other bots' commands and group chatter must not be claimed or counted against the chat's limit.
  const notForUs = await notForUsReason(ctx, intent);
  if (notForUs) return handled('ignored', notForUs);
  const message = intent.kind === 'callback' ? intent.query.message : intent.message;
  const chatId = message.chat.id;

  // Before the words: a chat outside the allowlist hears the refusal, once, and never a welcome.
  const { allowedChatIds } = ctx.config;
  if (allowedChatIds && !allowedChatIds.has(chatId)) return refuse(ctx, intent, chatId);

  const route = routeOf(intent, ctx.config);
  if ('said' in route) return inWebhookResponse(ctx, route.said);
  const claimed = route.claimed;

  const signal = ctx.deadline.signal(DEADLINE_RESERVE_MS);
  const entry: LedgerEntry =
    claimed.kind === 'callback' ? { updateId: update.update_id, kind: 'callback' } : { updateId: update.update_id, kind: 'message', chatId, date: message.date };
  // Reads the answer needs run while the claim is on the network; dropped if the update is not ours.
  const early = readAhead(ctx, claimed, entry, signal, fromQueue);
  let admission;
  try {
    admission = await claimJob(ctx, entry, signal, { fromQueue });
  } catch (error) {
    // The ledger is unreachable: nothing can be stored or sent, but the user hears why.
    if (claimed.kind !== 'callback') await apologize(ctx, message);
    throw error;
  }
  if (!admission.ours) {
    const { reason, busy, until } = silentClaim(admission.claim);
    return { outcome: 'ignored', reason, result: busy ? { kind: 'busy', ...(until && { until }) } : DONE };
  }
  const { lease } = admission;
  // Any other answer is one send, marked done the moment it went through; a document's reading sends
  // a status and several voices, and keeps its own record of them (documents/reading.ts).
  const telegram = claimed.kind === 'document' ? ctx.telegram : settlingMessenger(ctx.telegram, lease);
  let answer: Handled | undefined;
  try {
    answer = await gatedDispatch({ ...ctx, telegram, ...(later && { later }), ...(readDocument && { readDocument }) }, claimed, message, early);
    return answer;
  } finally {
    // A job kept for later is handed to the queue, where only the worker's claim takes it. Every other
    // outcome, silent ones and failures included, is final: a redelivery finds it done.
    if (answer?.outcome === 'queued' || answer?.outcome === 'continued') await lease.handOff();
    else await lease.settle();
  }
}

/** An answer for the webhook's response to carry; noted on the line, since no Bot API time shows it. */
function inWebhookResponse(ctx: UpdateContext, { outcome, reason, call }: Said): Handled {
  ctx.trace.note({ delivery: 'webhook_response' });
  return { outcome, ...(reason && { reason }), result: { kind: 'reply', call } };
}

/**
 * Words alone, made of the update and the configuration, or what is answered under a claim. The
 * words (the welcome, the help, and the hints for an unknown command and for a message without text)
 * are harmless said twice, and cost nothing to say: no claim, no count against the rate limit.
 */
function routeOf(intent: ActionableIntent, config: BotConfig): { said: Said } | { claimed: ClaimedIntent } {
  switch (intent.kind) {
    case 'not-text':
      return { said: { outcome: 'text_sent', reason: 'not text', call: textReply(intent.message, MESSAGES.notText, true) } };
    case 'command': {
      const { message, command } = intent;
      const words = own(WORDS, command.name);
      if (words) return { said: { outcome: 'text_sent', reason: `/${command.name}`, call: words(message, config) } };
      const run = own(COMMANDS, command.name);
      if (run) return { claimed: { ...intent, run } };
      return { said: { outcome: 'text_sent', reason: 'unknown command', call: textReply(message, MESSAGES.unknownCommand(command.name), true) } };
    }
    default:
      return { claimed: intent };
  }
}

/** What the answer will need, started before the claim is known to be ours. */
interface ReadAhead {
  /** The chat's messages in this one's minute (the rate limit). */
  count?: Promise<number>;
  speech?: PreparedSpeech;
}

function readAhead(ctx: UpdateContext, intent: ClaimedIntent, entry: LedgerEntry, signal: AbortSignal, fromQueue: boolean): ReadAhead {
  // A message counts towards its chat's limit in the minute of its own date, so a redelivery counts the same.
  // A queued job passed the limit at the webhook; counted again, later messages of its minute would count against it.
  const counted = entry.kind === 'message' && ctx.config.rateLimitPerMinute > 0 && !fromQueue;
  return {
    ...(counted && { count: ahead(ctx.ledger.countInMinute(entry, signal)) }),
    ...(intent.kind === 'speak' && { speech: prepareSpeech(ctx, intent.message, intent.text) }),
  };
}

/** The per-chat rate limit, then the handler. */
async function gatedDispatch(ctx: UpdateContext, intent: ClaimedIntent, message: Message, early: ReadAhead): Promise<Handled> {
  const { rateLimitPerMinute } = ctx.config;
  let over;
  try {
    over = await overRateLimit(ctx, early.count);
  } catch (error) {
    if (intent.kind !== 'callback') await apologize(ctx, message);
    throw error;
  }
  if (over !== undefined) {
    // Said once, on the first message over the limit; the rest of the minute is silent.
    if (over === rateLimitPerMinute + 1) await replyText(ctx, message, MESSAGES.rateLimited(rateLimitPerMinute));
    return handled('ignored', 'rate limited');
  }
  return dispatch(ctx, intent, early);
}

async function dispatch(ctx: UpdateContext, intent: ClaimedIntent, early: ReadAhead): Promise<Handled> {
  switch (intent.kind) {
    case 'callback':
      if (intent.query.data.startsWith(VOICE_CALLBACK_PREFIX)) return handled(await voiceButton(ctx, intent.query), 'voice button');
      if (intent.query.data.startsWith(SPEED_CALLBACK_PREFIX)) return handled(await speedButton(ctx, intent.query), 'speed button');
      // An answer, even an empty one, stops the button's spinner in the user's app.
      await answerTap(ctx, intent.query);
      return handled('ignored', 'unknown callback data');
    case 'speak':
      return handled(await speak(ctx, intent.message, early.speech ?? prepareSpeech(ctx, intent.message, intent.text)));
    case 'command':
      return handled(await intent.run(ctx, intent.message, intent.command), `/${intent.command.name}`);
    case 'document':
      return handled(await readAloud(ctx, intent.message, intent.document), 'document');
  }
}

/** Chats outside the allowlist hear one polite refusal, then silence. */
async function refuse(ctx: UpdateContext, intent: ActionableIntent, chatId: number): Promise<Handled> {
  ctx.trace.note({ refused: 'allowlist' });
  const firstTime = await ctx.ledger.claimRefusal(chatId, ctx.deadline.signal(DEADLINE_RESERVE_MS));
  if (firstTime && intent.kind !== 'callback') await replyText(ctx, intent.message, MESSAGES.notAllowed, false);
  return handled(firstTime ? 'text_sent' : 'ignored', 'chat not allowed');
}

/** Own properties only: "/constructor" must not find Object.prototype.constructor. */
const own = <T>(table: Record<string, T>, name: string): T | undefined => (Object.hasOwn(table, name) ? table[name] : undefined);

/**
 * Why a command is none of our business: addressed to another bot, or unknown in a group. A command
 * that names a bot costs our own username, asked once per container (getMe) and remembered: the one
 * call before a welcome, and only for `/start@name`, which Telegram's apps write where several bots
 * may read it (groups), never for the Start button or a deep link. Welcoming on a guess could mean
 * answering `/start@otherbot`: our bot speaking in a group for another.
 */
async function notForUsReason(ctx: UpdateContext, intent: ActionableIntent): Promise<string | undefined> {
  if (intent.kind !== 'command' && intent.kind !== 'document') return undefined;
  const { command } = intent;
  if (!command) return undefined;
  if (command.botUsername) {
    const me = await ctx.telegram.username({ deadline: ctx.deadline });
    if (me.toLowerCase() !== command.botUsername.toLowerCase()) return 'command for another bot';
  }
  if (!own(COMMANDS, command.name) && !own(WORDS, command.name) && intent.message.chat.type !== 'private') return 'unknown command in a group';
  return undefined;
}
