import { BoundedMap } from '../../src/base/bounded-map.js';
import { currentFrame } from '../../src/recording/context.js';
import type { EmitterHost } from '../../src/recording/emitter.js';
import type { OpenOp } from '../../src/recording/open-op.js';

/**
 * The open ops of one AI SDK call (one `callId`: a generateText, streamText, generateObject,
 * streamObject, embed… from `onStart` to `onEnd` / `onError` / `onAbort`). The SDK runs a call's
 * steps one after the other, so one step and one model call are open at a time; tools of a step
 * may run together, keyed by their `toolCallId`, and embedMany's chunks by their `embedCallId`.
 */
export interface OpenCall {
  readonly callId: string;
  /** The operation's op; `undefined` when nothing records it (tracing disabled). */
  readonly root: OpenOp | undefined;
  /** Where optrail's own failures about this call are counted: the pipeline of its request. */
  readonly host: EmitterHost | undefined;
  step: OpenOp | undefined;
  stepNumber: number;
  model: OpenOp | undefined;
  /** Whether the step's model call has ended (a repeated end is ignored, not recorded again). */
  modelEnded: boolean;
  /** The model the open model call asked for (its end event names the model that answered). */
  requestModel: unknown;
  readonly tools: Map<string, OpenOp>;
  readonly embeds: Map<string, OpenOp>;
  /** Tool calls and embedding calls of this call that have ended, by id (a repeated end is ignored). */
  readonly endedChildren: Set<string>;
}

/** Fewest ended calls remembered to recognise a repeated end event. */
const REMEMBERED_ENDED_CALLS = 1024;

/** How the ops left open when a call ends are ended. */
export type Closing = { kind: 'cancel' } | { kind: 'fail'; error: unknown };

/** Ends every op of `call` still open, children first, the root last unless `keepRoot`. */
export function closeOpen(call: OpenCall, closing: Closing, keepRoot = false): void {
  const end = (op: OpenOp | undefined) => {
    if (op === undefined) return;
    if (closing.kind === 'cancel') op.cancel();
    else op.fail(closing.error);
  };
  for (const children of [call.tools, call.embeds]) {
    for (const [id, op] of children) {
      end(op);
      call.endedChildren.add(id); // its own end, should it come later, is a repeat
    }
    children.clear();
  }
  end(call.model);
  call.model = undefined;
  end(call.step);
  call.step = undefined;
  if (!keepRoot) end(call.root);
}

/**
 * The calls open now, by `callId`, at most `maxOpen`: a call the SDK never ends (a streamText
 * whose stream is never read, an SDK bug) is forgotten, its ops ended `cancelled`, once
 * `maxOpen` newer calls are open, so memory stays bounded whatever the program does. Ended calls
 * are remembered (bounded the same way) so that a repeated end event (an integration registered
 * twice) is recognised and ignored instead of reported.
 */
export class OpenCalls {
  private readonly open: BoundedMap<string, OpenCall>;
  private readonly ended: BoundedMap<string, true>;
  /** The pipeline of the last call opened: where a failure outside any call and request is counted. */
  private lastHost: EmitterHost | undefined;

  constructor(maxOpen: number) {
    this.open = new BoundedMap(maxOpen, (callId, call) => {
      this.ended.set(callId, true);
      closeOpen(call, { kind: 'cancel' });
      this.report(call, 'evicted', new Error(`AI SDK call ${callId} never ended; its ops were ended cancelled (more than ${maxOpen} calls open)`));
    });
    // Repeats come right after the end they repeat; a thousand ended calls is plenty even when few are open.
    this.ended = new BoundedMap(Math.max(maxOpen, REMEMBERED_ENDED_CALLS));
  }

  /** Whether `callId` is open. */
  isOpen(callId: string): boolean {
    return this.open.has(callId);
  }

  /** Opens `callId` with `root` as its op; `undefined` if it is open already (a repeated `onStart`). */
  begin(callId: string, root: OpenOp | undefined): OpenCall | undefined {
    if (this.open.has(callId)) return undefined;
    this.ended.delete(callId);
    // The root's frame names its pipeline (also when the op started a request of its own).
    const host = root?.run(currentFrame)?.emitter.host ?? currentFrame()?.emitter.host;
    if (host !== undefined) this.lastHost = host;
    const call: OpenCall = {
      callId,
      root,
      host,
      step: undefined,
      stepNumber: -1,
      model: undefined,
      modelEnded: false,
      requestModel: undefined,
      tools: new Map(),
      embeds: new Map(),
      endedChildren: new Set(),
    };
    this.open.set(callId, call);
    return call;
  }

  /**
   * The open call `callId`. An event for a call that is not open is reported (it is lost: its
   * op is gone), unless the call has just ended (a repeated event, ignored).
   */
  get(callId: string, where: string): OpenCall | undefined {
    const call = this.open.get(callId);
    if (call === undefined && !this.ended.has(callId)) {
      this.report(undefined, where, new Error(`AI SDK ${where} for call ${callId}, which is not open: not recorded`));
    }
    return call;
  }

  /** Forgets `call` (its ops are ended by the caller). */
  finish(call: OpenCall): void {
    if (this.open.get(call.callId) !== call) return;
    this.open.delete(call.callId);
    this.ended.set(call.callId, true);
  }

  /** Counts one of optrail's own failures in the pipeline of `call` (else of the current request, else of the last call). */
  report(call: OpenCall | undefined, where: string, error: unknown): void {
    try {
      const host = call?.host ?? currentFrame()?.emitter.host ?? this.lastHost;
      host?.reportInternalError(`ai-sdk ${where}`, error);
    } catch {
      // reporting must not throw into the SDK either
    }
  }

  /** How many calls are open (tests check nothing is kept). */
  get size(): number {
    return this.open.size;
  }
}
