/**
 * What the command-line tools (dist/webhook.mjs, dist/dev.mjs) share with the function and with each
 * other: its Bot API client, its secret reader, its token and secret rules, and its Logger, so their
 * output is scrubbed of the token and the webhook secret exactly as the function's logs are.
 */
import { BOT_TOKEN, readTelegramApiUrl, SECRET_ARN, WEBHOOK_SECRET } from '../config.ts';
import { Deadline } from '../deadline.ts';
import { Logger } from '../log.ts';
import { credentialStore } from '../secrets.ts';
import type { MethodName, Params, Result } from '../context.ts';
import { TelegramClient } from '../telegram/client.ts';
import { TelegramError, TelegramNetworkError } from '../telegram/errors.ts';

/** Wrong arguments or a missing variable: the tool exits 2 (and shows its usage). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Telegram or AWS refused, or a value is malformed: the tool exits 1 with their own words. */
export class ToolError extends Error {
  override name = 'ToolError';
}

/** Everything that must be fixed before a tool can start, found in one run: each is logged on its own line. */
export class SetupProblems extends ToolError {
  override name = 'SetupProblems';
  constructor(
    tool: string,
    readonly problems: string[],
  ) {
    super(`${tool} cannot start: ${problems.length === 1 ? '1 thing' : `${problems.length} things`} to fix first`);
  }
}

/** Telegram answered `ok: false`; `errorCode` lets a tool tell 401 from 409. */
export class BotApiRefusal extends ToolError {
  override name = 'BotApiRefusal';
  constructor(readonly errorCode: number, message: string) {
    super(message);
  }
}

type Env = Record<string, string | undefined>;

/**
 * Progress and problems go to stderr, results to stdout, both as the function's JSON log lines.
 * Both streams are redacted: call `redact` as soon as a secret is known.
 */
export class ToolOutput {
  readonly log = new Logger('INFO', (line) => process.stderr.write(line));
  readonly result = new Logger('INFO', (line) => process.stdout.write(line));

  redact(...secrets: (string | undefined)[]): void {
    for (const secret of secrets) {
      if (!secret) continue;
      this.log.redact(secret);
      this.result.redact(secret);
    }
  }
}

export interface ToolCredentials {
  botToken: string;
  /** Only `set` needs it; the environment may leave it out for `delete` and `info`. */
  webhookSecret?: string;
}

/** The bot token rule of config.ts; the value itself never goes into a message. */
export function checkBotToken(botToken: string): string {
  if (!BOT_TOKEN.test(botToken)) throw new ToolError('the bot token does not look like a bot token (digits:letters, from @BotFather)');
  return botToken;
}

/**
 * The token and webhook secret: from the Secrets Manager secret named by `secretArn` (read in the
 * ARN's own region, whatever the shell's region is), else from TELEGRAM_BOT_TOKEN and
 * TELEGRAM_WEBHOOK_SECRET, as the function reads them. Both are checked by the function's rules.
 */
export async function readCredentials(secretArn: string | undefined, env: Env, output: ToolOutput): Promise<ToolCredentials> {
  if (secretArn) {
    if (!SECRET_ARN.test(secretArn)) throw new UsageError('--secret-arn / BOT_SECRET_ARN is not a Secrets Manager secret ARN');
    const region = secretArn.split(':')[3]!;
    try {
      const credentials = await credentialStore({ kind: 'secrets-manager', secretArn }, region).current();
      output.redact(credentials.botToken, credentials.webhookSecret);
      return credentials;
    } catch (error) {
      const { name, message } = error as Error;
      throw new ToolError(`cannot read the bot secret from Secrets Manager: ${name}: ${message}`);
    }
  }
  const botToken = env.TELEGRAM_BOT_TOKEN?.trim();
  const webhookSecret = env.TELEGRAM_WEBHOOK_SECRET?.trim() || undefined;
  if (!botToken) throw new UsageError('no credentials: give --secret-arn (or BOT_SECRET_ARN), or TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET');
  output.redact(botToken, webhookSecret);
  checkBotToken(botToken);
  if (webhookSecret !== undefined && !WEBHOOK_SECRET.test(webhookSecret)) throw new ToolError('the webhook secret is not 1-256 characters of A-Z a-z 0-9 _ -');
  return { botToken, ...(webhookSecret && { webhookSecret }) };
}

/** TELEGRAM_API_URL as the function reads it: another Bot API server (the emulator), or Telegram's. */
export function telegramApiUrl(env: Env): string {
  const { url, problem } = readTelegramApiUrl(env);
  if (problem) throw new UsageError(problem);
  return url;
}

/**
 * The function's Telegram client with a tool's patience: each call may take `callMs` (a 429 is
 * retried by the client when its retry_after fits), and failures become ToolErrors in Telegram's words.
 */
export class BotApi {
  private readonly client: TelegramClient;

  constructor(
    readonly apiUrl: string,
    botToken: string,
    private readonly callMs = 60_000,
  ) {
    this.client = new TelegramClient(apiUrl, botToken);
  }

  async call<M extends MethodName>(method: M, params: Params<M>, callMs = this.callMs): Promise<Result<M>> {
    try {
      return await this.client.call(method, params, { deadline: new Deadline(Date.now() + callMs) });
    } catch (error) {
      if (error instanceof TelegramError) throw new BotApiRefusal(error.errorCode, `${error.method} failed: ${error.errorCode} ${error.description}`);
      if (error instanceof TelegramNetworkError) throw new ToolError(`cannot reach the Bot API at ${this.apiUrl}: ${error.message}`);
      throw error;
    }
  }
}

/** Runs a tool's main and sets its exit code: 0 done, 1 refused or failed, 2 bad usage. */
export async function runTool(output: ToolOutput, main: () => Promise<void>, usage?: string): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof UsageError) {
      output.log.error(error.message);
      if (usage) process.stderr.write(`${usage}\n`);
      process.exitCode = 2;
    } else if (error instanceof ToolError) {
      output.log.error(error.message);
      if (error instanceof SetupProblems) for (const problem of error.problems) output.log.error(problem);
      process.exitCode = 1;
    } else {
      output.log.error('unexpected error', { error });
      process.exitCode = 1;
    }
  }
}
