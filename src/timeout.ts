/** Raised when an exporter call outlives its deadline. */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/**
 * Runs `call` and waits for what it returns (value or promise) at most `ms` milliseconds.
 * A synchronous throw becomes a rejection. The timer does not keep the process alive.
 */
export function withTimeout(call: () => unknown, ms: number, what: string): Promise<void> {
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    return Promise.reject(error);
  }
  if (result === null || typeof result !== 'object' || typeof (result as { then?: unknown }).then !== 'function') {
    return Promise.resolve();
  }
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError(`${what} took longer than ${ms} ms`)), ms);
    timer.unref?.();
    (result as PromiseLike<unknown>).then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
