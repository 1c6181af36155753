import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { DEFAULT_RECEIVER_HEADERS_TIMEOUT_MS, DEFAULT_RECEIVER_IDLE_TIMEOUT_MS, DEFAULT_RECEIVER_REQUEST_TIMEOUT_MS } from '../src/base/defaults.js';

/** How long a client may take (see `ReceiverOptions`). */
export interface SlowClientLimits {
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  idleTimeoutMs?: number;
}

/**
 * An HTTP server that cuts off slow clients: node:http answers 408 and closes a connection whose
 * headers or whole request take too long, and a socket silent for `idleTimeoutMs` is destroyed.
 */
export function boundedServer(limits: SlowClientLimits, handle: (request: IncomingMessage, response: ServerResponse) => void): Server {
  const requestTimeout = limits.requestTimeoutMs ?? DEFAULT_RECEIVER_REQUEST_TIMEOUT_MS;
  // node:http requires headersTimeout <= requestTimeout.
  const headersTimeout = Math.min(limits.headersTimeoutMs ?? DEFAULT_RECEIVER_HEADERS_TIMEOUT_MS, requestTimeout);
  // node:http checks those two every connectionsCheckingInterval (30 s by default), which would
  // let a slow client overstay by that much: check often enough to cut it near its deadline.
  const connectionsCheckingInterval = Math.max(10, Math.min(1000, Math.floor(headersTimeout / 4)));
  const server = createServer({ headersTimeout, requestTimeout, connectionsCheckingInterval }, handle);
  // No 'timeout' listener on the server, so node destroys the silent socket.
  server.setTimeout(limits.idleTimeoutMs ?? DEFAULT_RECEIVER_IDLE_TIMEOUT_MS);
  return server;
}
