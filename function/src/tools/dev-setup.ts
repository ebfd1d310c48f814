/**
 * What `make dev` needs before it can start: the bot token (set, well-formed, accepted by Telegram),
 * the long-poll timeout, the AWS region, credentials and bucket. Every check runs, so one run lists
 * every problem, each with what to do next. `make dev` runs this from source before it builds
 * (local/dev/preflight.ts); dist/dev.mjs runs it again before it polls.
 */
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { httpStatusOf } from '../storage/errors.ts';
import { BotApi, BotApiRefusal, checkBotToken, SetupProblems, telegramApiUrl, ToolError } from './cli.ts';

type Env = Record<string, string | undefined>;

export interface DevSetup {
  token: string;
  botUsername: string;
  pollSeconds: number;
  region: string;
  bucket: string;
}

/** The outside calls the checks make; tests give fakes, `liveDevProbes` the real ones. */
export interface DevProbes {
  /** Telegram's getMe: the bot's username; a BotApiRefusal when Telegram says no. */
  botUsername(token: string): Promise<string>;
  /** Resolves AWS credentials the way the function's clients will; throws when there are none. */
  awsCredentials(region: string): Promise<void>;
  /** S3 HeadBucket; throws the SDK's error, whose `$metadata.httpStatusCode` says why. */
  headBucket(region: string, bucket: string): Promise<void>;
}

const DEFAULT_POLL_SECONDS = 25;

/** The settings, checked; throws SetupProblems listing everything that must be fixed first. */
export async function checkDevSetup(env: Env, probes: DevProbes): Promise<DevSetup> {
  const pollSeconds = Number(env.DEV_POLL_SECONDS || DEFAULT_POLL_SECONDS);
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  const bucket = env.S3_BUCKET_NAME;
  // Telegram and AWS are asked at the same time; the problems are listed in a fixed order.
  const [telegram, aws] = await Promise.allSettled([checkTelegram(env, probes), checkAws(region, bucket, probes)]);
  const problems = [
    telegram.status === 'rejected' && (telegram.reason as Error).message,
    (!Number.isInteger(pollSeconds) || pollSeconds < 1 || pollSeconds > 50) && 'DEV_POLL_SECONDS must be a whole number of seconds from 1 to 50: unset it for the default, 25',
    !region && 'AWS_REGION is not set: export the region the stack is deployed in: export AWS_REGION=$(terraform -chdir=terraform output -raw region)',
    !bucket && 'S3_BUCKET_NAME is not set: export the deployed bucket: export S3_BUCKET_NAME=$(terraform -chdir=terraform output -raw bucket_name)',
    aws.status === 'rejected' && (aws.reason as Error).message,
  ].filter((problem): problem is string => Boolean(problem));
  if (problems.length || telegram.status === 'rejected') throw new SetupProblems('make dev', problems);
  return { token: env.TELEGRAM_BOT_TOKEN!.trim(), botUsername: telegram.value, pollSeconds, region: region!, bucket: bucket! };
}

async function checkTelegram(env: Env, probes: DevProbes): Promise<string> {
  const token = env.TELEGRAM_BOT_TOKEN?.trim();
  if (!token) throw new ToolError('TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather, then: export TELEGRAM_BOT_TOKEN=<its token>');
  checkBotToken(token);
  try {
    return await probes.botUsername(token);
  } catch (error) {
    if (error instanceof BotApiRefusal && (error.errorCode === 401 || error.errorCode === 404))
      throw new ToolError('Telegram rejected the token (401 Unauthorized): check TELEGRAM_BOT_TOKEN, or ask @BotFather for a new one with /token');
    throw error;
  }
}

/** Credentials need no region to be found; the bucket needs both, and is asked only when they are there. */
async function checkAws(region: string | undefined, bucket: string | undefined, probes: DevProbes): Promise<void> {
  try {
    await probes.awsCredentials(region ?? 'us-east-1');
  } catch {
    throw new ToolError('no AWS credentials found: run `aws sso login --profile <name>` and export AWS_PROFILE=<name>, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  }
  if (!region || !bucket) return;
  try {
    await probes.headBucket(region, bucket);
  } catch (error) {
    const status = httpStatusOf(error);
    if (status === 404) throw new ToolError(`bucket ${bucket} does not exist: check S3_BUCKET_NAME (terraform -chdir=terraform output -raw bucket_name) and that the stack is applied (make apply)`);
    if (status === 403) throw new ToolError(`these AWS credentials may not use bucket ${bucket} (403 Forbidden): use the deployer's profile, e.g. export AWS_PROFILE=<name>`);
    if (status === 301) throw new ToolError(`bucket ${bucket} is in another region than ${region}: export AWS_REGION=$(terraform -chdir=terraform output -raw region)`);
    throw new ToolError(`cannot check bucket ${bucket}: ${(error as Error).name}: ${(error as Error).message}`);
  }
}

/** The real calls: the function's Bot API client and an S3 client, as the function will make them. */
export function liveDevProbes(env: Env): DevProbes {
  const s3 = (region: string) => new S3Client({ region, forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true' });
  return {
    botUsername: async (token) => (await new BotApi(telegramApiUrl(env), token, 15_000).call('getMe', {})).username,
    async awsCredentials(region) {
      const client = s3(region);
      try {
        await client.config.credentials();
      } finally {
        client.destroy();
      }
    },
    async headBucket(region, bucket) {
      const client = s3(region);
      try {
        await client.send(new HeadBucketCommand({ Bucket: bucket }));
      } finally {
        client.destroy();
      }
    },
  };
}
