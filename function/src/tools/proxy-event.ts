/**
 * What API Gateway's REST proxy integration hands the function for one HTTP request: the event
 * (payload format 1.0) and a Lambda context. The one builder for every door that stands in for API
 * Gateway: `make dev` (dev.ts), the local API Gateway (local/apigateway/adapter.ts), the benchmark
 * and the tests.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { SECRET_TOKEN_HEADER } from '../constants.ts';

export interface ProxyRequest {
  method: string;
  /** The path called, with a query string when there is one; it may start with the stage. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  sourceIp?: string;
  stage?: string;
}

/** The REST proxy event (payload format 1.0) for one request. */
export function proxyEvent({ method, path, headers, body, sourceIp = '127.0.0.1', stage = 'local' }: ProxyRequest): APIGatewayProxyEvent {
  const [calledPath = '/', query = ''] = path.split('?', 2);
  // Like the execute-api domain, the stage may lead the path: /local/voice is the resource /voice.
  const pathOnly = calledPath.startsWith(`/${stage}/`) ? calledPath.slice(stage.length + 1) : calledPath;
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    single[name] = values.at(-1)!;
    multi[name] = values;
  }
  const params = new URLSearchParams(query);
  // API Gateway sets X-Forwarded-Proto; here the scheme is plain http.
  single['X-Forwarded-Proto'] ??= 'http';
  multi['X-Forwarded-Proto'] ??= ['http'];
  // Terraform sets binary media types to */* (so audio answers go out as bytes), which makes every request body arrive base64-encoded.
  const isBase64Encoded = body.length > 0;
  return {
    resource: pathOnly,
    path: pathOnly,
    httpMethod: method,
    headers: single,
    multiValueHeaders: multi,
    queryStringParameters: query ? Object.fromEntries(params) : null,
    multiValueQueryStringParameters: query ? Object.fromEntries([...params.keys()].map((k) => [k, params.getAll(k)])) : null,
    pathParameters: null,
    stageVariables: null,
    body: body.length ? body.toString(isBase64Encoded ? 'base64' : 'utf8') : null,
    isBase64Encoded,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: method,
      identity: { sourceIp, userAgent: single['user-agent'] ?? null } as APIGatewayProxyEvent['requestContext']['identity'],
      path: `/${stage}${pathOnly}`,
      domainName: single.host ?? single.Host ?? '127.0.0.1',
      stage,
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: pathOnly,
    },
  };
}

/** Telegram's POST of one update to the webhook, with the secret token the webhook was set with. */
export function webhookEvent(update: object, webhookSecret: string, stage?: string): APIGatewayProxyEvent {
  const headers = { 'content-type': 'application/json', [SECRET_TOKEN_HEADER]: webhookSecret };
  return proxyEvent({ method: 'POST', path: '/webhook', headers, body: Buffer.from(JSON.stringify(update)), ...(stage && { stage }) });
}

/** A Lambda context whose remaining time counts down from `timeoutMs`. */
export function lambdaContext(timeoutMs: number): Context {
  const endsAt = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'voicebot-local',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:voicebot-local',
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/voicebot-local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, endsAt - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
