/**
 * A local stand-in for API Gateway's REST proxy integration: each HTTP request becomes the event
 * API Gateway would send, the built handler (dist/index.mjs) runs in this process, and its result
 * becomes the HTTP answer. Like API Gateway, it gives up after 29 s with a 504.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export const API_GATEWAY_TIMEOUT_MS = 29_000;

let instances = 0;

/**
 * Imports the bundle as a fresh module, the way a Lambda cold start does: it reads `env` at import.
 * The variables are applied to process.env, which is what the bundle reads.
 */
export async function loadHandler<H = ProxyHandler>(bundlePath: string, env: Record<string, string>): Promise<H> {
  Object.assign(process.env, env);
  const url = pathToFileURL(bundlePath);
  url.searchParams.set('instance', String(++instances));
  const module = (await import(url.href)) as { handler: H };
  return module.handler;
}

export interface RequestShape {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  sourceIp?: string;
  stage?: string;
}

/** The REST proxy event (payload format 1.0) for one request. */
export function proxyEvent({ method, path, headers, body, sourceIp = '127.0.0.1', stage = 'local' }: RequestShape): APIGatewayProxyEvent {
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
  const now = Date.now();
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
      requestTimeEpoch: now,
      resourceId: 'local',
      resourcePath: pathOnly,
    },
  };
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

export interface ApiGatewayOptions {
  handler: ProxyHandler;
  port?: number;
  host?: string;
  /** The Lambda function's timeout; API Gateway's own 29 s still applies. */
  lambdaTimeoutMs?: number;
  /** Called with every request and its result, for logs and tests. */
  onInvoke?: (event: APIGatewayProxyEvent, result: APIGatewayProxyResult | undefined, ms: number) => void;
}

export interface LocalApiGateway {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function startApiGateway({ handler, port = 0, host = '127.0.0.1', lambdaTimeoutMs = 28_000, onInvoke }: ApiGatewayOptions): Promise<LocalApiGateway> {
  const server = createServer(async (req, res) => {
    const event = proxyEvent({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: await readBody(req), sourceIp: req.socket.remoteAddress ?? '127.0.0.1' });
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), API_GATEWAY_TIMEOUT_MS)));
    try {
      const result = await Promise.race([handler(event, lambdaContext(lambdaTimeoutMs)), timedOut]);
      if (result === 'timeout') {
        onInvoke?.(event, undefined, Date.now() - started);
        res.writeHead(504, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Endpoint request timed out' }));
        return;
      }
      onInvoke?.(event, result, Date.now() - started);
      const body = result.body ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
      res.writeHead(result.statusCode, { ...(result.headers as Record<string, string>) }).end(body);
    } catch {
      // A function error: API Gateway answers 502 and the function's own logs tell the story.
      onInvoke?.(event, undefined, Date.now() - started);
      res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Internal server error' }));
    } finally {
      clearTimeout(timer);
    }
  });
  server.listen(port, host);
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    server,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts);
}
