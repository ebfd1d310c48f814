import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { text } from 'node:stream/consumers';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, test } from 'node:test';
import { ConnectTimeoutError, KeepAliveTransport, neverConnected } from '../../../function/src/telegram/transport.ts';

const servers: Server[] = [];
after(() => {
  for (const server of servers) {
    if ('closeAllConnections' in server) (server as ReturnType<typeof createHttpServer>).closeAllConnections();
    server.close();
  }
});

async function listen<S extends Server>(server: S): Promise<{ server: S; port: number }> {
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}

/** An endpoint that answers `ok` after `delayMs`, and counts the TCP connections it accepted and saw closed. */
async function slowEndpoint(delayMs: number) {
  const counts = { opened: 0, closed: 0 };
  const { server, port } = await listen(
    createHttpServer(async (req, res) => {
      await text(req);
      await sleep(delayMs);
      res.end('ok');
    }),
  );
  server.on('connection', (socket) => {
    counts.opened++;
    socket.on('close', () => counts.closed++);
  });
  return { counts, url: `http://127.0.0.1:${port}/bot/getMe` };
}

const post = (transport: KeepAliveTransport, url: string): Promise<IncomingMessage> => transport.post(url, '{}', { 'content-type': 'application/json' }, AbortSignal.timeout(5_000));

describe('the keep-alive transport', () => {
  test('gives up on a connection whose TLS handshake never completes: nothing was sent, and https was spoken', async () => {
    const firstBytes: Buffer[] = [];
    const { port } = await listen(createTcpServer((socket) => socket.once('data', (chunk: Buffer) => firstBytes.push(chunk)))); // accepts, never answers
    const transport = new KeepAliveTransport(`https://127.0.0.1:${port}`, { connectTimeoutMs: 300, idleTimeoutMs: 1_000 });
    const started = Date.now();
    const error = await transport.post(`https://127.0.0.1:${port}/bot/getMe`, '{}', {}, AbortSignal.timeout(5_000)).catch((e: unknown) => e);
    assert.ok(error instanceof ConnectTimeoutError, String(error));
    assert.ok(neverConnected(error));
    assert.ok(Date.now() - started < 2_000, 'cut off at the connect timeout, not the deadline');
    assert.equal(firstBytes[0]?.[0], 0x16, 'the client opened with a TLS handshake record');
  });

  // A separate process trusts a self-signed certificate (NODE_EXTRA_CA_CERTS is read at start only).
  test('over https: keeps the TLS connection for the next request, and the connect timeout ends with the handshake', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'voicebot-tls-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    } catch {
      return t.skip('openssl is needed to make a certificate for the local https server');
    }
    // Each answer takes longer than the connect timeout: a timer still running after the handshake would cut it off.
    const child = spawnSync(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, 'fixtures/https-round-trip.ts'), key, cert, '500', '200'], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: cert },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(child.stdout), { answers: ['ok', 'ok'], connections: 1, undici: false });
  });

  test('the connect timeout ends with the connection: a slower answer still arrives', async () => {
    const endpoint = await slowEndpoint(400);
    const transport = new KeepAliveTransport(endpoint.url, { connectTimeoutMs: 100, idleTimeoutMs: 5_000 });
    const response = await post(transport, endpoint.url);
    assert.equal(await text(response), 'ok');
  });

  test('an answer slower than the idle timeout still arrives: the idle timeout is for connections between requests', async () => {
    const endpoint = await slowEndpoint(400);
    const transport = new KeepAliveTransport(endpoint.url, { connectTimeoutMs: 1_000, idleTimeoutMs: 100 });
    const response = await post(transport, endpoint.url);
    assert.equal(await text(response), 'ok');
  });

  test('keeps a connection for the next request, and closes it once idle for longer than the idle timeout', async () => {
    const endpoint = await slowEndpoint(0);
    const transport = new KeepAliveTransport(endpoint.url, { connectTimeoutMs: 1_000, idleTimeoutMs: 300 });
    await text(await post(transport, endpoint.url));
    await text(await post(transport, endpoint.url));
    assert.deepEqual(endpoint.counts, { opened: 1, closed: 0 }, 'the second request reused the first connection');
    await sleep(800);
    assert.equal(endpoint.counts.closed, 1, 'the idle connection was closed');
    await text(await post(transport, endpoint.url));
    assert.equal(endpoint.counts.opened, 2, 'the next request opened a new one');
  });

  test('tells a connection never made from one that broke', () => {
    assert.ok(neverConnected(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' })));
    assert.ok(neverConnected(Object.assign(new Error('getaddrinfo EAI_AGAIN api.telegram.org'), { code: 'EAI_AGAIN' })));
    assert.ok(!neverConnected(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })));
    assert.ok(!neverConnected(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })));
    assert.ok(!neverConnected(new DOMException('The operation was aborted', 'AbortError')));
    assert.ok(!neverConnected(undefined));
  });
});
