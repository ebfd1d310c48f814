import type { CallbackQuery, InlineKeyboardButton, Message } from '@grammyjs/types';
import type { UpdateContext } from '../context.ts';
import { DEADLINE_RESERVE_MS, DEFAULT_LANGUAGE } from '../constants.ts';
import { MESSAGES } from '../messages.ts';
import { languageFromHint } from '../speech/language.ts';
import { affordable, findVoice, voicesFor, type Voice } from '../speech/voices.ts';
import type { Outcome } from '../facts.ts';
import type { Command } from '../updates.ts';
import { replyText } from '../replies.ts';
import { answerTap, buttonRows, sendMenu, updateMenu } from './menu.ts';

/** Callback data of the voice menu's buttons: `voice:<VoiceId>`, or `voice:auto` to clear the choice. */
export const VOICE_CALLBACK_PREFIX = 'voice:';
const AUTOMATIC = 'auto';
const MENU_COLUMNS = 3;
const MENU_MAX_VOICES = 12;

// Made on first use: most containers never show a voice menu, and Intl objects cost cold-start time.
let languageNames: Intl.DisplayNames | undefined;
export const languageName = (code: string) => (languageNames ??= new Intl.DisplayNames(['en'], { type: 'language' })).of(code) ?? code;

/** A voice the bot can use: in our table and with an engine we pay for. */
function usableVoice(name: string): Voice | undefined {
  const voice = findVoice(name);
  return voice && affordable(voice) ? voice : undefined;
}

/** /voice shows the voices of the chat's language as buttons; /voice <name> (or "auto") sets one directly. */
export async function voice(ctx: UpdateContext, message: Message, command: Command): Promise<Outcome> {
  const chatId = message.chat.id;
  const settings = await ctx.settings.get(chatId, ctx.deadline.signal(DEADLINE_RESERVE_MS));
  const current = settings.voice ? findVoice(settings.voice) : undefined;
  const language = current?.languageCode ?? languageFromHint(message.from?.language_code) ?? findVoice(ctx.config.voice)?.languageCode ?? DEFAULT_LANGUAGE;

  if (command.args) {
    const name = command.args.split(/\s+/)[0]!;
    const text = await choose(ctx, chatId, name, language);
    await replyText(ctx, message, text);
    return 'text_sent';
  }

  await sendMenu(ctx, chatId, MESSAGES.voiceMenu(languageName(language), current?.id ?? MESSAGES.voiceAutomatic), menuRows(language, current?.id));
  return 'text_sent';
}

/** The menu's buttons: the language's voices, then Automatic; the current choice ticked. */
function menuRows(language: string, currentId: string | undefined): InlineKeyboardButton[][] {
  const voices = voicesFor(language).slice(0, MENU_MAX_VOICES);
  const buttons: InlineKeyboardButton[] = voices.map((v) => ({ text: `${v.id === currentId ? '✓ ' : ''}${v.id}`, callback_data: `${VOICE_CALLBACK_PREFIX}${v.id}` }));
  const rows = buttonRows(buttons, MENU_COLUMNS);
  rows.push([{ text: `${currentId ? '' : '✓ '}Automatic`, callback_data: `${VOICE_CALLBACK_PREFIX}${AUTOMATIC}` }]);
  return rows;
}

/** A tap on the voice menu: store the choice, confirm it in the button's own toast, and update the menu (its "Now:" line and tick). */
export async function voiceButton(ctx: UpdateContext, query: CallbackQuery & { data: string; message: Message }): Promise<Outcome> {
  const name = query.data.slice(VOICE_CALLBACK_PREFIX.length);
  const chosen = name.toLowerCase() === AUTOMATIC ? undefined : usableVoice(name);
  const text = await choose(ctx, query.message.chat.id, name, chosen?.languageCode ?? DEFAULT_LANGUAGE);
  await answerTap(ctx, query, text);
  // The menu keeps its language, that of its first voice button; the tick moves to the choice.
  const shown = (query.message.reply_markup?.inline_keyboard.flat() ?? []).map((b) => ('callback_data' in b ? b.callback_data.slice(VOICE_CALLBACK_PREFIX.length) : ''));
  const language = shown.map((id) => findVoice(id)?.languageCode).find(Boolean) ?? chosen?.languageCode;
  if (!language || (!chosen && name.toLowerCase() !== AUTOMATIC)) return 'text_sent';
  await updateMenu(ctx, query.message, MESSAGES.voiceMenu(languageName(language), chosen?.id ?? MESSAGES.voiceAutomatic), menuRows(language, chosen?.id));
  return 'text_sent';
}

/** Stores a chat's voice (or clears it with "auto"), keeping its other settings, and says what happened. */
async function choose(ctx: UpdateContext, chatId: number, name: string, language: string): Promise<string> {
  const signal = ctx.deadline.signal(DEADLINE_RESERVE_MS);
  if (name.toLowerCase() === AUTOMATIC) {
    await ctx.settings.update(chatId, { voice: undefined }, signal);
    return MESSAGES.voiceReset;
  }
  const chosen = usableVoice(name);
  if (!chosen) return MESSAGES.voiceUnknown(name, voicesFor(language).slice(0, 5).map((v) => v.id).join(', '));
  await ctx.settings.update(chatId, { voice: chosen.id }, signal);
  return MESSAGES.voiceSet(chosen.id, languageName(chosen.languageCode));
}
