import type { CallbackQuery, InlineKeyboardButton, Message } from '@grammyjs/types';
import type { UpdateContext } from '../context.ts';
import { DEADLINE_RESERVE_MS, MAX_SPEED_PERCENT, MIN_SPEED_PERCENT, NORMAL_SPEED_PERCENT } from '../constants.ts';
import type { Outcome } from '../facts.ts';
import { MESSAGES } from '../messages.ts';
import { replyText } from '../replies.ts';
import { isNormalSpeed, isValidSpeed } from '../speech/ssml.ts';
import type { Command } from '../updates.ts';
import { answerTap, buttonRows, sendMenu, updateMenu } from './menu.ts';

/** Callback data of the speed menu's buttons: `speed:<percent>`. */
export const SPEED_CALLBACK_PREFIX = 'speed:';
/** The menu's steps: small ones around normal, where a listener notices 10 %; /speed <n> reaches the rest. */
const MENU_SPEEDS = [75, 90, NORMAL_SPEED_PERCENT, 115, 130, 150];
const MENU_COLUMNS = 3;

/** "150", "150%" or "normal" as a speed; undefined for anything else, out of range included. */
export function parseSpeed(argument: string): number | undefined {
  const word = argument.trim().toLowerCase();
  if (word === 'normal') return NORMAL_SPEED_PERCENT;
  const match = /^(\d{1,4})\s*%?$/.exec(word);
  const speed = match ? Number(match[1]) : undefined;
  return isValidSpeed(speed) ? speed : undefined;
}

/** /speed shows the steps as buttons; /speed <percent> (50–200, or "normal") sets any speed directly. */
export async function speed(ctx: UpdateContext, message: Message, command: Command): Promise<Outcome> {
  const chatId = message.chat.id;
  if (command.args) {
    const wanted = parseSpeed(command.args.split(/\s+/)[0]!);
    // Refused before anything is stored: the chat keeps the speed it had.
    await replyText(ctx, message, wanted === undefined ? MESSAGES.speedInvalid(MIN_SPEED_PERCENT, MAX_SPEED_PERCENT) : await choose(ctx, chatId, wanted));
    return 'text_sent';
  }
  const { speed: current } = await ctx.settings.get(chatId, ctx.deadline.signal(DEADLINE_RESERVE_MS));
  await sendMenu(ctx, chatId, MESSAGES.speedMenu(speedName(current)), menuRows(current));
  return 'text_sent';
}

/** A tap on the speed menu: store the speed, confirm it in the button's toast, and update the menu (its "Now:" line and tick). */
export async function speedButton(ctx: UpdateContext, query: CallbackQuery & { data: string; message: Message }): Promise<Outcome> {
  const wanted = parseSpeed(query.data.slice(SPEED_CALLBACK_PREFIX.length));
  if (wanted === undefined) {
    await answerTap(ctx, query);
    return 'ignored';
  }
  await answerTap(ctx, query, await choose(ctx, query.message.chat.id, wanted));
  await updateMenu(ctx, query.message, MESSAGES.speedMenu(speedName(wanted)), menuRows(wanted));
  return 'text_sent';
}

/** Stores a chat's speed, keeping its other settings (normal is stored as no choice), and says what happened. */
async function choose(ctx: UpdateContext, chatId: number, wanted: number): Promise<string> {
  const speed = isNormalSpeed(wanted) ? undefined : wanted;
  await ctx.settings.update(chatId, { speed }, ctx.deadline.signal(DEADLINE_RESERVE_MS));
  return speed === undefined ? MESSAGES.speedNormal : MESSAGES.speedSet(speed);
}

const speedName = (speed: number | undefined) => (isNormalSpeed(speed) ? MESSAGES.speedNormalName : `${speed} %`);

/** The menu's steps, the current speed ticked; a speed set by number and not on the menu ticks nothing. */
function menuRows(current: number | undefined): InlineKeyboardButton[][] {
  const ticked = current ?? NORMAL_SPEED_PERCENT;
  const buttons = MENU_SPEEDS.map((step) => ({
    text: `${step === ticked ? '✓ ' : ''}${isNormalSpeed(step) ? MESSAGES.speedNormalButton : `${step} %`}`,
    callback_data: `${SPEED_CALLBACK_PREFIX}${step}`,
  }));
  return buttonRows(buttons, MENU_COLUMNS);
}
