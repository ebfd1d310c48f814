/**
 * One port for HTTP/1.1 and cleartext HTTP/2 with prior knowledge (h2c), as AWS SDK clients
 * may use either: the first bytes of a connection tell which (RFC 9113 §3.4 connection preface).
 */
import { createServer as createHttp1Server, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttp2Server, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';

export type AnyRequest = IncomingMessage | Http2ServerRequest;
export type AnyResponse = ServerResponse | Http2ServerResponse;
export type Handler = (request: AnyRequest, response: AnyResponse) => void;

export interface DualProtocolServer {
  port: number;
  close(): Promise<void>;
}

/** "PRI " never starts an HTTP/1 request line, so four bytes decide. */
const HTTP2_PREFACE_START = Buffer.from('PRI ');

export async function listenHttp1AndHttp2(handler: Handler, port = 0): Promise<DualProtocolServer> {
  const http1 = createHttp1Server(handler);
  const http2 = createHttp2Server(handler);
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const prefix = head.subarray(0, HTTP2_PREFACE_START.length);
      if (head.length < HTTP2_PREFACE_START.length && HTTP2_PREFACE_START.subarray(0, head.length).equals(head)) return;
      socket.off('data', onData);
      socket.pause();
      socket.unshift(head);
      if (prefix.equals(HTTP2_PREFACE_START)) {
        http2.emit('connection', socket);
      } else {
        http1.emit('connection', socket);
        // The HTTP/1 server reads the handle directly and sees the unshifted bytes only once flowing.
        socket.resume();
      }
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        for (const socket of sockets) socket.destroy();
      }),
  };
}
