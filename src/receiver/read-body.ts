import type { IncomingMessage } from 'node:http';
import { createGunzip } from 'node:zlib';
import type { MemoryBudget } from './memory-budget.js';

/** The body passed the limit, as received or once inflated (answered 413). */
export class BodyTooLarge extends Error {}
/** The bodies held by all requests would pass the receiver's budget (answered 503, to be retried). */
export class ReceiverBusy extends Error {}
/** The body could not be read: corrupt gzip, or the client went away (answered 400). */
export class UnreadableBody extends Error {}

/** Compared against whole chunks: a chunk of nothing but newlines adds one newline, not its size. */
const NEWLINES = Buffer.alloc(64 * 1024, '\n');
const NEWLINE = NEWLINES.subarray(0, 1);

function onlyNewlines(chunk: Buffer): boolean {
  if (chunk.length <= NEWLINES.length) return chunk.equals(NEWLINES.subarray(0, chunk.length));
  return chunk.every((byte) => byte === 0x0a);
}

/**
 * Reads a request's body, inflating gzip as a stream, and never holds more than `limit` bytes:
 * the bytes received and the bytes inflated both count against it, so a 250 KiB gzip bomb stops
 * after `limit` inflated bytes whatever it would inflate to. Blank lines cost nothing (NDJSON
 * ignores them, and a bomb of newlines is the cheapest one to make).
 *
 * Past the limit (or on corrupt gzip) what is held is let go and the rest of the body is read and
 * discarded, so the client, still sending, gets its answer instead of a reset; the promise then
 * rejects with `BodyTooLarge` (or `UnreadableBody`). A declared `Content-Length` above the limit
 * rejects at once. The server's request timeout bounds how long a discarded body may take.
 *
 * What is held is taken from `budget`, shared by concurrent requests (`ReceiverBusy` when it is
 * spent); the caller gives the returned body's length back once done with it.
 */
export function readBody(request: IncomingMessage, limit: number, gzip: boolean, budget: MemoryBudget): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    let kept: Buffer[] = [];
    let keptBytes = 0;
    let received = 0;
    let inflated = 0;
    let failure: Error | undefined;
    let requestEnded = false;
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      outcome();
    };
    const fail = (error: Error) => {
      if (failure) return;
      failure = error;
      budget.give(keptBytes);
      kept = [];
      keptBytes = 0;
      inflater?.destroy();
      request.resume();
      if (requestEnded) settle(() => reject(error));
    };
    const finish = () => settle(() => (failure ? reject(failure) : resolve(kept.length === 1 ? kept[0]! : Buffer.concat(kept, keptBytes))));
    const keep = (chunk: Buffer) => {
      if (failure) return;
      inflated += chunk.length;
      if (inflated > limit) return fail(new BodyTooLarge());
      if (onlyNewlines(chunk)) {
        if (kept.at(-1) === NEWLINE) return;
        chunk = NEWLINE;
      }
      if (!budget.take(chunk.length)) return fail(new ReceiverBusy());
      kept.push(chunk);
      keptBytes += chunk.length;
    };

    const inflater = gzip ? createGunzip() : undefined;
    inflater?.on('data', keep);
    inflater?.on('error', (error) => fail(new UnreadableBody(`unreadable gzip: ${error.message}`)));
    inflater?.on('end', finish);

    request.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (failure) return;
      if (received > limit) return fail(new BodyTooLarge());
      if (!inflater) return keep(chunk);
      if (!inflater.write(chunk)) {
        request.pause();
        inflater.once('drain', () => request.resume());
      }
    });
    request.on('end', () => {
      requestEnded = true;
      if (failure) finish();
      else if (inflater) inflater.end();
      else finish();
    });
    request.on('close', () => {
      if (requestEnded) return;
      inflater?.destroy();
      budget.give(keptBytes);
      keptBytes = 0;
      settle(() => reject(new UnreadableBody('the client closed the connection before the end of its body')));
    });
    request.on('error', () => {}); // 'close' follows and says what happened
  });
}
