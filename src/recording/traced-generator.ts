import { frameStorage } from './context.js';
import type { OpRun } from './op-run.js';
import { captureWith, type CaptureSetting } from './op-run.js';
import { lastCaptureBytes } from './capture.js';

/**
 * Generators are traced by a thin iterator around the original: every `next`/`return`/`throw`
 * runs the body inside the op's frame (a generator body runs in its caller's context
 * otherwise), every yield is counted and every `emitEvery`-th is emitted, and the first of
 * finish (`ok`), early return (`cancelled`), throw (`error`) or garbage collection of an
 * abandoned generator (`cancelled`, reason `abandoned`) ends the op.
 */

type Method = 'next' | 'return' | 'throw';

export interface YieldOptions {
  /** Emit every Nth yield; 0 emits none. */
  readonly emitEvery: number;
  readonly captureYields: CaptureSetting<unknown>;
}

const abandoned = new FinalizationRegistry<OpRun>((run) => {
  if (!run.ended) run.cancel({ reason: 'abandoned' });
});

function callInner(inner: any, method: Method, arg: unknown): any {
  return inner[method](arg);
}

function recordYield(run: OpRun, options: YieldOptions, value: unknown): void {
  const idx = run.yieldCount++;
  if (options.emitEvery === 0 || idx % options.emitEvery !== 0) return;
  const { frame } = run;
  try {
    const yielded = captureWith(options.captureYields, value, run.limits);
    frame.emitter.emit('op_yield', frame.opName, frame.ctx, { yielded, idx }, lastCaptureBytes() + 24);
  } catch (error) {
    frame.emitter.host.reportInternalError('op_yield', error);
  }
}

/** Records one step; never throws (a step object whose `done` or `value` getter throws is the inner iterator's). */
function settle(run: OpRun, options: YieldOptions, method: Method, step: IteratorResult<unknown>): void {
  let done: boolean | undefined;
  let value: unknown;
  try {
    done = step.done;
    value = step.value;
  } catch (error) {
    run.frame.emitter.host.reportInternalError('op_yield', error);
    return;
  }
  if (done) {
    if (method === 'return') run.cancel();
    else run.succeed(value);
  } else {
    recordYield(run, options, value);
  }
}

/**
 * What both wrappers share: registration for abandonment and the three iterator methods, which
 * all go through `step` (sync or async).
 */
abstract class TracedIterator<Step> {
  constructor(
    protected readonly inner: any,
    protected readonly run: OpRun,
    protected readonly options: YieldOptions,
  ) {
    abandoned.register(this, run, run);
  }

  // `next()` and `next(undefined)` are the same to a generator: no rest array per step.
  next(value?: unknown): Step {
    return this.step('next', value);
  }

  return(value: unknown): Step {
    return this.step('return', value);
  }

  throw(error: unknown): Step {
    return this.step('throw', error);
  }

  protected abstract step(method: Method, arg: unknown): Step;
}

export class TracedGenerator<T, R, N> extends TracedIterator<IteratorResult<T, R>> implements Generator<T, R, N> {
  get [Symbol.toStringTag](): string {
    return 'Generator';
  }

  [Symbol.iterator](): this {
    return this;
  }

  protected step(method: Method, arg: unknown): IteratorResult<T, R> {
    const run = this.run;
    if (run.ended) return callInner(this.inner, method, arg);
    let step: IteratorResult<T, R>;
    try {
      step = frameStorage.run(run.frame, callInner, this.inner, method, arg);
    } catch (thrown) {
      run.fail(thrown);
      abandoned.unregister(run);
      throw thrown;
    }
    settle(run, this.options, method, step);
    if (run.ended) abandoned.unregister(run);
    return step;
  }
}

export class TracedAsyncGenerator<T, R, N> extends TracedIterator<Promise<IteratorResult<T, R>>> implements AsyncGenerator<T, R, N> {
  get [Symbol.toStringTag](): string {
    return 'AsyncGenerator';
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return(undefined);
  }

  protected step(method: Method, arg: unknown): Promise<IteratorResult<T, R>> {
    const run = this.run;
    if (run.ended) return callInner(this.inner, method, arg);
    let pending: Promise<IteratorResult<T, R>>;
    try {
      pending = frameStorage.run(run.frame, callInner, this.inner, method, arg);
    } catch (thrown) {
      run.fail(thrown);
      abandoned.unregister(run);
      return Promise.reject(thrown);
    }
    return pending.then(
      (step) => {
        if (!run.ended) settle(run, this.options, method, step);
        if (run.ended) abandoned.unregister(run);
        return step;
      },
      (thrown: unknown) => {
        run.fail(thrown);
        abandoned.unregister(run);
        throw thrown;
      },
    );
  }
}
