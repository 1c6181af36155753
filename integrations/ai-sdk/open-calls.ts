import { BoundedMap } from '../../src/base/bounded-map.js';
import { currentFrame } from '../../src/recording/context.js';
import type { EmitterHost } from '../../src/recording/emitter.js';
import type { LlmUsage } from '../../src/recording/llm-usage.js';
import type { OpenOp } from '../../src/recording/open-op.js';
import { StepTools } from './tool-runs.js';

/** A model call (language or embedding) open now: its op and what its start said. */
export interface ModelCall {
  /** `undefined` when nothing records it (tracing disabled). */
  readonly op: OpenOp | undefined;
  /** The model the call asked for (its end event names the model that answered). */
  readonly requestModel: unknown;
  /**
   * The usage it records when it ends without its end event (a stream cut before its finish
   * part, an abort, an error, a call forgotten): its model and provider, no counts, so it is
   * `cost_unknown` and the request's totals do not look complete.
   */
  readonly unreported: LlmUsage;
}

/**
 * The open ops of one AI SDK call (one `callId`: a generateText, streamText, generateObject,
 * streamObject, embed… from `onStart` to `onEnd` / `onError` / `onAbort`). The SDK runs a call's
 * steps one after the other, so one step and one model call are open at a time; the tools of a
 * step may run together (`StepTools`), and embedMany's chunks, keyed by their `embedCallId`.
 */
export interface OpenCall {
  readonly callId: string;
  /** The operation's op; `undefined` when nothing records it (tracing disabled). */
  readonly root: OpenOp | undefined;
  /** Where optrail's own failures about this call are counted: the pipeline of its request. */
  readonly host: EmitterHost | undefined;
  step: OpenOp | undefined;
  stepNumber: number;
  model: ModelCall | undefined;
  /** Whether the step's model call has ended (a repeated or late end is ignored, not recorded again). */
  modelEnded: boolean;
  /** The tool runs of the open step (a new set each step: a tool call id names a run within its step only). */
  tools: StepTools;
  readonly embeds: Map<string, ModelCall>;
  /** Embedding calls of this call that have ended, by id (a repeated end is ignored). */
  readonly endedEmbeds: Set<string>;
  /** Whether a tool call id naming two runs of one step, told apart by inference, was reported (once a call). */
  reportedDuplicate: boolean;
}

/** Fewest ended calls remembered to recognise a repeated end event. */
const REMEMBERED_ENDED_CALLS = 1024;

/** How the ops left open when a call ends are ended. */
export type Closing = { kind: 'cancel' } | { kind: 'fail'; error: unknown };

function endOp(op: OpenOp | undefined, closing: Closing): void {
  if (op === undefined) return;
  if (closing.kind === 'cancel') op.cancel();
  else op.fail(closing.error);
}

/** Ends a model call that got no end event: its unknown usage first (a usage after its op_end would be lost). */
function endModelCall(call: ModelCall, closing: Closing): void {
  if (call.op === undefined || call.op.ended) return;
  call.op.recordUsage(call.unreported);
  endOp(call.op, closing);
}

/**
 * Ends the open children of the step (its tool runs and its model call) with `closing`, so that
 * they end before the step does, and forgets them: a late end event of one is a repeat.
 */
export function closeStepChildren(call: OpenCall, closing: Closing): void {
  call.tools.close((op) => endOp(op, closing));
  call.tools = new StepTools();
  if (call.model !== undefined) {
    const model = call.model;
    call.model = undefined;
    call.modelEnded = true;
    endModelCall(model, closing);
  }
}

/** Ends every op of `call` still open, children first, the root last unless `keepRoot`. */
export function closeOpen(call: OpenCall, closing: Closing, keepRoot = false): void {
  closeStepChildren(call, closing);
  for (const [id, embed] of call.embeds) {
    endModelCall(embed, closing);
    call.endedEmbeds.add(id); // its own end, should it come later, is a repeat
  }
  call.embeds.clear();
  endOp(call.step, closing);
  call.step = undefined;
  if (!keepRoot) endOp(call.root, closing);
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
      tools: new StepTools(),
      embeds: new Map(),
      endedEmbeds: new Set(),
      reportedDuplicate: false,
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
