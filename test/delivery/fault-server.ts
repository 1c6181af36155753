import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Receiver } from '../../receiver/receiver.js';

/** What the server does with one request before (or instead of) passing it to the receiver. */
export type Fault =
  | { status: number; retryAfter?: string }
  | { reset: true }
  | { delayMs: number }
  | 'pass';

/**
 * A real HTTP server on 127.0.0.1 that answers the next requests from a script of faults and
 * passes the rest to the receiver. `requests` counts what arrived.
 */
export async function faultServer(receiver: Receiver, script: Fault[], port = 0) {
  let requests = 0;
  const server: Server = createServer((request, response) => {
    requests++;
    const fault = script.shift() ?? 'pass';
    if (fault === 'pass') return receiver.handle(request, response);
    if ('reset' in fault) {
      // Read part of the body, then cut the connection mid-request.
      request.once('data', () => request.socket.destroy());
      return;
    }
    if ('delayMs' in fault) {
      const timer = setTimeout(() => receiver.handle(request, response), fault.delayMs);
      request.socket.once('close', () => clearTimeout(timer));
      return;
    }
    request.resume();
    request.on('end', () => {
      response.writeHead(fault.status, fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {});
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}/v1/events`,
    port: actual,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A port nothing listens on (found by opening and closing a server). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
