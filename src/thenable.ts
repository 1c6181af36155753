/** True for anything with a callable `then`. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Observes how `thenable` settles and returns what the caller should get instead of it.
 * A native promise is replaced by an equivalent one (same value, same rejection, so an
 * unhandled rejection still surfaces as one). Any other thenable, such as an SDK's promise
 * subclass with extra methods, is returned as is so its own API keeps working.
 * The observers must not throw.
 */
export function afterSettled<T>(
  thenable: PromiseLike<T>,
  onFulfilled: (value: T) => void,
  onRejected: (reason: unknown) => void,
): PromiseLike<T> {
  if (thenable instanceof Promise && thenable.constructor === Promise) {
    return thenable.then(
      (value) => {
        onFulfilled(value);
        return value;
      },
      (reason: unknown) => {
        onRejected(reason);
        throw reason;
      },
    );
  }
  thenable.then(onFulfilled, onRejected);
  return thenable;
}
