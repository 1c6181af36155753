/**
 * Watching an SDK's `Stream` (openai 6 and 7, @anthropic-ai/sdk 1) while the caller reads it.
 * The caller keeps the same `Stream` object (its class, `controller`, `tee()`,
 * `toReadableStream()`); optrail replaces the iterator factory every way of reading it goes
 * through (the instance's `iterator`, which `[Symbol.asyncIterator]()`, `tee()` and
 * `toReadableStream()` call; else `[Symbol.asyncIterator]` itself), so each item is seen once,
 * in order, whoever reads it, and the read's end is seen however it ends.
 */

/** How the read of a stream ended. */
export type StreamEnd =
  /** The stream ran to its end. */
  | { kind: 'completed' }
  /** The request was aborted (`stream.controller.abort()`, the caller's signal): the SDK ends the stream quietly. */
  | { kind: 'aborted' }
  /** The reader stopped early (`break`, a throw in its loop, `return()`): the SDK aborts the request. */
  | { kind: 'cancelled' }
  /** Reading failed with `error` (an error event from the server, a dropped connection), which the reader gets. */
  | { kind: 'failed'; error: unknown };

/** What watching one stream reports. */
export interface StreamObserver {
  /** Each item, before the reader gets it; false keeps it from the reader (an item it did not ask for). */
  item(value: unknown): boolean;
  /** The read ended; called once. */
  end(how: StreamEnd): void;
}

function aborted(stream: object): boolean {
  try {
    return (stream as { controller?: { signal?: { aborted?: unknown } } }).controller?.signal?.aborted === true;
  } catch {
    return false;
  }
}

function ignore(): void {}

/**
 * The reader's iterator: the SDK's, seen. Calls run one after another, as on the SDK's own async
 * generator (a `return()` while a `next()` is pending waits for it), and every way out reports
 * the end once: the last item, an error, the reader's `return()` or `throw()` (even before its
 * first `next()`, as `tee()` does when both branches are closed unread).
 */
function watched(source: AsyncIterator<unknown>, stream: object, observer: StreamObserver): AsyncIterableIterator<unknown> {
  let ended = false;
  let queue: Promise<unknown> = Promise.resolve();
  const end = (how: StreamEnd) => {
    if (ended) return;
    ended = true;
    try {
      observer.end(how);
    } catch {
      // recording only
    }
  };
  const serial = <T>(run: () => Promise<T>): Promise<T> => {
    const result = queue.then(run);
    queue = result.then(ignore, ignore);
    return result;
  };
  const next = async (): Promise<IteratorResult<unknown>> => {
    if (ended) return source.next();
    for (;;) {
      let step: IteratorResult<unknown>;
      try {
        step = await source.next();
      } catch (error) {
        end({ kind: 'failed', error });
        throw error;
      }
      if (step.done) {
        end({ kind: aborted(stream) ? 'aborted' : 'completed' });
        return step;
      }
      let shown = true;
      try {
        shown = observer.item(step.value) !== false;
      } catch {
        shown = true;
      }
      if (shown) return step;
    }
  };
  const iterator: AsyncIterableIterator<unknown> = {
    next: () => serial(next),
    return: (value?: unknown) =>
      serial(async () => {
        end({ kind: 'cancelled' });
        return typeof source.return === 'function' ? source.return(value) : { done: true as const, value };
      }),
    throw: (error?: unknown) =>
      serial(async () => {
        end({ kind: 'cancelled' });
        if (typeof source.throw === 'function') return source.throw(error);
        throw error;
      }),
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/**
 * Watches the reads of `stream`: the first iterator made from it reports to `observer` (a second
 * one is the SDK's "already consumed" error, passed through unwatched). Returns false, changing
 * nothing, when `stream` has no iterator factory to watch.
 */
export function watchStream(stream: object, observer: StreamObserver): boolean {
  const target = stream as Record<string | symbol, unknown>;
  let key: string | symbol;
  let original: unknown;
  try {
    key = typeof target.iterator === 'function' ? 'iterator' : Symbol.asyncIterator;
    original = target[key];
  } catch {
    return false;
  }
  if (typeof original !== 'function') return false;
  let attached = false;
  const factory = function (this: unknown, ...args: unknown[]) {
    const source = Reflect.apply(original as (...a: unknown[]) => unknown, this, args) as AsyncIterator<unknown>;
    if (attached || typeof source?.next !== 'function') return source;
    attached = true;
    return watched(source, stream, observer);
  };
  try {
    // An own field (the SDKs' `iterator`) keeps its descriptor; a method of the prototype is shadowed by a non-enumerable own one.
    if (Object.prototype.hasOwnProperty.call(target, key)) target[key] = factory;
    else Object.defineProperty(target, key, { value: factory, enumerable: false, writable: true, configurable: true });
  } catch {
    return false;
  }
  return target[key] === factory;
}
