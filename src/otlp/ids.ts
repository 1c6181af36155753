import { createHash } from 'node:crypto';

/** The trace id of a request: the first 16 bytes of SHA-256(request_id), hex. The same request always gets the same id. */
export function traceIdFor(requestId: string): string {
  return createHash('sha256').update(requestId, 'utf8').digest('hex').slice(0, 32);
}

/** A span id: the first 8 bytes of SHA-256(request_id, invocation key), hex. */
export function spanIdFor(requestId: string, key: string): string {
  return createHash('sha256').update(requestId, 'utf8').update('\u0000').update(key, 'utf8').digest('hex').slice(0, 16);
}
