/** True for anything with a callable `then`. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** What is told how a thenable settled; it must not throw. */
export interface SettleObserver {
  succeed(value: unknown): void;
  fail(reason: unknown): void;
}

/**
 * Observes how `thenable` settles and returns what the caller should get instead of it.
 * A native promise is replaced by an equivalent one (same value, same rejection, so an
 * unhandled rejection still surfaces as one). Any other thenable, such as an SDK's promise
 * subclass with extra methods, is returned as is so its own API keeps working.
 * Two closures per call, whatever the observer (an op run is its own observer).
 */
export function afterSettled<T>(thenable: PromiseLike<T>, observer: SettleObserver): PromiseLike<T> {
  if (thenable instanceof Promise && thenable.constructor === Promise) {
    return thenable.then(
      (value) => {
        observer.succeed(value);
        return value;
      },
      (reason: unknown) => {
        observer.fail(reason);
        throw reason;
      },
    );
  }
  thenable.then(
    (value) => observer.succeed(value),
    (reason: unknown) => observer.fail(reason),
  );
  return thenable;
}
