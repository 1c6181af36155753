import { boundName } from './bounded-text.js';
import { envConfig } from '../base/environment.js';
import { childCtx, frameStorage, type Frame } from './context.js';
import { runOutsideRequest } from './outside-request.js';
import { captureWith, OpRun, type CaptureSetting } from './op-run.js';
import type { CaptureSecrets } from '../redaction/capture-secrets.js';
import { captureArgs, lastCaptureBytes, resolveLimits, type CaptureLimits, type CapturePolicy } from './capture.js';
import { afterSettled } from '../base/settle.js';
import { invocationPrefix } from '../wire/ctx-rules.js';
import { TracedAsyncGenerator, TracedGenerator, type YieldOptions } from './traced-generator.js';

/** Options of one traced op. Unset limits fall back to the pipeline's. */
export interface OpOptions<Args extends unknown[] = unknown[]> {
  /**
   * What `op_start.inputs` records. Default `true`: one plain-object argument becomes its fields,
   * no argument `{}`, anything else `{ args: [...] }`. `false`: `{}`. A function maps the
   * arguments to what is captured (e.g. `(req) => ({ id: req.id })`).
   */
  captureInputs?: boolean | ((...args: Args) => unknown);
  /**
   * What `op_end.outputs` records. Default `true`: a plain-object result becomes its fields,
   * `undefined` `{}`, anything else `{ value }`. `false`: `{}`. A function maps the result.
   */
  captureOutputs?: CaptureSetting<any>;
  /** What `op_yield.yielded` records for generator ops; same rules as `captureOutputs`. */
  captureYields?: CaptureSetting<any>;
  /** Capture limits for this op, over the pipeline's (see `CaptureLimits`). */
  limits?: Partial<CaptureLimits>;
  /**
   * Generator ops: emit an `op_yield` for every Nth yield (default 1: all; 0: none).
   * `op_end.yield_count` always counts every yield.
   */
  emitYields?: number;
  /**
   * An AbortSignal, or a function picking it from the call's arguments. When it aborts the op
   * ends at once with status `cancelled`.
   */
  signal?: AbortSignal | ((...args: Args) => AbortSignal | undefined);
}

type AnyFunction = (...args: any[]) => any;

function isObjectLike(value: unknown): value is object {
  return (typeof value === 'object' || typeof value === 'function') && value !== null;
}

/**
 * Wraps `fn` so that each call inside a request is traced as one op invocation: `op_start`,
 * then `op_yield`s for generators, then exactly one `op_end`. The wrapper has `fn`'s exact
 * type; values, errors, `this` and thenables pass through unchanged. Outside any request (and
 * with no default pipeline) it simply calls `fn`. Tracing never throws into the caller.
 *
 * Shapes: sync, async / promise-returning, sync generator and async generator functions. A
 * function returning any other thenable (a query builder, an SDK's promise subclass) gets that
 * object back untouched and its `then` is never called by optrail: the op ends `ok` at return with
 * `thenable: true` (await it inside an `async` op to record its outcome).
 *
 * `name` must be a non-empty string (else a `TypeError` here, at definition); one longer than
 * `DEFAULT_MAX_NAME` (256) characters is recorded cut, with the cut marked.
 *
 * @example
 * const search = op('search', async ({ query }: { query: string }) => fetchResults(query));
 */
export function op<F extends AnyFunction>(name: string, fn: F, options: OpOptions<Parameters<F>> = {}): F {
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`op(): name must be a non-empty string, got ${name === '' ? 'an empty string' : name === null ? 'null' : typeof name}`);
  }
  const opName = boundName(name);
  if (typeof fn !== 'function') throw new TypeError(`op(${JSON.stringify(opName)}): fn must be a function`);
  const segmentPrefix = invocationPrefix(opName);
  const captureInputs = options.captureInputs ?? true;
  const captureOutputs = options.captureOutputs ?? true;
  const emitEvery = Math.max(0, Math.floor(options.emitYields ?? 1)) || 0;
  const yieldOptions: YieldOptions = { emitEvery, captureYields: options.captureYields ?? true };
  const limitOverrides = options.limits;
  // Inputs captured through a user mapper: made once, not per call.
  const mapInputs: CaptureSetting<unknown> =
    typeof captureInputs === 'function' ? (args: unknown) => (captureInputs as AnyFunction)(...(args as unknown[])) : captureInputs;
  // Per-op limits over the pipeline's, resolved once per pipeline rather than per call.
  let limitsBase: CapturePolicy | undefined;
  let limitsResolved: CapturePolicy | undefined;
  const limitsFor = (base: CapturePolicy): CapturePolicy => {
    if (!limitOverrides) return base;
    if (base !== limitsBase) {
      limitsBase = base;
      limitsResolved = resolveLimits(base, limitOverrides);
    }
    return limitsResolved!;
  };
  const signalOption = options.signal;
  // The name as recorded under a pipeline's credential redaction, decided once per pipeline.
  let namedFor: CaptureSecrets | undefined;
  let recordedName = opName;
  let recordedPrefix = segmentPrefix;

  function invoke(parent: Frame, self: unknown, args: any[]): any {
    const emitter = parent.emitter;
    let run: OpRun;
    try {
      const limits = limitsFor(emitter.host.limits);
      const secrets = limits.secrets;
      if (secrets !== namedFor) {
        namedFor = secrets;
        recordedName = secrets === undefined ? opName : secrets.name(opName);
        recordedPrefix = invocationPrefix(recordedName);
      }
      const name = recordedName;
      const ctx = childCtx(parent, name, recordedPrefix);
      const inputs =
        captureInputs === true
          ? captureArgs(args, limits)
          : captureWith(mapInputs, args, limits);
      const signal = typeof signalOption === 'function' ? signalOption(...(args as Parameters<F>)) : signalOption;
      const start = emitter.emit('op_start', name, ctx, { inputs }, lastCaptureBytes() + 12);
      run = new OpRun(emitter, name, ctx, start, limits, captureOutputs, signal);
    } catch (error) {
      emitter.host.reportInternalError(`op ${opName}`, error);
      return fn.apply(self, args);
    }

    let result: any;
    try {
      result = frameStorage.run(run, Reflect.apply, fn, self, args);
    } catch (thrown) {
      run.fail(thrown);
      throw thrown;
    }
    if (!isObjectLike(result)) {
      run.succeed(result);
      return result;
    }
    return traceResult(run, result);
  }

  function traceResult(run: OpRun, result: any): any {
    try {
      if (typeof result.then === 'function') return tracePromise(run, result);
      if (typeof result.next === 'function') {
        const tag = Object.prototype.toString.call(result);
        if (tag === '[object Generator]') {
          run.watchSignal();
          return new TracedGenerator(result, run, yieldOptions);
        }
        if (tag === '[object AsyncGenerator]') {
          run.watchSignal();
          return new TracedAsyncGenerator(result, run, yieldOptions);
        }
      }
    } catch (error) {
      run.frame.emitter.host.reportInternalError(`op ${opName}`, error);
    }
    run.succeed(result);
    return result;
  }

  function tracePromise(run: OpRun, thenable: PromiseLike<unknown>): unknown {
    const returned = afterSettled(thenable, run);
    run.watchSignal(); // after: a thenable that is not observed has ended the op already
    return returned;
  }

  const traced = function (this: unknown, ...args: any[]): any {
    const parent = frameStorage.getStore();
    if (parent !== undefined) return invoke(parent, this, args);
    if (envConfig().disabled) return fn.apply(this, args);
    return runOutsideRequest(() => traced.apply(this, args), () => fn.apply(this, args));
  };
  try {
    Object.defineProperty(traced, 'name', { value: fn.name || opName, configurable: true });
    Object.defineProperty(traced, 'length', { value: fn.length, configurable: true });
  } catch {
    // a name is cosmetic
  }
  return traced as unknown as F;
}
