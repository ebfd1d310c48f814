import type { PollyClient } from '@aws-sdk/client-polly';
import type { Message, Update } from '@grammyjs/types';
import { help } from './commands/help.ts';
import { speak } from './commands/speak.ts';
import { start } from './commands/start.ts';
import { replyText } from './commands/text.ts';
import type { Config } from './config.ts';
import type { Deadline } from './deadline.ts';
import type { Logger } from './log.ts';
import { MESSAGES } from './messages.ts';
import type { AudioStore } from './storage/audio.ts';
import type { TelegramClient } from './telegram/client.ts';
import type { Outcome, UpdateTrace } from './trace.ts';
import { classifyUpdate, type Command } from './webhook.ts';

/** What lives as long as the container: configuration and clients. */
export interface BotDeps {
  config: Config;
  telegram: TelegramClient;
  polly: PollyClient;
  store: AudioStore;
  log: Logger;
}

/** What one update is handled with. */
export interface UpdateContext extends BotDeps {
  deadline: Deadline;
  trace: UpdateTrace;
}

type CommandHandler = (ctx: UpdateContext, message: Message, command: Command) => Promise<Outcome>;

const COMMANDS: Record<string, CommandHandler> = { start, help };

export interface Handled {
  outcome: Outcome;
  reason?: string;
}

/** Routes one verified update to the command or speech that answers it. */
export async function handleUpdate(ctx: UpdateContext, update: Update): Promise<Handled> {
  const intent = classifyUpdate(update);
  switch (intent.kind) {
    case 'ignore':
      return { outcome: 'ignored', reason: intent.reason };
    case 'not-text':
      await replyText(ctx, intent.message, MESSAGES.notText);
      return { outcome: 'text_sent', reason: 'not text' };
    case 'speak':
      return { outcome: await speak(ctx, intent.message, intent.text) };
    case 'command': {
      const { message, command } = intent;
      if (command.botUsername && !(await isAddressedToUs(ctx, command.botUsername))) {
        return { outcome: 'ignored', reason: 'command for another bot' };
      }
      const run = COMMANDS[command.name];
      if (run) return { outcome: await run(ctx, message, command), reason: `/${command.name}` };
      await replyText(ctx, message, MESSAGES.unknownCommand(command.name));
      return { outcome: 'text_sent', reason: 'unknown command' };
    }
  }
}

async function isAddressedToUs(ctx: UpdateContext, username: string): Promise<boolean> {
  const me = await ctx.telegram.username({ deadline: ctx.deadline });
  return me.toLowerCase() === username.toLowerCase();
}
