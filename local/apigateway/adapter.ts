/**
 * A local stand-in for API Gateway's REST proxy integration: each HTTP request becomes the event
 * API Gateway would send, the built handler (dist/index.mjs) runs in this process, and its result
 * becomes the HTTP answer. Like API Gateway, it gives up after 29 s with a 504.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { API_GATEWAY_TIMEOUT_MS } from '../../function/src/constants.ts';
import { lambdaContext, proxyEvent } from '../../function/src/tools/proxy-event.ts';

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

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
