import { isThenable } from './settle.js';

/** Raised when an exporter call outlives its deadline. */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/** Longest delay a Node timer takes (about 24.8 days); a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const noop = () => {};

/**
 * Keeps the process alive until the returned function is called. Every timer optrail arms is
 * unref'd, so background work (retry backoff, probes, batch age) never keeps a finished program
 * running; a program that awaits `shutdown()` or `flush()` has nothing else left, so those waits
 * hold the event loop with this for as long as they last (their own deadlines bound them).
 * Without it, a top-level `await pipeline.shutdown()` that waits on an unref'd timer ends the
 * process with exit code 13 and spools nothing.
 */
export function holdEventLoop(): () => void {
  const handle = setInterval(noop, MAX_TIMER_MS);
  return () => clearInterval(handle);
}

/** Runs `work` while holding the event loop (see `holdEventLoop`). */
export async function holdingEventLoop<T>(work: () => Promise<T>): Promise<T> {
  const release = holdEventLoop();
  try {
    return await work();
  } finally {
    release();
  }
}

/**
 * Resolves `true` once `promise` settles (whatever the outcome), or `false` after `ms` or when
 * `signal` aborts, whichever comes first: the one "wait at most" of optrail. `ms` = `Infinity`
 * arms no timer (only `signal` ends the wait early). The timer does not keep the process alive.
 */
export function settlesWithin(promise: PromiseLike<unknown>, ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const finish = (settled: boolean) => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(settled);
    };
    const onAbort = () => finish(false);
    const timer = ms === Infinity ? undefined : setTimeout(() => finish(false), Math.min(Math.max(ms, 0), MAX_TIMER_MS));
    timer?.unref();
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(
      () => finish(true),
      () => finish(true),
    );
  });
}

/** Waits `ms`, or less when `signal` aborts. The timer does not keep the process alive. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return settlesWithin(new Promise<never>(noop), ms, signal).then(noop);
}

/**
 * Runs `call` and waits for what it returns (value or promise) at most `ms` milliseconds.
 * A synchronous throw becomes a rejection. The timer does not keep the process alive.
 */
export async function withTimeout(call: () => unknown, ms: number, what: string): Promise<void> {
  const result = call();
  if (!isThenable(result)) return;
  let outcome: { error: unknown } | undefined;
  const settled = Promise.resolve(result).then(noop, (error: unknown) => void (outcome = { error }));
  if (!(await settlesWithin(settled, ms))) throw new TimeoutError(`${what} took longer than ${ms} ms`);
  if (outcome) throw outcome.error;
}

/** How an abortable call ended (see `abortableCall`). */
export type CallOutcome =
  /** It returned or resolved (possibly after its signal was aborted: it delivered anyway). */
  | { kind: 'ok' }
  /** It threw or rejected; `abortedWith` is the abort's reason when that came after its signal was aborted (an acknowledged abort). */
  | { kind: 'failed'; error: unknown; abortedWith?: unknown }
  /** Its signal was aborted (`reason`) and it did not settle within the grace: given up; `late` settles if it ever does. */
  | { kind: 'hung'; reason: unknown; late: Promise<CallOutcome> }
  /** `stop` was aborted before the call began: it was never made. */
  | { kind: 'not-called' };

/** Bounds of one abortable call. */
export interface CallBounds {
  /** Past this, in ms, the call's signal is aborted with a `TimeoutError`. */
  timeoutMs: number;
  /** How long the call may take to settle once its signal was aborted, in ms, before it counts as hung. */
  graceMs: number;
  /** Names the call in the `TimeoutError` message. */
  what: string;
  /** Aborting this aborts the call at once (with this signal's reason), e.g. at a shutdown deadline. */
  stop?: AbortSignal;
  /** Aborting this ends the grace at once: a call not settled by then is `hung` (the end of a shutdown). */
  giveUp?: AbortSignal;
}

/**
 * Runs `call(signal)` and waits until it settles, or until `timeoutMs` passes or `stop` aborts:
 * then aborts `signal` and waits at most `graceMs` more for the call to acknowledge (settle). A
 * call that still has not settled is reported `hung` and left behind, so whoever makes calls one
 * at a time never waits forever on one that ignores its signal. Timers do not keep the process
 * alive.
 */
export async function abortableCall(call: (signal: AbortSignal) => unknown, bounds: CallBounds): Promise<CallOutcome> {
  if (bounds.stop?.aborted) return { kind: 'not-called' };
  const controller = new AbortController();
  let result: unknown;
  try {
    result = call(controller.signal);
  } catch (error) {
    return { kind: 'failed', error };
  }
  if (!isThenable(result)) return { kind: 'ok' };
  let outcome: CallOutcome | undefined;
  const { signal } = controller;
  const settled = Promise.resolve(result).then(
    (): CallOutcome => (outcome = { kind: 'ok' }),
    (error: unknown): CallOutcome => (outcome = signal.aborted ? { kind: 'failed', error, abortedWith: signal.reason } : { kind: 'failed', error }),
  );
  if (await settlesWithin(settled, bounds.timeoutMs, bounds.stop)) return outcome!;
  const reason = bounds.stop?.aborted ? bounds.stop.reason : new TimeoutError(`${bounds.what} took longer than ${bounds.timeoutMs} ms`);
  controller.abort(reason);
  if (await settlesWithin(settled, bounds.graceMs, bounds.giveUp)) return outcome!;
  return { kind: 'hung', reason, late: settled };
}

/**
 * One signal that aborts when any of `signals` does (with its reason), and `dispose` to unhook
 * it. Unlike `AbortSignal.any`, it leaves no listener on a long-lived signal once disposed.
 */
export function anySignal(...signals: Array<AbortSignal | undefined>): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const hooked: Array<[AbortSignal, () => void]> = [];
  for (const source of signals) {
    if (!source) continue;
    if (source.aborted) {
      controller.abort(source.reason);
      break;
    }
    const onAbort = () => controller.abort(source.reason);
    source.addEventListener('abort', onAbort, { once: true });
    hooked.push([source, onAbort]);
  }
  return { signal: controller.signal, dispose: () => hooked.forEach(([source, onAbort]) => source.removeEventListener('abort', onAbort)) };
}
