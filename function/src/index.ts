import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { answerUpdate, type BotAnswer } from './bot.ts';
import { AUDIO_CONTENT_TYPE, SECRET_TOKEN_HEADER, VOICE_ROUTE_PATH } from './constants.ts';
import { credentials, depsFor, log } from './container.ts';
import { Deadline } from './deadline.ts';
import { VoiceLinks } from './inline/links.ts';
import { serveVoiceLink, type LinkedVoice } from './inline/serve.ts';
import type { BotCredentials } from './secrets.ts';
import { decodeUpdate, isValidSecret, MalformedUpdateError } from './updates.ts';

/**
 * Lambda entry point for an API Gateway REST proxy integration, the webhook's and the voice route's
 * door: the only module that knows the event shape. What outlives a request is in container.ts.
 */

const respond = (statusCode: number): APIGatewayProxyResult => ({ statusCode, headers: { 'content-type': 'text/plain' }, body: '' });

/**
 * What the webhook answers Telegram: 200, with the answer's Bot API call in its body when the bot
 * left one (Telegram makes it: the method beside its parameters), or 503 when another attempt holds
 * the update and may have died with it: Telegram redelivers later, and a redelivery after the lease
 * expired takes the update over.
 */
function webhookResponse(answer: BotAnswer): APIGatewayProxyResult {
  if (answer.kind === 'busy') return respond(503);
  if (answer.kind === 'done') return respond(200);
  const { method, params } = answer.call;
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ method, ...params }) };
}

/** What the voice route answers Telegram's fetch when not the audio: each a failed send to the user. */
const VOICE_STATUS = { forbidden: 403, too_big: 413, refused: 429, failed: 500 } as const;

/** What the voice route answers Telegram's fetch: the audio, or a status it shows as a failed send. */
function voiceResponse(voice: LinkedVoice): APIGatewayProxyResult {
  if (voice.kind === 'audio') return { statusCode: 200, headers: { 'content-type': AUDIO_CONTENT_TYPE }, body: voice.audio.toString('base64'), isBase64Encoded: true };
  return respond(VOICE_STATUS[voice.kind]);
}

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
  const voiceLinks = new VoiceLinks(VoiceLinks.routeUnder(stageUrl(event)), current.webhookSecret);
  if (event.httpMethod === 'GET' && event.path === VOICE_ROUTE_PATH) {
    return voiceResponse(await serveVoiceLink({ ...depsFor(current.botToken), voiceLinks }, event.queryStringParameters, deadline));
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

  return webhookResponse(await answerUpdate({ ...depsFor(current.botToken), voiceLinks }, update, deadline));
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
