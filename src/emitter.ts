import type { EventKind, TraceEvent } from '../schemas/trace-event.js';
import { formatMicros, nowMicros } from './clock.js';
import { NO_CTX, type Frame } from './context.js';
import type { MediaStore } from './media.js';
import { captureAsObject, lastCaptureBytes, type CaptureLimits } from './snapshot.js';

/** What an emitter needs from the pipeline it feeds. */
export interface EmitterHost {
  readonly limits: CaptureLimits;
  readonly mediaStore: MediaStore;
  /** Takes a new event; never throws. */
  accept(event: TraceEvent, estimatedBytes: number): void;
  /** Counts and keeps an error of optrail's own internals; never throws. */
  reportInternalError(where: string, error: unknown): void;
  /** Remembers an open group so shutdown can close it as `truncated`. */
  openGroup(group: OpenGroup): void;
  closeGroup(group: OpenGroup): void;
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

  constructor(
    readonly host: EmitterHost,
    readonly requestId: string,
  ) {
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
    this.host.accept(event, bytes);
  }

  /** Emits `group_start {name, ...metadata}` (metadata cannot rename it) and returns the open group, or `undefined` on failure. */
  openGroup(name: string, metadata: Record<string, unknown> | undefined): OpenGroup | undefined {
    try {
      const captured = metadata === undefined ? {} : captureAsObject(metadata, this.host.limits);
      const bytes = metadata === undefined ? 2 : lastCaptureBytes();
      const payload: Record<string, unknown> = { name };
      for (const key in captured) if (key !== 'name') payload[key] = captured[key];
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
