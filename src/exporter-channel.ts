import type { TraceEvent } from '../schemas/trace-event.js';
import { dropMarker, lossOf } from './drop-marker.js';
import type { ErrorLog } from './error-log.js';
import { bump, newExporterMetrics, type ExporterMetrics } from './metrics.js';
import { packEvents, unpackEvents, type PackedEvents } from './packed-events.js';
import { withTimeout } from './timeout.js';
import type { Exporter, OverloadPolicy } from './types.js';

/** Batching bounds of a channel; see `DEFAULT_BATCH_*` for the defaults. */
export interface BatchLimits {
  maxEvents: number;
  maxBytes: number;
  maxAgeMs: number;
}

/** The memory every channel of a pipeline shares. */
export interface MemoryBudget {
  used: number;
  readonly max: number;
}

/**
 * Sealed batches a `sync` exporter lets wait for the event loop while no delivery is under way;
 * past this the producer is not yielding and the channel writes synchronously instead of holding
 * events until the cap.
 */
const SYNC_BACKLOG_BATCHES = 4;

/** What a drop marker is counted as in the memory budget. */
const MARKER_BYTES = 200;

/**
 * Bytes a packed batch is counted as besides its data: the batch record, the buffer's header and
 * the last event kept for a drop marker.
 */
const PACKED_OVERHEAD_BYTES = 600;

/** Sealed events: as objects, or packed (`events` null) while they wait behind a slow exporter. */
interface Batch {
  events: TraceEvent[] | null;
  packed: PackedEvents | null;
  count: number;
  /** What the batch holds in the memory budget: estimated JSON bytes, or packed bytes. */
  bytes: number;
}

/**
 * Everything between a pipeline and one exporter: an open batch that is sealed by count, bytes
 * or age; sealed batches delivered one call at a time off the emitting call stack
 * (`setImmediate`); a deadline on every exporter call; failures counted and isolated; and the
 * exporter's overload policy applied when the pipeline's memory cap is reached.
 */
export class ExporterChannel {
  readonly metrics: ExporterMetrics = newExporterMetrics();
  readonly policy: OverloadPolicy;
  private open: TraceEvent[] = [];
  private openBytes = 0;
  private readonly sealed: Batch[] = [];
  private delivering = false;
  private drainScheduled = false;
  private ageTimer: NodeJS.Timeout | undefined;
  /** Batches sealed and batches finished (delivered, failed or dropped) so far; they finish in order. */
  private sealedTotal = 0;
  private finishedTotal = 0;
  private waiters: Array<{ target: number; wake: () => void }> = [];
  private shutDown = false;
  private readonly packAboveBytes: number;

  constructor(
    readonly exporter: Exporter,
    readonly name: string,
    private readonly limits: BatchLimits,
    private readonly timeoutMs: number,
    private readonly budget: MemoryBudget,
    private readonly dropped: Record<string, number>,
    private readonly errors: ErrorLog,
    /** Pack sealed batches waiting behind the next one once the pipeline holds more than this share of its cap; 0 never packs. */
    packAtShareOfCap = 0,
  ) {
    const policy = exporter.overload ?? (typeof exporter.exportSync === 'function' ? 'sync' : 'drop-oldest');
    // sync and spool both need exportSync; without it the only bounded choice is to drop.
    this.policy = (policy === 'sync' || policy === 'spool') && typeof exporter.exportSync !== 'function' ? 'drop-oldest' : policy;
    // Only a dropping exporter packs: sync and spool exporters write at the cap and lose nothing,
    // so packing would only cost them CPU.
    this.packAboveBytes =
      packAtShareOfCap > 0 && (this.policy === 'drop-oldest' || this.policy === 'drop-newest') ? budget.max * packAtShareOfCap : Infinity;
    try {
      exporter.attach?.({ report: (message) => this.errors.record(`exporter:${this.name}`, message) });
    } catch (error) {
      this.errors.record(`exporter:${this.name}.attach`, error);
    }
  }

  accept(event: TraceEvent, bytes: number): void {
    if (this.shutDown) {
      bump(this.dropped, `after_shutdown:${this.name}`);
      return;
    }
    const open = this.open;
    open.push(event);
    this.openBytes += bytes;
    this.metrics.queueDepth++;
    this.metrics.queuedBytes += bytes;
    this.budget.used += bytes;
    if (open.length === 1 && this.ageTimer === undefined) this.armAgeTimer();
    if (open.length >= this.limits.maxEvents || this.openBytes >= this.limits.maxBytes) this.seal();
  }

  /** True when nothing waits for this exporter. */
  get idle(): boolean {
    return this.open.length === 0 && this.sealed.length === 0 && !this.delivering;
  }

  /** Applies the overload policy: called by the pipeline when its memory cap is passed. */
  relieve(): void {
    switch (this.policy) {
      case 'sync':
      case 'spool':
        // A spooling exporter's exportSync appends to its disk spool.
        this.deliverAllSync();
        return;
      case 'drop-newest':
        this.dropOpen('overflow');
        return;
      default:
        // drop-oldest: the oldest sealed data goes first.
        this.seal();
        while (this.sealed.length > 0 && this.budget.used > this.budget.max) {
          const batch = this.sealed.shift()!;
          this.release(batch);
          this.markDrop(batch, 'overflow');
        }
    }
  }

  /** Delivers everything waiting synchronously when the exporter can; used at exit. */
  flushSync(): boolean {
    if (typeof this.exporter.exportSync !== 'function') return this.idle;
    this.deliverAllSync();
    return true;
  }

  /** Delivers everything accepted so far, then calls the exporter's `flush`. Never rejects. */
  async flush(): Promise<void> {
    this.seal();
    await this.waitFinished(this.sealedTotal);
    if (typeof this.exporter.flush === 'function') await this.call('flush', () => this.exporter.flush!());
  }

  /**
   * Flushes for at most `graceMs`, delivers synchronously what was not handed over by then (when
   * the exporter can), then shuts the exporter down (it gets to wrap up its in-flight calls, e.g.
   * by spooling them). Later events are counted as dropped. Never rejects.
   */
  async shutdown(graceMs: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, graceMs);
      timer.unref();
      void this.flush().then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.shutDown = true;
    this.clearAgeTimer();
    if (typeof this.exporter.exportSync === 'function') this.deliverAllSync();
    if (typeof this.exporter.shutdown === 'function') await this.call('shutdown', () => this.exporter.shutdown!());
  }

  private armAgeTimer(): void {
    if (this.limits.maxAgeMs <= 0) return;
    this.ageTimer = setTimeout(() => {
      this.ageTimer = undefined;
      this.seal();
    }, this.limits.maxAgeMs);
    this.ageTimer.unref();
  }

  private clearAgeTimer(): void {
    if (this.ageTimer !== undefined) {
      clearTimeout(this.ageTimer);
      this.ageTimer = undefined;
    }
  }

  private seal(): void {
    if (this.open.length === 0) return;
    this.sealed.push({ events: this.open, packed: null, count: this.open.length, bytes: this.openBytes });
    this.sealedTotal++;
    this.open = [];
    this.openBytes = 0;
    this.clearAgeTimer();
    if (this.budget.used > this.packAboveBytes) this.packBacklog();
    if (this.policy === 'sync' && !this.delivering && this.sealed.length >= SYNC_BACKLOG_BATCHES) {
      // Batches piled up and no delivery is under way: the producer is not yielding (the drain
      // never got to run). An exporter that can write synchronously does it now, so events do
      // not pile up in the heap until the cap. A slow exporter that is busy delivering is left
      // alone: the memory cap bounds that case.
      this.deliverAllSync();
      return;
    }
    this.scheduleDrain();
  }

  /**
   * Packs every sealed batch behind the next one to deliver, newest first, stopping at the first
   * that is packed already (those behind it were packed before it). A batch that cannot be
   * serialized stays as it is.
   */
  private packBacklog(): void {
    const sealed = this.sealed;
    for (let i = sealed.length - 1; i >= 1; i--) {
      const batch = sealed[i]!;
      if (batch.packed !== null) return;
      let packed: PackedEvents;
      try {
        packed = packEvents(batch.events!);
      } catch (error) {
        this.errors.record(`exporter:${this.name}.pack`, error);
        continue;
      }
      const bytes = packed.data.length + PACKED_OVERHEAD_BYTES;
      if (bytes >= batch.bytes) continue; // a batch too small to gain
      this.metrics.queuedBytes += bytes - batch.bytes;
      this.budget.used += bytes - batch.bytes;
      this.metrics.packedEvents += batch.count;
      batch.packed = packed;
      batch.events = null;
      batch.bytes = bytes;
    }
  }

  /** The events of a batch, unpacked when packed. */
  private eventsOf(batch: Batch): TraceEvent[] {
    return batch.events ?? unpackEvents(batch.packed!);
  }

  private scheduleDrain(): void {
    if (this.drainScheduled || this.delivering) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.delivering) return;
    this.delivering = true;
    try {
      while (this.sealed.length > 0) {
        const batch = this.sealed.shift()!;
        await this.deliver(batch);
      }
    } finally {
      this.delivering = false;
    }
  }

  private async deliver(batch: Batch): Promise<void> {
    const started = performance.now();
    try {
      const events = this.eventsOf(batch);
      await withTimeout(() => this.exporter.export(events), this.timeoutMs, `${this.name}.export`);
      this.metrics.lastExportMs = performance.now() - started;
      this.succeeded(batch, false);
    } catch (error) {
      this.failed(error, 'export');
      bump(this.dropped, `export_failed:${this.name}`, batch.count);
    } finally {
      this.release(batch);
    }
  }

  private deliverAllSync(): void {
    this.seal();
    const exportSync = this.exporter.exportSync;
    if (typeof exportSync !== 'function') return;
    while (this.sealed.length > 0) {
      const batch = this.sealed.shift()!;
      try {
        exportSync.call(this.exporter, this.eventsOf(batch));
        this.succeeded(batch, true);
      } catch (error) {
        this.failed(error, 'exportSync');
        bump(this.dropped, `export_failed:${this.name}`, batch.count);
      } finally {
        this.release(batch);
      }
    }
  }

  private dropOpen(reason: string): void {
    if (this.open.length === 0) return;
    const events = this.open;
    const batch: Batch = { events, packed: null, count: events.length, bytes: this.openBytes };
    this.open = [];
    this.openBytes = 0;
    this.clearAgeTimer();
    this.release(batch, false);
    this.markDrop(batch, reason);
  }

  /**
   * Counts a loss and leaves a marker where it happened, so the stream shows the gap. Markers
   * caught in a later drop fold into the new marker, so the counts in the stream always add
   * up to the counted loss.
   */
  private markDrop(batch: Batch, reason: string): void {
    const { lost, folded } = batch.packed ? batch.packed.loss : lossOf(batch.events!);
    const lastDropped = batch.packed ? batch.packed.last : batch.events![batch.count - 1]!;
    if (lost > 0) bump(this.dropped, `${reason}:${this.name}`, lost);
    const marker = dropMarker(lastDropped, lost + folded, reason);
    this.open.unshift(marker);
    this.openBytes += MARKER_BYTES;
    this.metrics.queueDepth++;
    this.metrics.queuedBytes += MARKER_BYTES;
    this.budget.used += MARKER_BYTES;
    if (this.ageTimer === undefined) this.armAgeTimer();
  }

  private succeeded(batch: Batch, sync: boolean): void {
    const m = this.metrics;
    m.exported += batch.count;
    m.exportedBytes += batch.bytes;
    m.batches++;
    if (sync) m.syncBatches++;
    m.consecutiveFailures = 0;
  }

  private failed(error: unknown, what: string): void {
    this.metrics.failures++;
    this.metrics.consecutiveFailures++;
    this.errors.record(`exporter:${this.name}.${what}`, error);
  }

  private release(batch: Batch, sealed = true): void {
    this.metrics.queueDepth -= batch.count;
    this.metrics.queuedBytes -= batch.bytes;
    this.budget.used -= batch.bytes;
    if (sealed) {
      this.finishedTotal++;
      if (this.waiters.length > 0) this.wakeFinished();
    }
  }

  private async call(what: string, fn: () => unknown): Promise<void> {
    try {
      await withTimeout(fn, this.timeoutMs, `${this.name}.${what}`);
    } catch (error) {
      this.failed(error, what);
    }
  }

  private waitFinished(target: number): Promise<void> {
    if (this.finishedTotal >= target) return Promise.resolve();
    return new Promise((wake) => this.waiters.push({ target, wake }));
  }

  private wakeFinished(): void {
    const done = this.finishedTotal;
    const still: typeof this.waiters = [];
    for (const waiter of this.waiters) {
      if (waiter.target <= done) waiter.wake();
      else still.push(waiter);
    }
    this.waiters = still;
  }
}
