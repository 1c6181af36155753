/**
 * One traced API method: the op a call of it becomes, from the call to the end of its result
 * (the parsed body, or the last item of its stream), with its usage. What each API records is
 * the integration's (`CallRecording`); how a call is watched and how its op ends is here, the
 * same for every method of every client.
 */
import type { LlmUsage } from '../../src/recording/llm-usage.js';
import { currentFrame } from '../../src/recording/context.js';
import { startOp, type OpenOp } from '../../src/recording/open-op.js';
import { watchApiPromise } from './api-promise.js';
import { read } from './safe-read.js';
import { watchStream, type StreamEnd } from './stream.js';

/** What a result (or a stream, as far as it was read) records. */
export interface Recorded {
  /** The op's outputs when it ends `ok`; else what was received, in a `received` annotation. `undefined`: nothing. */
  outputs?: unknown;
  /** The call's usage, recorded on its op before it ends. */
  usage?: LlmUsage;
  /** Why no usage, or only part of it, was recorded: an annotation `usage_missing` / `usage_partial` on the op. */
  usageNote?: readonly ['usage_missing' | 'usage_partial', string];
  /** A failure the body reports while the client returns normally (a Responses API `response.failed`): the op ends `error`. */
  failure?: unknown;
}

/** What one call of an API method records; the integration makes one per call. */
export interface CallRecording {
  /** The arguments to call the client with: the caller's, or a copy of them asking for more (OpenAI's `include_usage`). */
  readonly args: readonly unknown[];
  /** A result that is not streamed. */
  result(data: unknown): Recorded;
  /** Each streamed item, in order, before the caller gets it; false keeps it from the caller. */
  item(value: unknown): boolean;
  /** What the stream recorded, once it ended (however it ended). */
  streamed(): Recorded;
}

/** How a method is traced. */
export interface TracedMethod {
  /** The op's name for a call with these arguments. */
  name(args: readonly unknown[]): string;
  /** The recording of one call. */
  begin(args: readonly unknown[]): CallRecording;
  /** Whether the request body becomes the op's inputs (else `{}`). */
  captureInputs: boolean;
  /** Whether the answer becomes the op's outputs (else `{}`); usage is recorded either way. */
  captureOutputs: boolean;
  /** The provider a call that reported no usage is recorded for (its cost unknown, counted). */
  provider: string;
}

/** The abort signal in a call's request options (its second argument), read without throwing. */
function signalOf(args: readonly unknown[]): AbortSignal | undefined {
  const signal = read(args[1], 'signal');
  return signal instanceof AbortSignal ? signal : undefined;
}

/** Whether `error` ends the call as cancelled: an abort, or the caller's signal fired. */
function isCancellation(error: unknown, signal: AbortSignal | undefined): boolean {
  if (signal?.aborted) return true;
  if (read(error, 'name') === 'AbortError') return true;
  return read(read(error, 'constructor'), 'name') === 'APIUserAbortError'; // the SDKs' abort error, named 'Error'
}

function describe(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'unreadable';
  }
}

/** Ends the op of one call, once: usage, notes, then the end. */
class CallEnd {
  constructor(
    private readonly op: OpenOp,
    private readonly name: string,
    private readonly method: TracedMethod,
    private readonly signal: AbortSignal | undefined,
    private readonly requestedModel: unknown,
  ) {}

  /** Runs a recording step; a failure of optrail's own is kept on the op, never thrown. */
  guard<T>(step: () => T, fallback: T): T {
    try {
      return step();
    } catch (error) {
      // Counted in the pipeline's internal errors, and said on the op.
      this.op.run(() => currentFrame()?.emitter.host.reportInternalError(this.name, error));
      this.op.annotate('integration_error', describe(error));
      return fallback;
    }
  }

  settle(recorded: Recorded, end: StreamEnd): void {
    const op = this.op;
    if (op.ended) return;
    if (recorded.usage !== undefined) op.recordUsage(recorded.usage);
    else if (recorded.usageNote?.[0] === 'usage_missing') {
      // The call was made (and billed) but said nothing of its tokens: a usage of unknown cost, never a silent $0.
      const model = typeof this.requestedModel === 'string' && this.requestedModel !== '' ? this.requestedModel : 'unknown';
      op.recordUsage({ model, provider: this.method.provider, promptTokens: undefined, completionTokens: undefined });
    }
    if (recorded.usageNote !== undefined) op.annotate(recorded.usageNote[0], recorded.usageNote[1]);
    const outputs = this.method.captureOutputs ? recorded.outputs : undefined;
    if (end.kind === 'completed' && recorded.failure === undefined) {
      op.end(outputs);
      return;
    }
    if (outputs !== undefined) op.annotate('received', outputs);
    if (end.kind === 'completed') op.fail(recorded.failure);
    else if (end.kind === 'failed' && !isCancellation(end.error, this.signal)) op.fail(end.error);
    else op.cancel();
  }

  fail(error: unknown): void {
    if (this.op.ended) return;
    if (isCancellation(error, this.signal)) {
      this.op.cancel();
      return;
    }
    // The provider's id of the failed request, for its support (the SDKs' `requestID`).
    const requestId = read(error, 'requestID');
    if (typeof requestId === 'string') this.op.annotate('request_id', requestId);
    this.op.fail(error);
  }
}

function isAsyncIterable(value: unknown): value is object {
  return typeof read(value, Symbol.asyncIterator) === 'function';
}

/**
 * Wraps a client method so that each call inside a request (or outside any, as a request of the
 * default pipeline) is an op. The caller gets exactly what the client returns (the same
 * `APIPromise`, then the same body or `Stream`), and what it throws or rejects with. With tracing
 * disabled the method is called as it is.
 */
export function traceMethod(original: (this: unknown, ...args: any[]) => any, method: TracedMethod): (this: unknown, ...args: any[]) => any {
  return function (this: unknown, ...args: unknown[]) {
    let op: OpenOp | undefined;
    let name = '';
    try {
      name = method.name(args);
      op = startOp(name, method.captureInputs ? args[0] : undefined);
    } catch {
      op = undefined;
    }
    if (op === undefined) return Reflect.apply(original, this, args);
    const ending = new CallEnd(op, name, method, signalOf(args), read(args[0], 'model'));
    const recording = ending.guard(() => method.begin(args), undefined);
    const started = op;
    let result: unknown;
    try {
      result = started.run(() => Reflect.apply(original, this, recording?.args ?? args));
    } catch (error) {
      ending.fail(error);
      throw error;
    }
    if (recording === undefined) {
      started.end();
      return result;
    }
    const watched = watchApiPromise(result, {
      data(value) {
        if (started.ended) return;
        if (!isAsyncIterable(value)) {
          ending.settle(ending.guard(() => recording.result(value), {}), { kind: 'completed' });
          return;
        }
        const streaming = watchStream(value, {
          item: (item) => ending.guard(() => recording.item(item), true),
          end: (how) => ending.settle(ending.guard(() => recording.streamed(), {}), how),
        });
        if (!streaming) {
          started.annotate('unwatched', 'the stream has no iterator optrail can watch');
          started.end();
        }
      },
      error: (error) => ending.fail(error),
      responseOnly(response) {
        // The caller reads the body itself: the call ends with its status.
        if (!started.ended) started.end({ http_status: read(response, 'status') });
      },
    });
    if (!watched) {
      started.annotate('unwatched', 'the client returned no APIPromise optrail can watch');
      started.end();
    }
    return result;
  };
}
