import type { IncomingMessage } from 'node:http';
import { createGunzip } from 'node:zlib';
import { BodyChunks } from './body-chunks.js';
import type { MemoryBudget } from './memory-budget.js';

/** The body passed the limit, as received or once inflated (answered 413). */
export class BodyTooLarge extends Error {}
/** The bodies held by all requests would pass the receiver's budget (answered 503, to be retried). */
export class ReceiverBusy extends Error {}
/** The body could not be read: corrupt gzip, or the client went away (answered 400). */
export class UnreadableBody extends Error {}

/**
 * Reads a request's body, inflating gzip as a stream, and never holds more than `limit` bytes:
 * the bytes received and the bytes inflated both count against it, so a 250 KiB gzip bomb stops
 * after `limit` inflated bytes whatever it would inflate to. What is held is held compactly
 * (`BodyChunks`: runs of blank lines as one newline, small chunks copied together).
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
    const kept = new BodyChunks();
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
      if (settled) return void request.resume(); // answered already: what still comes is drained
      if (failure) return;
      failure = error;
      budget.give(kept.bytes);
      kept.clear();
      inflater?.destroy();
      request.resume();
      if (requestEnded) settle(() => reject(error));
    };
    const finish = () =>
      settle(() => {
        if (failure) return reject(failure);
        resolve(kept.take()); // the caller gives the body's bytes back
      });
    const keep = (chunk: Buffer) => {
      if (failure) return;
      inflated += chunk.length;
      if (inflated > limit) return fail(new BodyTooLarge());
      if (!budget.take(kept.cost(chunk))) return fail(new ReceiverBusy());
      kept.add(chunk);
    };

    const inflater = gzip ? createGunzip() : undefined;
    inflater?.on('data', keep);
    inflater?.on('error', (error) => fail(new UnreadableBody(`unreadable gzip: ${error.message}`)));
    inflater?.on('end', finish);

    request.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (failure || settled) return;
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
      budget.give(kept.bytes);
      kept.clear();
      settle(() => reject(new UnreadableBody('the client closed the connection before the end of its body')));
    });
    request.on('error', () => {}); // 'close' follows and says what happened
  });
}
