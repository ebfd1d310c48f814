/**
 * What lives as long as the container, shared by every door (a door is a Lambda entry point):
 * configuration read and validated once, so a bad one fails the cold start with one message naming
 * every wrong variable; the logger; the bot secret's reader; the ports' implementations; and what the
 * container remembers between invocations.
 */
import { BoundedCache } from './cache.ts';
import { readConfig } from './config.ts';
import { FILE_ID_CACHE_SIZE, POLLY_MAX_ATTEMPTS_WITH_QUEUE } from './constants.ts';
import type { BotDeps } from './context.ts';
import { Logger } from './log.ts';
import { credentialStore } from './secrets.ts';
import { createPollyClient, PollySynthesizer } from './speech/polly.ts';
import { createS3Client, S3AudioStore } from './storage/audio.ts';
import { S3CharacterBudget } from './storage/budget.ts';
import { S3DocumentProgressStore } from './storage/documents.ts';
import { S3UpdateLedger } from './storage/ledger.ts';
import { SqsJobQueue } from './storage/queue.ts';
import { S3SettingsStore } from './storage/settings.ts';
import { TelegramClient } from './telegram/client.ts';

export const config = readConfig(process.env);
export const log = new Logger(config.logLevel);
export const credentials = credentialStore(config.credentials, config.region);
const s3 = createS3Client(config.region, config.s3ForcePathStyle);
/** What needs no bot token: the ports' implementations and the file_ids this container remembers. */
const ports = {
  // With a queue to take the rest, a throttled request is retried once (constants.ts says why).
  synthesizer: new PollySynthesizer(createPollyClient(config.region, config.jobQueueUrl ? POLLY_MAX_ATTEMPTS_WITH_QUEUE : undefined)),
  audioStore: new S3AudioStore(s3, config.bucket),
  settings: new S3SettingsStore(s3, config.bucket),
  ledger: new S3UpdateLedger(s3, config.bucket),
  budget: new S3CharacterBudget(s3, config.bucket),
  documents: new S3DocumentProgressStore(s3, config.bucket),
  fileIds: new BoundedCache<string, string>(FILE_ID_CACHE_SIZE),
  ...(config.jobQueueUrl && { jobQueue: new SqsJobQueue(config.region, config.jobQueueUrl) }),
};


/** Clients that need the bot token; made again only if a rotation changed it. */
let deps: { botToken: string; value: BotDeps } | undefined;

/** The bot's dependencies under the current bot token. */
export function depsFor(botToken: string): BotDeps {
  if (deps?.botToken !== botToken) deps = { botToken, value: { config, log, ...ports, telegram: new TelegramClient(config.telegramApiUrl, botToken) } };
  return deps.value;
}
