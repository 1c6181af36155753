import type { TraceEvent } from '../../schemas/trace-event.js';
import { BoundedMap } from '../base/bounded-map.js';
import { DEFAULT_COMPLETED_REQUESTS_REMEMBERED } from '../base/defaults.js';

/**
 * The end of a request, as the stream says it (docs/wire-format.md, "The end of a request"): a
 * request-level `annotation` (`op_name` null, `ctx` `[]`) whose key is this. An annotation, not
 * a new kind, so every reader of format version 1 (operonx's included) still reads the stream.
 */
export const REQUEST_END_KEY = 'optrail.request_end';

/** The value of a request's end marker. */
export interface RequestEndValue {
  /** `error` when a run of the request threw or rejected. */
  status: 'ok' | 'error';
  /** From the start of the run to the marker, in ms. */
  duration_ms: number;
  /** Ops and groups of the request still open when it was marked ended (after the grace, or at shutdown): their ends come late. */
  open: number;
}

/** True when `event` is a request's end marker. */
export function isRequestEnd(event: TraceEvent): boolean {
  return (
    event.kind === 'annotation' &&
    event.op_name === null &&
    event.ctx.length === 0 &&
    (event.payload as { key?: unknown }).key === REQUEST_END_KEY
  );
}

/** Where an event stands for a consumer waiting for its request to complete. */
export type RequestPhase =
  /** The request is still running: hold the event with its request. */
  | 'open'
  /** This event (the end marker) completes the request: decide, render or close it now. */
  | 'complete'
  /** The request completed earlier: the event is late; attach it to that request (same decision, same trace). */
  | 'late';

/**
 * The one rule every consumer that waits for a request (tailSample, the OTLP root span, the
 * terminal views) uses to know when a request is complete:
 *
 * - a request is complete at its end marker (`isRequestEnd`), which `pipeline.run` emits once the
 *   run has settled and every op and group it started has ended, or `requestEndGraceMs` after the run;
 * - a stream without markers (operonx recordings, files written before optrail 0.2) completes
 *   its requests at the end of the stream: the consumer's flush, shutdown or completion;
 * - an event of a request that completed before is `late` (an op that outlived the grace, the
 *   same request id run again): consumers attach it to that request, with the outcome they
 *   recorded for it, rather than start a new request. The most recent `remember` completed ids
 *   are known (default `DEFAULT_COMPLETED_REQUESTS_REMEMBERED`).
 *
 * `Outcome` is what the consumer decided for a completed request (tailSample: kept or not).
 */
export class RequestCompletion<Outcome = true> {
  private readonly completed: BoundedMap<string, Outcome>;

  constructor(remember = DEFAULT_COMPLETED_REQUESTS_REMEMBERED) {
    this.completed = new BoundedMap(remember);
  }

  /** Where `event` stands: late for a completed request, completing when it is the end marker, else open. */
  phase(event: TraceEvent): RequestPhase {
    if (this.completed.has(event.request_id)) return 'late';
    return isRequestEnd(event) ? 'complete' : 'open';
  }

  /** Records that the consumer completed `requestId` (at its marker, end of stream, a limit or a timeout). */
  complete(requestId: string, outcome: Outcome): void {
    this.completed.set(requestId, outcome);
  }

  /** What was recorded for a completed request, or `undefined` for one not completed (or forgotten). */
  outcome(requestId: string): Outcome | undefined {
    return this.completed.get(requestId);
  }
}
