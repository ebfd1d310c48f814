import {
  DEFAULT_LOG_LEVEL,
  DEFAULT_MAX_DOCUMENT_CHARACTERS,
  DEFAULT_RATE_LIMIT_PER_MINUTE,
  DEFAULT_START_MESSAGE,
  DEFAULT_TELEGRAM_API_URL,
  DEFAULT_VOICE,
  LOCAL_FUNCTION_NAME,
  MAX_DOCUMENT_CHARACTERS_LIMIT,
  TELEGRAM_MAX_TEXT_LENGTH,
} from './constants.ts';
import type { BotConfig } from './context.ts';
import { LOG_LEVELS, type LogLevel } from './log.ts';
import { affordable, findVoice } from './speech/voices.ts';

/** Where the bot token and webhook secret come from. */
export type CredentialSource =
  | { kind: 'secrets-manager'; secretArn: string }
  | { kind: 'environment'; botToken: string; webhookSecret: string };

/** The bot's own settings, and what the door needs to build the ports and clients. */
export interface Config extends BotConfig {
  bucket: string;
  /** JOB_QUEUE_URL: the SQS queue that takes what the webhook cannot finish; undefined: no queue. */
  jobQueueUrl?: string;
  /** JOB_MAX_RECEIVES: the queue's maxReceiveCount; on that receive a throttled job is answered, not left to the dead-letter queue. */
  jobMaxReceives?: number;
  region: string;
  telegramApiUrl: string;
  s3ForcePathStyle: boolean;
  logLevel: LogLevel;
  credentials: CredentialSource;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html (the common subset)
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const VOICE_ID = /^[A-Z][A-Za-z]{1,31}$/;
export const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;
/** Bot API tokens look like `123456789:AAH...`. */
export const BOT_TOKEN = /^\d+:[A-Za-z0-9_-]{20,}$/;
/** setWebhook's secret_token: 1-256 characters of A-Z, a-z, 0-9, _ and -. */
export const WEBHOOK_SECRET = /^[A-Za-z0-9_-]{1,256}$/;

/**
 * Reads and validates the configuration once, at cold start. Every problem found is reported
 * in one error that names the variables, so a misconfigured deployment fails loudly and clearly.
 */
export function readConfig(env: Env): Config {
  const problems: string[] = [];
  const value = (name: string) => env[name]?.trim() || undefined;
  const check = (name: string, pattern: RegExp, what: string, fallback?: string) => {
    const v = value(name) ?? fallback;
    if (v === undefined) problems.push(`${name} is required (${what})`);
    else if (!pattern.test(v)) problems.push(`${name} is not ${what}`);
    return v ?? '';
  };
  const integer = (name: string, min: number, max: number, fallback: number) => {
    const v = value(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) problems.push(`${name} must be a whole number from ${min} to ${max}`);
    return n;
  };

  const bucket = check('S3_BUCKET_NAME', BUCKET_NAME, 'a valid S3 bucket name');
  const region = check('AWS_REGION', /^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region such as eu-west-1');
  const voiceName = check('VOICE_NAME', VOICE_ID, 'a Polly voice id such as Maxim or Joanna', DEFAULT_VOICE);
  const voice = findVoice(voiceName);
  if (voiceName && VOICE_ID.test(voiceName) && !(voice && affordable(voice))) {
    problems.push(`VOICE_NAME ${voiceName} is not a standard or neural Polly voice (see function/src/speech/voices.json; refresh it with scripts/refresh-voices.mjs)`);
  }
  const { url: telegramApiUrl, problem: telegramApiUrlProblem } = readTelegramApiUrl(env);
  if (telegramApiUrlProblem) problems.push(telegramApiUrlProblem);

  const pathStyle = value('S3_FORCE_PATH_STYLE') ?? 'false';
  if (pathStyle !== 'true' && pathStyle !== 'false') problems.push('S3_FORCE_PATH_STYLE must be true or false');

  const logLevel = (value('LOG_LEVEL') ?? DEFAULT_LOG_LEVEL).toUpperCase();
  if (!LOG_LEVELS.includes(logLevel as LogLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);

  const maxTextLength = integer('MAX_TEXT_LENGTH', 1, TELEGRAM_MAX_TEXT_LENGTH, TELEGRAM_MAX_TEXT_LENGTH);
  const maxDocumentCharacters = integer('MAX_DOCUMENT_CHARACTERS', 1, MAX_DOCUMENT_CHARACTERS_LIMIT, DEFAULT_MAX_DOCUMENT_CHARACTERS);
  const rateLimitPerMinute = integer('RATE_LIMIT_PER_MINUTE', 0, 1000, DEFAULT_RATE_LIMIT_PER_MINUTE);
  const budget = value('DAILY_CHARACTER_BUDGET');
  const dailyCharacterBudget = budget === undefined ? undefined : integer('DAILY_CHARACTER_BUDGET', 1, Number.MAX_SAFE_INTEGER, 0);
  const allowed = value('ALLOWED_CHAT_IDS');
  const allowedIds = allowed?.split(/[\s,]+/).filter(Boolean);
  if (allowedIds?.some((id) => !/^-?\d{1,20}$/.test(id))) problems.push('ALLOWED_CHAT_IDS must be chat ids (integers) separated by commas');

  const jobQueueUrl = value('JOB_QUEUE_URL');
  if (jobQueueUrl && !/^https?:\/\/[^/]+\/\d+\/[A-Za-z0-9_-]{1,80}$/.test(jobQueueUrl)) problems.push('JOB_QUEUE_URL is not an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>)');
  const maxReceives = value('JOB_MAX_RECEIVES');
  const jobMaxReceives = maxReceives === undefined ? undefined : integer('JOB_MAX_RECEIVES', 1, 1000, 0);

  const credentials = readCredentialSource(env, problems);
  if (problems.length) throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  return {
    bucket,
    region,
    voice: voice?.id ?? voiceName,
    // START_MESSAGE keeps its line breaks and spaces: it is sent as written.
    startMessage: env.START_MESSAGE?.trim() ? env.START_MESSAGE : DEFAULT_START_MESSAGE,
    telegramApiUrl,
    s3ForcePathStyle: pathStyle === 'true',
    logLevel: logLevel as LogLevel,
    credentials,
    maxTextLength,
    maxDocumentCharacters,
    rateLimitPerMinute,
    ...(allowedIds?.length && { allowedChatIds: new Set(allowedIds.map(Number)) }),
    ...(dailyCharacterBudget !== undefined && { dailyCharacterBudget }),
    ...(jobQueueUrl && { jobQueueUrl }),
    ...(jobMaxReceives !== undefined && { jobMaxReceives }),
    functionName: value('AWS_LAMBDA_FUNCTION_NAME') ?? LOCAL_FUNCTION_NAME,
  };
}

/** Hosts whose traffic never leaves the machine (URL normalizes 127.1 and 0x7f.0.0.1 to 127.0.0.1). */
const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * TELEGRAM_API_URL (Telegram's by default) and what is wrong with it. Every request carries the bot
 * token in its path, so plain http:// is allowed only to this machine: an emulator or a local Bot API server.
 */
export function readTelegramApiUrl(env: Env): { url: string; problem?: string } {
  const url = (env.TELEGRAM_API_URL?.trim() || DEFAULT_TELEGRAM_API_URL).replace(/\/+$/, '');
  const parsed = URL.parse(url);
  if (parsed?.protocol === 'https:' && parsed.hostname) return { url };
  if (parsed?.protocol === 'http:' && LOOPBACK_HOST.test(parsed.hostname)) return { url };
  if (parsed?.protocol === 'http:') return { url, problem: `TELEGRAM_API_URL must use https:// for ${parsed.hostname}: plain http:// would send the bot token in clear text, so it is allowed only for localhost, 127.x.x.x and [::1]` };
  return { url, problem: 'TELEGRAM_API_URL is not an http(s) URL' };
}

function readCredentialSource(env: Env, problems: string[]): CredentialSource {
  const secretArn = env.BOT_SECRET_ARN?.trim();
  const botToken = env.TELEGRAM_BOT_TOKEN?.trim();
  const webhookSecret = env.TELEGRAM_WEBHOOK_SECRET?.trim();
  if (secretArn) {
    if (!SECRET_ARN.test(secretArn)) problems.push('BOT_SECRET_ARN is not a Secrets Manager secret ARN');
    return { kind: 'secrets-manager', secretArn };
  }
  if (!botToken || !webhookSecret) {
    problems.push('BOT_SECRET_ARN is required (or, for local use, both TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET)');
    return { kind: 'environment', botToken: '', webhookSecret: '' };
  }
  // The values themselves never go into an error message.
  if (!BOT_TOKEN.test(botToken)) problems.push('TELEGRAM_BOT_TOKEN does not look like a bot token (digits:letters, from @BotFather)');
  if (!WEBHOOK_SECRET.test(webhookSecret)) problems.push('TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z a-z 0-9 _ -');
  return { kind: 'environment', botToken, webhookSecret };
}
