import type * as http from 'node:http';
import type { Agent, ClientRequest, IncomingMessage } from 'node:http';
import * as https from 'node:https';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { pipeline, Readable } from 'node:stream';

/**
 * node:http required the CommonJS way, and only for an http:// API (the emulator, tests): on Node 22 an
 * ESM import of node:http reads all its exports, and its lazy WebSocket export loads undici, the very
 * load this transport is for avoiding. node:https exports nothing of the kind.
 */
const nodeHttp = (): typeof http => createRequire(import.meta.url)('node:http') as typeof http;

/** Opening the connection took too long: like a refusal, the request never left. */
export class ConnectTimeoutError extends Error {
  override name = 'ConnectTimeoutError';
}

/** Error codes of the connection phase: the request never left, so the call did not happen. */
const NEVER_CONNECTED: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** True only when a failed `post` certainly sent nothing: no connection was ever made. */
export const neverConnected = (error: unknown): boolean =>
  error instanceof ConnectTimeoutError || NEVER_CONNECTED.has(String((error as { code?: unknown } | undefined)?.code));

export interface TransportOptions {
  /** Bound on DNS, TCP and TLS of a new connection; a reused one has none of them. */
  connectTimeoutMs: number;
  /** How long an idle connection is kept for the next request. */
  idleTimeoutMs: number;
}

/**
 * POSTs over node:http(s) with one keep-alive Agent: node:https is loaded anyway (the AWS SDK's
 * handler), while the global fetch would load undici on its first call, a sizeable part of a cold
 * first answer. Nothing is retried, not even a send on a kept-alive socket the server has just
 * closed, as fetch did not retry a POST either: a repeated send could deliver a second message.
 */
export class KeepAliveTransport {
  private readonly agent: Agent;
  private readonly request: typeof http.request;
  /** When a new socket can carry the request: after the TLS handshake for https. */
  private readonly readyEvent: 'connect' | 'secureConnect';

  constructor(
    apiUrl: string,
    private readonly options: TransportOptions,
  ) {
    const secure = /^https:/i.test(apiUrl);
    const protocol: Pick<typeof http, 'Agent' | 'request'> = secure ? https : nodeHttp();
    this.agent = new protocol.Agent({ keepAlive: true, timeout: options.idleTimeoutMs });
    this.request = protocol.request;
    this.readyEvent = secure ? 'secureConnect' : 'connect';
  }

  /**
   * Sends the body (a string, or streamed as it is read) and resolves with the answer once its head
   * has arrived; the signal aborts the request at any point, the answer's body included.
   */
  post(url: string, body: string | AsyncIterable<Uint8Array>, headers: Record<string, string>, signal: AbortSignal): Promise<IncomingMessage> {
    return this.send('POST', url, body, headers, signal);
  }

  /** GETs `url` over the same pool; resolves once the answer's head has arrived. */
  get(url: string, signal: AbortSignal): Promise<IncomingMessage> {
    return this.send('GET', url, '', {}, signal);
  }

  private send(method: 'GET' | 'POST', url: string, body: string | AsyncIterable<Uint8Array>, headers: Record<string, string>, signal: AbortSignal): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = this.request(url, { method, headers, agent: this.agent, signal }, resolve);
      // Kept for the request's whole life: an unheard 'error' would crash the process, and one after
      // the answer's head also breaks the reading of its body, which reports it.
      req.on('error', reject);
      req.once('socket', (socket: Socket) => {
        if (!req.reusedSocket) this.limitConnect(req, socket);
      });
      if (typeof body === 'string') req.end(body);
      // A failure of either side destroys both; the request's own 'error' reports it.
      else pipeline(Readable.from(body), req, () => {});
    });
  }

  private limitConnect(req: ClientRequest, socket: Socket): void {
    const timer = setTimeout(() => req.destroy(new ConnectTimeoutError(`no connection within ${this.options.connectTimeoutMs} ms`)), this.options.connectTimeoutMs);
    const ready = () => clearTimeout(timer);
    socket.once(this.readyEvent, ready);
    req.once('close', ready);
  }
}
