import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { answerUpdate } from './bot.ts';
import { BoundedCache } from './cache.ts';
import { readConfig } from './config.ts';
import { AUDIO_CONTENT_TYPE, FILE_ID_CACHE_SIZE, SECRET_TOKEN_HEADER, VOICE_ROUTE_PATH } from './constants.ts';
import type { BotDeps, WebhookReply } from './context.ts';
import { Deadline } from './deadline.ts';
import { VoiceLinks } from './inline/links.ts';
import { serveVoiceLink } from './inline/serve.ts';
import { Logger } from './log.ts';
import { credentialStore, type BotCredentials } from './secrets.ts';
import { createPollyClient, PollySynthesizer } from './speech/polly.ts';
import { createS3Client, S3AudioStore } from './storage/audio.ts';
import { S3CharacterBudget } from './storage/budget.ts';
import { S3UpdateLedger } from './storage/ledger.ts';
import { S3SettingsStore } from './storage/settings.ts';
import { TelegramClient } from './telegram/client.ts';
import { decodeUpdate, isValidSecret, MalformedUpdateError } from './updates.ts';

/**
 * Lambda entry point for an API Gateway REST proxy integration; the only module that knows the event shape.
 * Configuration is read and clients are created once per container; a bad configuration fails the cold
 * start with one message naming every wrong variable.
 */
const config = readConfig(process.env);
const log = new Logger(config.logLevel);
const credentials = credentialStore(config.credentials, config.region);
const s3 = createS3Client(config.region, config.s3ForcePathStyle);
/** What needs no bot token: the ports' implementations and the file_ids this container remembers. */
const ports = {
  synthesizer: new PollySynthesizer(createPollyClient(config.region)),
  audioStore: new S3AudioStore(s3, config.bucket),
  settings: new S3SettingsStore(s3, config.bucket),
  ledger: new S3UpdateLedger(s3, config.bucket),
  budget: new S3CharacterBudget(s3, config.bucket),
  fileIds: new BoundedCache<string, string>(FILE_ID_CACHE_SIZE),
};
/** Clients that need the bot token; made again only if a rotation changed it. */
let deps: { botToken: string; value: BotDeps } | undefined;

function depsFor(botToken: string): BotDeps {
  if (deps?.botToken !== botToken) deps = { botToken, value: { config, log, ...ports, telegram: new TelegramClient(config.telegramApiUrl, botToken) } };
  return deps.value;
}

const respond = (statusCode: number): APIGatewayProxyResult => ({ statusCode, headers: { 'content-type': 'text/plain' }, body: '' });

/** A 200 whose body is a Bot API call, as Telegram reads one from a webhook's answer: the method beside its parameters. */
const respondWith = ({ method, params }: WebhookReply): APIGatewayProxyResult => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ method, ...params }),
});

export async function handler(event: APIGatewayProxyEvent, context?: Context): Promise<APIGatewayProxyResult> {
  const deadline = Deadline.forRequest(event.requestContext?.requestTimeEpoch, context?.getRemainingTimeInMillis?.());
  try {
    return await answer(event, deadline);
  } finally {
    // Lambda (Node 24) freezes the container once the answer is returned: no timer of this request may outlive it.
    deadline.release();
  }
}

async function answer(event: APIGatewayProxyEvent, deadline: Deadline): Promise<APIGatewayProxyResult> {
  const receivedSecret = header(event, SECRET_TOKEN_HEADER);
  let current: BotCredentials;
  try {
    current = await credentials.current();
    log.redact(current.botToken, current.webhookSecret);
  } catch (error) {
    // Without the secret nothing can be verified; a 500 makes Telegram retry later.
    log.error('bot credentials unavailable', { error });
    return respond(500);
  }

  // Inline results' voice URLs: fetched by Telegram without the secret header, so signed instead.
  if (event.httpMethod === 'GET' && event.path === VOICE_ROUTE_PATH) {
    const links = new VoiceLinks(VoiceLinks.routeUnder(stageUrl(event)), current.webhookSecret);
    const { status, audio } = await serveVoiceLink({ ...depsFor(current.botToken), voiceLinks: links }, event.queryStringParameters, deadline);
    if (!audio) return respond(status);
    return { statusCode: status, headers: { 'content-type': AUDIO_CONTENT_TYPE }, body: audio.toString('base64'), isBase64Encoded: true };
  }

  // A mismatch right after a rotation must not lock Telegram out until the container is recycled.
  // Only here, after the voice route: its requests never carry the secret, and must not each read it again.
  if (!isValidSecret(receivedSecret, current.webhookSecret) && (await credentials.refresh())) {
    current = await credentials.current();
    log.redact(current.botToken, current.webhookSecret);
  }
  if (!isValidSecret(receivedSecret, current.webhookSecret)) {
    log.warn('request rejected', { outcome: 'unauthorized', method: event.httpMethod, source_ip: event.requestContext?.identity?.sourceIp });
    return respond(401);
  }
  if (event.httpMethod !== 'POST') {
    log.warn('request rejected', { outcome: 'method_not_allowed', method: event.httpMethod });
    return { ...respond(405), headers: { allow: 'POST' } };
  }

  // From here on the answer is always 200: Telegram redelivers anything else, and a redelivered update
  // that fails the same way would loop, billing Polly each time.
  let update;
  try {
    update = decodeUpdate(event.body, event.isBase64Encoded);
  } catch (error) {
    if (!(error instanceof MalformedUpdateError)) throw error;
    log.warn('update ignored', { outcome: 'ignored', reason: `malformed: ${error.message}` });
    return respond(200);
  }

  const voiceLinks = new VoiceLinks(VoiceLinks.routeUnder(stageUrl(event)), current.webhookSecret);
  // The one exception to 200: another attempt holds the update's lease and may have died with it.
  // Telegram redelivers later, and a redelivery after the lease expired takes the update over.
  const answered = await answerUpdate({ ...depsFor(current.botToken), voiceLinks }, update, deadline);
  if (answered.answer === 'retry_later') return respond(503);
  return answered.webhookReply ? respondWith(answered.webhookReply) : respond(200);
}

function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === name && value !== undefined) return value;
  for (const [key, values] of Object.entries(event.multiValueHeaders ?? {})) if (key.toLowerCase() === name && values?.length) return values[0];
  return undefined;
}

/**
 * The stage's public URL as the caller reached it: requestContext.path is the path called (with the
 * stage, or a custom domain's base path), event.path the resource's own; API Gateway sets X-Forwarded-Proto.
 */
function stageUrl(event: APIGatewayProxyEvent): string {
  const host = event.requestContext?.domainName ?? header(event, 'host') ?? 'localhost';
  const protocol = header(event, 'x-forwarded-proto') ?? 'https';
  const called = event.requestContext?.path ?? event.path;
  const prefix = called.endsWith(event.path) ? called.slice(0, called.length - event.path.length) : '';
  return `${protocol}://${host}${prefix}`;
}
