import { envConfig } from '../base/environment.js';
import { invocationPrefix } from '../wire/ctx-rules.js';
import { emitAnnotation } from './annotate.js';
import { boundName } from './bounded-text.js';
import { captureArgs, lastCaptureBytes } from './capture.js';
import { childCtx, frameStorage, type Frame } from './context.js';
import { recordUsageIn, type LlmUsage } from './llm-usage.js';
import { OpRun } from './op-run.js';
import { runOutsideRequest } from './outside-request.js';

/**
 * An op whose start and end are not one function call: a call reported by callbacks (an SDK's
 * telemetry hooks), or a stream that ends when its reader is done. `op()` is the way for a
 * function; this is the way for the rest. Every method never throws.
 */
export interface OpenOp {
  /** The op's invocation path (wire format `ctx`). */
  readonly ctx: readonly string[];
  /** True once `end`, `fail` or `cancel` (or the signal) ended it. */
  readonly ended: boolean;
  /**
   * Runs `fn` with this op as the current op, so `op()` calls, `annotate` and `recordLlmUsage`
   * inside it nest under this op; returns what `fn` returns and lets what it throws through.
   */
  run<T>(fn: () => T): T;
  /** Records an `llm_usage` event on this op (see `recordLlmUsage`). */
  recordUsage(usage: LlmUsage): void;
  /** Records an `annotation` on this op (see `annotate`). */
  annotate(key: string, value: unknown): void;
  /** Ends the op `ok` with `outputs` captured as `op()` captures a result (a plain object: its fields; else `{ value }`). */
  end(outputs?: unknown): void;
  /** Ends the op `error` with `error` described as `op()` describes a throw (`cancelled` for an `AbortError`). */
  fail(error: unknown): void;
  /** Ends the op `cancelled`. */
  cancel(): void;
}

/** Options of `startOp`. */
export interface StartOpOptions {
  /** The op to start under. Default: the current op (or the request's top, or a new request). */
  parent?: OpenOp;
  /** When it aborts, the op ends `cancelled` at once. */
  signal?: AbortSignal;
}

class StartedOp implements OpenOp {
  private abortListener: (() => void) | undefined;

  constructor(
    readonly frame: OpRun,
    private readonly signal: AbortSignal | undefined,
  ) {
    if (signal === undefined) return;
    if (signal.aborted) this.cancel();
    else {
      this.abortListener = () => this.cancel();
      signal.addEventListener('abort', this.abortListener, { once: true });
    }
  }

  get ctx(): readonly string[] {
    return this.frame.ctx;
  }

  get ended(): boolean {
    return this.frame.ended;
  }

  run<T>(fn: () => T): T {
    return frameStorage.run(this.frame, fn);
  }

  recordUsage(usage: LlmUsage): void {
    recordUsageIn(this.frame, usage);
  }

  annotate(key: string, value: unknown): void {
    try {
      emitAnnotation(this.frame.emitter, this.frame.opName, this.frame.ctx, key, value);
    } catch (error) {
      this.frame.emitter.host.reportInternalError('annotate', error);
    }
  }

  end(outputs?: unknown): void {
    this.finish(() => this.frame.succeed(outputs));
  }

  fail(error: unknown): void {
    this.finish(() => this.frame.fail(error));
  }

  cancel(): void {
    this.finish(() => this.frame.cancel());
  }

  private finish(ending: () => void): void {
    if (this.frame.ended) return;
    try {
      if (this.abortListener) this.signal!.removeEventListener('abort', this.abortListener);
      ending();
    } catch (error) {
      this.frame.emitter.host.reportInternalError('startOp end', error);
    }
  }
}

function begin(parent: Frame, name: unknown, inputs: unknown, signal: AbortSignal | undefined): StartedOp | undefined {
  const emitter = parent.emitter;
  try {
    const limits = emitter.host.limits;
    const bounded = boundName(typeof name === 'string' && name !== '' ? name : 'op');
    const opName = limits.secrets?.name(bounded) ?? bounded;
    const ctx = childCtx(parent, opName, invocationPrefix(opName));
    const captured = captureArgs(inputs === undefined ? [] : [inputs], limits);
    const start = emitter.emit('op_start', opName, ctx, { inputs: captured }, lastCaptureBytes() + 12);
    return new StartedOp(new OpRun(emitter, opName, ctx, start, limits, true, undefined), signal);
  } catch (error) {
    emitter.host.reportInternalError(`startOp ${String(name)}`, error);
    return undefined;
  }
}

/**
 * Starts an op now (`op_start`) and leaves its end to the caller: for integrations whose calls are
 * reported by callbacks or end with a stream. Inputs are captured as `op()` captures one
 * plain-object argument (its fields; anything else `{ args: [value] }`). It starts under
 * `options.parent`, else the current op; outside any request it starts a new request of the
 * default pipeline that ends when this op ends (or, like any op a request did not await, is
 * marked ended with it still open after `requestEndGraceMs` and at shutdown). Returns `undefined` when nothing records it
 * (tracing disabled, or no default pipeline). Never throws.
 *
 * @example
 * const call = startOp('llm', { model, messages });
 * try {
 *   const reply = await call?.run(() => client.complete(messages)) ?? (await client.complete(messages));
 *   call?.end({ reply });
 * } catch (error) {
 *   call?.fail(error);
 *   throw error;
 * }
 */
export function startOp(name: string, inputs?: unknown, options: StartOpOptions = {}): OpenOp | undefined {
  try {
    const parent = options.parent instanceof StartedOp ? options.parent.frame : frameStorage.getStore();
    if (parent !== undefined) return begin(parent, name, inputs, options.signal);
    if (envConfig().disabled) return undefined;
    let started: StartedOp | undefined;
    runOutsideRequest(
      () => {
        const top = frameStorage.getStore();
        // The run settles at once and the op stays open in it, as an op a request did not await:
        // the request ends when the op does, or is marked ended with it open after
        // `requestEndGraceMs` and at shutdown, so a call that never ends cannot hold it forever.
        if (top !== undefined) started = begin(top, name, inputs, options.signal);
        return undefined;
      },
      () => undefined,
    );
    return started;
  } catch {
    return undefined; // reading the options or the environment failed: record nothing, break nothing
  }
}
