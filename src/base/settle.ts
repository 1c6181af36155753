/** True for anything with a callable `then`. Never throws: a value whose `then` cannot be read (a revoked Proxy) is no thenable. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  try {
    return typeof (value as { then?: unknown }).then === 'function';
  } catch {
    return false;
  }
}

/** What is told how a thenable settled; it must not throw. */
export interface SettleObserver {
  succeed(value: unknown): void;
  fail(reason: unknown): void;
  /**
   * Told at once, instead of `succeed` / `fail`, when the thenable is not a native promise and is
   * therefore not observed (see `afterSettled`). Default: `succeed(undefined)`.
   */
  unobserved?(): void;
}

const nativeThen = Promise.prototype.then;

/**
 * A promise made by the built-in `Promise` (not a subclass, no `then` of its own): the one kind
 * of thenable whose settling can be observed without changing the program.
 */
export function isNativePromise(value: unknown): value is Promise<unknown> {
  // Never throws: a Proxy whose getPrototypeOf trap throws, or a promise whose `constructor`
  // getter throws, is simply not a native promise.
  try {
    return value instanceof Promise && value.constructor === Promise && value.then === nativeThen;
  } catch {
    return false;
  }
}

/**
 * Observes how `thenable` settles and returns what the caller should get instead of it.
 *
 * A native promise is replaced by an equivalent one (same value, same rejection, so an
 * unhandled rejection still surfaces as one). Any other thenable is returned as is and its
 * `then` is never called: a query builder's `then` starts the query (calling it would run the
 * query twice), an SDK's promise subclass keeps its own API, and a handler attached to a
 * rejected subclass would hide the `unhandledRejection` the program would otherwise raise.
 * The observer hears `unobserved()` at once for those. Two closures per native promise.
 */
export function afterSettled<T>(thenable: PromiseLike<T>, observer: SettleObserver): PromiseLike<T> {
  if (!isNativePromise(thenable)) {
    if (observer.unobserved) observer.unobserved();
    else observer.succeed(undefined);
    return thenable;
  }
  return nativeThen.call(
    thenable,
    (value) => {
      observer.succeed(value);
      return value;
    },
    (reason: unknown) => {
      observer.fail(reason);
      throw reason;
    },
  ) as Promise<T>;
}
