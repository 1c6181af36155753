/**
 * Watching an SDK's `APIPromise` (openai 6 and 7, @anthropic-ai/sdk 1) without changing it. The
 * caller keeps the very object the client returned, with `.withResponse()`, `.asResponse()` and
 * `._thenUnwrap()`; optrail defines own methods over four of its methods (non-enumerable over the
 * prototype's; over one the SDK set on the instance, as openai 7 does, with its flags):
 *
 * - `parse()`, which `then`, `catch`, `finally` and `withResponse` all go through: what it
 *   resolves to (the parsed body, or the `Stream` of a streamed call) is seen before the
 *   caller's continuation runs, and what it rejects with is seen and passed on unchanged;
 * - `asResponse()`: a caller that asks for the raw `Response` before any parse reads the body
 *   itself, so the call ends there (as the Anthropic SDK's own spans do);
 * - `_thenUnwrap(transform)` (the SDK's helpers, e.g. `chat.completions.parse`): the data is
 *   seen before `transform`, and the promise it returns is watched the same way;
 * - `_responseProps()` (Anthropic's helpers): passed through, counted as the caller's.
 *
 * The request's own promise (`responsePromise`) is watched for a failure, so a call whose promise
 * is never awaited still ends `error`. Watching it handles its rejection, which the untraced
 * client would leave unhandled: so when it fails before the caller asked for anything, the same
 * error is rejected again in a promise of optrail's own, unhandled as the client's would have
 * been (Node reports it, or crashes, the same way), and handled as soon as the caller asks (as the
 * client's would then be). The caller never gets an unhandled rejection the client would not have
 * given, and none the client would have given goes missing.
 */
import { defineMethod } from './instrument.js';

/** What watching one API call reports. Every method is called inside a try (never throws into the client). */
export interface CallObserver {
  /** The parsed result: the body, or the `Stream` of a streamed call. Called once, before the caller sees it. */
  data(value: unknown): void;
  /** The request or the parse of its body failed with `error` (the object the caller gets). */
  error(error: unknown): void;
  /** The caller asked for the raw `Response` before any parse: it reads the body itself. */
  responseOnly(response: unknown): void;
}

/** One call's watch, shared by the promise the client returned and those `_thenUnwrap` made from it. */
class Watch {
  /** The caller asked for the result (attached to the request, as the untraced client would have). */
  private asked = false;
  /** The request's failure, rejected again while nobody asked (see the file comment). */
  private raised: Promise<never> | undefined;
  private sawData = false;
  parsing = false;

  constructor(private readonly observer: CallObserver) {}

  ask(): void {
    if (this.asked) return;
    this.asked = true;
    this.raised?.catch(ignore);
  }

  requestFailed(error: unknown): void {
    this.call('error', error);
    if (!this.asked) this.raised = Promise.reject(error);
  }

  data(value: unknown): void {
    if (this.sawData) return;
    this.sawData = true;
    this.call('data', value);
  }

  call(method: keyof CallObserver, value: unknown): void {
    try {
      this.observer[method](value);
    } catch {
      // the observer records; a failure of its own must not reach the client
    }
  }
}

function ignore(): void {}

type Method = (this: unknown, ...args: any[]) => any;

/** Defines `promise[key]` as `wrap` of its method (see `defineMethod`); false when there is no such method. */
function over(promise: Record<string, unknown>, key: string, wrap: (original: Method) => Method): boolean {
  const original = promise[key];
  if (typeof original !== 'function') return false;
  return defineMethod(promise, key, wrap(original as Method));
}

/** Watches `promise` (and what `_thenUnwrap` makes from it); `dataFromParse`: whether its parse resolves to the call's own data. */
function instrument(promise: Record<string, unknown>, watch: Watch, dataFromParse: boolean): boolean {
  const parses = over(promise, 'parse', (original) => {
    let parsed: Promise<unknown> | undefined;
    return function (this: unknown, ...args: unknown[]) {
      if (this !== promise) return Reflect.apply(original, this, args);
      watch.ask();
      watch.parsing = true;
      parsed ??= (Reflect.apply(original, promise, args) as Promise<unknown>).then(
        (value) => {
          if (dataFromParse) watch.data(value);
          return value;
        },
        (error: unknown) => {
          watch.call('error', error);
          throw error;
        },
      );
      return parsed;
    };
  });
  if (!parses) return false;
  over(promise, 'asResponse', (original) =>
    function (this: unknown, ...args: unknown[]) {
      if (this !== promise) return Reflect.apply(original, this, args);
      watch.ask();
      // A new promise on the client's: it rejects (unhandled, if the caller ignores it) as the client's would.
      return (Reflect.apply(original, promise, args) as Promise<unknown>).then((response) => {
        if (!watch.parsing) watch.call('responseOnly', response);
        return response;
      });
    },
  );
  over(promise, '_responseProps', (original) =>
    function (this: unknown, ...args: unknown[]) {
      if (this === promise) watch.ask();
      return Reflect.apply(original, this, args);
    },
  );
  over(promise, '_thenUnwrap', (original) =>
    function (this: unknown, transform: unknown, ...rest: unknown[]) {
      if (this !== promise || typeof transform !== 'function') return Reflect.apply(original, this, [transform, ...rest]);
      const seen = function (this: unknown, data: unknown, ...more: unknown[]) {
        watch.data(data);
        return Reflect.apply(transform, this, [data, ...more]);
      };
      const next = Reflect.apply(original, promise, [seen, ...rest]) as unknown;
      if (typeof next === 'object' && next !== null) {
        try {
          instrument(next as Record<string, unknown>, watch, false);
        } catch {
          // the derived promise stays as the client made it
        }
      }
      return next;
    },
  );
  return true;
}

/**
 * Watches the `APIPromise` a client method returned, reporting to `observer`; the caller keeps
 * `promise` itself. Returns false, changing nothing, when `promise` is not of the shape the
 * supported SDK versions have (no `parse` method): the call is then not watched.
 */
export function watchApiPromise(promise: unknown, observer: CallObserver): boolean {
  if (typeof promise !== 'object' || promise === null) return false;
  const watch = new Watch(observer);
  let watched: boolean;
  try {
    watched = instrument(promise as Record<string, unknown>, watch, true);
  } catch {
    return false;
  }
  if (!watched) return false;
  let request: unknown;
  try {
    request = (promise as { responsePromise?: unknown }).responsePromise;
  } catch {
    request = undefined;
  }
  // A native promise only: its `then` starts nothing. (An SDK that hides it leaves a call that
  // fails before anyone asks open; it is counted open in its request's end.)
  if (request instanceof Promise) request.then(undefined, (error: unknown) => watch.requestFailed(error));
  return true;
}
