import { nowMicros } from '../wire/clock.js';
import type { Frame } from './context.js';
import type { Emitter } from './emitter.js';
import { captureAsObject, lastCaptureBytes, type CapturePolicy, type JsonObject } from './capture.js';
import { describeThrown, thrownBytes } from './thrown-error.js';

export { describeThrown, type ThrownDescription } from './thrown-error.js';

export type OpStatus = 'ok' | 'error' | 'cancelled';

/** How an op's result or yielded values are captured: `false` for nothing, or a mapper. */
export type CaptureSetting<T> = boolean | ((value: T) => unknown);

const EMPTY_OUTPUTS: JsonObject = Object.freeze({});
const THENABLE: Readonly<Record<string, unknown>> = Object.freeze({ thenable: true });

/**
 * Captures `value` through a user mapper (or as is for `true`). A mapper that throws yields
 * `{ $capture_error }` instead of losing the event.
 */
export function captureWith(setting: CaptureSetting<unknown>, value: unknown, limits: CapturePolicy): JsonObject {
  if (setting === false) return EMPTY_OUTPUTS;
  let mapped: unknown;
  try {
    mapped = setting === true ? value : setting(value);
  } catch (error) {
    mapped = { $capture_error: describeThrown(error, limits.maxString).message }; // scrubbed as it is captured
  }
  return captureAsObject(mapped, limits);
}

function isAbort(thrown: unknown, signal: AbortSignal | undefined): boolean {
  try {
    if (signal?.aborted) return true;
    return thrown !== null && typeof thrown === 'object' && (thrown as { name?: unknown }).name === 'AbortError';
  } catch {
    return false; // a name getter that throws, a Proxy: not an abort we can see
  }
}

/**
 * One invocation of a traced op, from `op_start` to its one `op_end`. Whatever ends it first
 * (return, throw, abort, early `return()` of a generator, garbage collection of an abandoned
 * generator) wins; later endings are ignored, so there is exactly one `op_end`.
 *
 * It is also the invocation's frame (what AsyncLocalStorage holds while the body runs): one
 * object per call instead of two.
 */
export class OpRun implements Frame {
  ended = false;
  yieldCount = 0;
  childCalls: Map<string, number> | undefined = undefined;
  lastChild: string | undefined = undefined;
  lastChildCalls = 0;
  private abortListener: (() => void) | undefined;

  constructor(
    readonly emitter: Emitter,
    readonly opName: string,
    readonly ctx: readonly string[],
    readonly startMicros: number,
    readonly limits: CapturePolicy,
    private readonly captureOutputs: CaptureSetting<unknown>,
    readonly signal: AbortSignal | undefined,
  ) {}

  /** The frame of this invocation: the run itself. */
  get frame(): Frame {
    return this;
  }

  /** Ends the op as `cancelled` as soon as the signal aborts, even if the body never settles. */
  watchSignal(): void {
    const signal = this.signal;
    if (!signal || this.ended) return;
    if (signal.aborted) return; // decided when the body settles
    this.abortListener = () => this.end('cancelled', undefined, undefined);
    signal.addEventListener('abort', this.abortListener, { once: true });
  }

  succeed(result: unknown): void {
    this.end('ok', result, undefined);
  }

  fail(thrown: unknown): void {
    this.end(isAbort(thrown, this.signal) ? 'cancelled' : 'error', undefined, thrown);
  }

  cancel(extra?: Record<string, unknown>): void {
    this.end('cancelled', undefined, undefined, extra);
  }

  /**
   * The body returned a thenable that is not a native promise (a query builder, an SDK's promise
   * subclass). Its `then` may start work, and observing it would mark a rejection handled, so
   * optrail never calls it: the op ends now, `ok`, with `thenable: true` and empty outputs.
   */
  unobserved(): void {
    this.end('ok', undefined, undefined, THENABLE);
  }

  private end(status: OpStatus, result: unknown, thrown: unknown, extra?: Record<string, unknown>): void {
    if (this.ended) return;
    this.ended = true;
    const emitter = this.emitter;
    try {
      if (this.abortListener) this.signal!.removeEventListener('abort', this.abortListener);
      let outputs = EMPTY_OUTPUTS;
      let outputBytes = 2;
      if (status === 'ok' && this.captureOutputs !== false && extra !== THENABLE) {
        outputs = captureWith(this.captureOutputs, result, this.limits);
        outputBytes = lastCaptureBytes();
      }
      const micros = nowMicros();
      const payload: Record<string, unknown> = {
        outputs,
        status,
        duration_ms: (micros - this.startMicros) / 1000,
        yield_count: this.yieldCount,
      };
      if (status === 'error') {
        const described = describeThrown(thrown, this.limits.maxString);
        const error = this.limits.secrets?.scrubJson(described) ?? described;
        payload.error = error;
        outputBytes += thrownBytes(error);
      }
      if (extra) Object.assign(payload, extra);
      emitter.emitAt(micros, 'op_end', this.opName, this.ctx, payload, outputBytes + 80);
    } catch (error) {
      emitter.host.reportInternalError('op_end', error);
    }
  }
}
