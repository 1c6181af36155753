import type { EventKind, TraceEvent } from '../../schemas/trace-event.js';
import { formatMicros, nowMicros } from '../wire/clock.js';
import { NO_CTX, type Frame } from './context.js';
import type { MediaStore } from '../wire/media-store.js';
import { REDACTED } from '../base/defaults.js';
import { maskedPayload, maskedSegment } from '../redaction/mask-event.js';
import { REQUEST_END_KEY, type RequestEndValue } from '../wire/request-end.js';
import type { UsagePricer } from '../pricing/usage-pricer.js';
import { captureAsObject, lastCaptureBytes, type CapturePolicy } from './capture.js';

/** What an emitter needs from the pipeline it feeds. */
export interface EmitterHost {
  /** Capture limits and the credential redaction applied while capturing. */
  readonly limits: CapturePolicy;
  /** Prices LLM usage recorded without a cost; `undefined` when the pipeline's `prices` is `false`. */
  readonly prices: UsagePricer | undefined;
  readonly mediaStore: MediaStore;
  /** Takes a new event; never throws. */
  accept(event: TraceEvent, estimatedBytes: number): void;
  /** Counts and keeps an error of optrail's own internals; never throws. */
  reportInternalError(where: string, error: unknown): void;
  /** Remembers an open group so shutdown can close it as `truncated`. */
  openGroup(group: OpenGroup): void;
  closeGroup(group: OpenGroup): void;
  /** How long a settled request waits for its open ops before its end is marked anyway, in ms. */
  readonly requestEndGraceMs: number;
  /** Told when a settled request starts waiting for its open ops (`true`) and when it stops (`false`), so shutdown can end it. */
  awaitingEnd(emitter: Emitter, waiting: boolean): void;
  /** Whether `bytes` more of media may wait in memory for an async write. */
  canBufferMedia(bytes: number): boolean;
  /** Holds `bytes` of media until `write` settles; flush waits for it; a failure is counted. */
  trackMediaWrite(write: Promise<void>, bytes: number): void;
}

/** A group opened with `group()` and not closed yet. */
export interface OpenGroup {
  readonly emitter: Emitter;
  readonly name: string;
  closed: boolean;
}

/** Fixed bytes of an event's envelope besides its ids, ctx and payload. */
const ENVELOPE_BYTES = 130;

/**
 * Makes the events of one request: frozen, with `seq` strictly increasing in emit order and
 * `event_id` = `{request_id}-{seq}` (unique across streams because request ids are, and free
 * of per-event crypto).
 */
export class Emitter {
  private seq = 0;
  private readonly idPrefix: string;
  /** The request's root frame, kept so a request run again continues its ctx numbering. */
  root: Frame | undefined;
  private readonly envelopeBytes: number;
  /** Ops and groups started and not ended yet. */
  private openOps = 0;
  /** Runs of this request that have not settled yet (the same id may run concurrently). */
  private activeRuns = 0;
  /** Since when runs have been active without an end marker (epoch µs), and whether one failed. */
  private runsStartMicros = 0;
  private runsFailed = false;
  /** True from the moment every run has settled until the end marker is emitted. */
  private awaitingOpen = false;
  private graceTimer: ReturnType<typeof setTimeout> | undefined;

  /** The request id as recorded: the one given, or its stable pseudonym when it holds a credential. */
  readonly requestId: string;

  constructor(
    readonly host: EmitterHost,
    requestId: string,
  ) {
    this.requestId = requestId = host.limits.secrets?.requestId(requestId) ?? requestId;
    this.idPrefix = requestId + '-';
    this.envelopeBytes = ENVELOPE_BYTES + requestId.length * 2;
  }

  /** Emits an event stamped now; returns its timestamp in epoch microseconds. */
  emit(kind: EventKind, opName: string | null, ctx: readonly string[], payload: object, payloadBytes: number): number {
    const micros = nowMicros();
    this.emitAt(micros, kind, opName, ctx, payload, payloadBytes);
    return micros;
  }

  /** Emits an event stamped `micros` (epoch microseconds). */
  emitAt(
    micros: number,
    kind: EventKind,
    opName: string | null,
    ctx: readonly string[],
    payload: object,
    payloadBytes: number,
  ): void {
    // A detector threw while this event's content was captured: mask all of it (fail closed).
    if (this.host.limits.secrets?.takeTripped()) {
      payload = maskedPayload(kind, payload as Record<string, unknown>);
      opName = opName === null ? null : REDACTED;
      ctx = Object.freeze(ctx.map(maskedSegment));
    }
    let endsRequest = false;
    if (kind === 'op_start' || kind === 'group_start') this.openOps++;
    else if ((kind === 'op_end' || kind === 'group_end') && --this.openOps <= 0 && this.awaitingOpen) {
      this.openOps = 0;
      endsRequest = true; // the last open op of a settled request: its end follows this event
    }
    const seq = this.seq++;
    const event = Object.freeze({
      event_id: this.idPrefix + seq,
      request_id: this.requestId,
      kind,
      op_name: opName,
      ctx,
      timestamp: formatMicros(micros),
      seq,
      payload: Object.freeze(payload),
    }) as unknown as TraceEvent;
    const bytes = this.envelopeBytes + payloadBytes + (opName === null ? 4 : opName.length * 2) + ctx.length * 12;
    // A bad estimate (NaN from a caller's odd key) must never disable the memory cap.
    this.host.accept(event, Number.isFinite(bytes) ? bytes : this.envelopeBytes);
    if (endsRequest) this.endRequest();
  }

  /** A run of this request begins (`pipeline.run`). */
  beginRun(): void {
    if (this.awaitingOpen) {
      // A run of the same request starts while the last one waits for its open ops: the request
      // goes on; its grace starts again when this run settles.
      this.awaitingOpen = false;
      if (this.graceTimer !== undefined) clearTimeout(this.graceTimer);
      this.graceTimer = undefined;
      this.host.awaitingEnd(this, false);
    } else if (this.activeRuns === 0 && this.runsStartMicros === 0) {
      this.runsStartMicros = nowMicros();
      this.runsFailed = false;
    }
    this.activeRuns++;
  }

  /**
   * A run of this request has settled. Once every run has, the request ends as soon as its
   * open ops and groups have ended, or after the host's grace with `open` counting those still open.
   */
  settleRun(failed: boolean): void {
    this.runsFailed ||= failed;
    if (--this.activeRuns > 0) return;
    this.activeRuns = 0;
    if (this.openOps <= 0) {
      this.endRequest();
      return;
    }
    if (this.awaitingOpen) return;
    this.awaitingOpen = true;
    this.host.awaitingEnd(this, true);
    const timer = setTimeout(() => this.endRequest(), this.host.requestEndGraceMs);
    timer.unref?.();
    this.graceTimer = timer;
  }

  /**
   * Emits the request's end marker now, whatever is still open (the grace ran out, or the
   * pipeline shuts down). A run still active, or a request already ended, emits nothing.
   */
  endRequest(): void {
    if (this.activeRuns > 0) return;
    if (this.awaitingOpen) {
      this.awaitingOpen = false;
      if (this.graceTimer !== undefined) clearTimeout(this.graceTimer);
      this.graceTimer = undefined;
      this.host.awaitingEnd(this, false);
    } else if (this.runsStartMicros === 0) return;
    try {
      const micros = nowMicros();
      const value: RequestEndValue = Object.freeze({
        status: this.runsFailed ? 'error' : 'ok',
        duration_ms: (micros - this.runsStartMicros) / 1000,
        open: Math.max(0, this.openOps),
      });
      this.runsStartMicros = 0;
      this.emitAt(micros, 'annotation', null, NO_CTX, { key: REQUEST_END_KEY, value }, 90);
    } catch (error) {
      this.host.reportInternalError('request_end', error);
    }
  }

  /** Emits `group_start {name, ...metadata}` (metadata cannot rename it) and returns the open group, or `undefined` on failure. */
  openGroup(name: string, metadata: Record<string, unknown> | undefined): OpenGroup | undefined {
    try {
      const captured = metadata === undefined ? {} : captureAsObject(metadata, this.host.limits);
      const bytes = metadata === undefined ? 2 : lastCaptureBytes();
      // A spread makes own keys, so metadata named `__proto__` stays data (an assignment would set the prototype).
      const { name: _ignored, ...rest } = captured;
      name = this.host.limits.secrets?.name(name) ?? name;
      const payload: Record<string, unknown> = { name, ...rest };
      this.emit('group_start', null, NO_CTX, payload, bytes + name.length + 12);
      const group: OpenGroup = { emitter: this, name, closed: false };
      this.host.openGroup(group);
      return group;
    } catch (error) {
      this.host.reportInternalError('group', error);
      return undefined;
    }
  }

  /** Emits the one `group_end` of `group`, with `status`. */
  closeGroup(group: OpenGroup, status: 'ok' | 'truncated'): void {
    if (group.closed) return;
    group.closed = true;
    try {
      this.host.closeGroup(group);
      this.emit('group_end', null, NO_CTX, { name: group.name, status }, group.name.length + 40);
    } catch (error) {
      this.host.reportInternalError('group', error);
    }
  }
}
