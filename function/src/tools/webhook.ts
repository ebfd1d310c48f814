/**
 * dist/webhook.mjs: registers, removes or shows the bot's Telegram webhook. Terraform's local-exec,
 * the local demo and `make dev` all use it, so webhooks are registered one way.
 *
 *   node dist/webhook.mjs set --url URL [--secret-arn ARN] [--allowed-updates message,callback_query,inline_query]
 *                             [--max-connections N] [--drop-pending-updates]
 *   node dist/webhook.mjs delete [--secret-arn ARN] [--drop-pending-updates]
 *   node dist/webhook.mjs info [--secret-arn ARN]
 *
 * Credentials: the Secrets Manager secret {"bot_token", "webhook_secret"} named by --secret-arn or
 * BOT_SECRET_ARN; otherwise TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET (the local demo has no
 * Secrets Manager). TELEGRAM_API_URL and AWS_ENDPOINT_URL_SECRETS_MANAGER are honoured as by the function.
 * Output: JSON log lines, progress on stderr and the result on stdout, never with the token or secret.
 * Exit codes: 0 done, 1 Telegram or AWS refused, 2 bad usage. The file needs nothing besides Node.
 */
import { parseArgs } from 'node:util';
import { BotApi, readCredentials, runTool, telegramApiUrl, ToolOutput, UsageError } from './cli.ts';
import { deleteWebhook, setWebhook, showWebhook, type SetOptions, type UpdateKind } from './webhook-commands.ts';

const USAGE = `usage:
  webhook.mjs set --url URL [--secret-arn ARN] [--allowed-updates a,b] [--max-connections 1-100] [--drop-pending-updates]
  webhook.mjs delete [--secret-arn ARN] [--drop-pending-updates]
  webhook.mjs info [--secret-arn ARN]`;

type Command = { name: 'help' } | { name: 'set'; set: SetOptions; secretArn?: string } | { name: 'delete' | 'info'; dropPendingUpdates: boolean; secretArn?: string };

function parseCommand(argv: string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        url: { type: 'string' },
        'secret-arn': { type: 'string' },
        'allowed-updates': { type: 'string' },
        'max-connections': { type: 'string' },
        'drop-pending-updates': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { name: 'help' };
  const name = positionals[0];
  if ((name !== 'set' && name !== 'delete' && name !== 'info') || positionals.length !== 1) throw new UsageError('expected one command: set, delete or info');
  const secretArn = values['secret-arn'] ?? process.env.BOT_SECRET_ARN;
  const dropPendingUpdates = values['drop-pending-updates'] ?? false;
  const arn = secretArn ? { secretArn } : {};
  if (name !== 'set') {
    if (values.url || values['allowed-updates'] || values['max-connections']) throw new UsageError(`${name} takes no --url, --allowed-updates or --max-connections`);
    return { name, dropPendingUpdates, ...arn };
  }
  if (!values.url) throw new UsageError('set needs --url');
  if (!URL.canParse(values.url)) throw new UsageError(`--url is not a URL: ${values.url}`);
  const set: SetOptions = { url: values.url, dropPendingUpdates };
  // Telegram itself refuses an unknown update kind, in its own words.
  if (values['allowed-updates'] !== undefined) set.allowedUpdates = values['allowed-updates'].split(',').map((kind) => kind.trim()).filter(Boolean) as UpdateKind[];
  if (values['max-connections'] !== undefined) {
    const n = Number(values['max-connections']);
    if (!Number.isInteger(n) || n < 1 || n > 100) throw new UsageError('--max-connections must be a whole number from 1 to 100');
    set.maxConnections = n;
  }
  return { name, set, ...arn };
}

const output = new ToolOutput();
await runTool(output, main, USAGE);

async function main(): Promise<void> {
  const command = parseCommand(process.argv.slice(2));
  if (command.name === 'help') return void process.stdout.write(`${USAGE}\n`);
  const { botToken, webhookSecret } = await readCredentials(command.secretArn, process.env, output);
  const api = new BotApi(telegramApiUrl(process.env), botToken);
  if (command.name === 'set') await setWebhook(api, webhookSecret, command.set, output);
  else if (command.name === 'delete') await deleteWebhook(api, command.dropPendingUpdates, output);
  else await showWebhook(api, output);
}
