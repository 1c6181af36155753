import type { TraceEvent } from '../../schemas/trace-event.js';
import { BatchTally } from './batch-tally.js';
import { dropMarker } from './drop-marker.js';
import type { ErrorLog } from './error-log.js';
import { bump, newExporterMetrics, type ExporterMetrics } from './metrics.js';
import { eventsOf, lossOfBatch, packBehindNext, type Batch } from './sealed-batch.js';
import { abortableCall, holdingEventLoop, settlesWithin, TimeoutError, withTimeout } from '../base/timeout.js';
import type { Exporter, OverloadPolicy } from './exporter-types.js';
import { DEFAULT_EXPORT_ABORT_GRACE_MS } from '../base/defaults.js';

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

/** `DEFAULT_EXPORT_ABORT_GRACE_MS` under the name the channel's tests use. */
export const EXPORT_ABORT_GRACE_MS = DEFAULT_EXPORT_ABORT_GRACE_MS;

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
  private readonly tally = new BatchTally();
  private shutDown = false;
  private readonly packAboveBytes: number;
  /** The drain loop under way, if any: at most one `export()` call at a time comes from it. */
  private draining: Promise<void> | undefined;
  /** Aborted at the shutdown deadline: the call under way is aborted and no new one starts. */
  private readonly stop = new AbortController();
  /** Aborted once shutdown's abort grace is over: a call still unsettled counts as hung at once. */
  private readonly giveUp = new AbortController();
  private readonly abortGraceMs: number;

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
    this.abortGraceMs = Math.min(timeoutMs, EXPORT_ABORT_GRACE_MS);
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

  /** Write-ahead: the exporter makes the batch durable before it waits in memory. */
  private persist(events: readonly TraceEvent[]): void {
    try {
      this.exporter.persist!(events);
    } catch (error) {
      this.errors.record(`exporter:${this.name}.persist`, error);
    }
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
    try {
      this.exporter.flushSync?.();
    } catch (error) {
      this.errors.record(`exporter:${this.name}.flushSync`, error);
    }
    return true;
  }

  /**
   * Delivers everything accepted so far, then calls the exporter's `flush`. Never rejects. Holds
   * the event loop while it waits (a program that awaits it may have nothing else pending); each
   * export call is bounded by `exportTimeoutMs` and the abort grace, the exporter's `flush` by
   * `exportTimeoutMs`.
   */
  flush(): Promise<void> {
    return holdingEventLoop(() => this.flushUnheld(this.timeoutMs));
  }

  private async flushUnheld(flushCallMs: number): Promise<void> {
    this.seal();
    await this.tally.allSealedFinished();
    if (typeof this.exporter.flush === 'function') await this.call('flush', () => this.exporter.flush!(), flushCallMs);
  }

  /**
   * Shuts the channel down in at most `2 × graceMs`, holding the event loop meanwhile. First it
   * flushes for at most `graceMs`. Then, in the second `graceMs`: the `export()` still under way
   * is aborted (its signal) and given the abort grace (at most half of what is left) to settle,
   * else it counts as hung (the exporter's `shutdown` may then come while it runs); the batches
   * never handed over are delivered synchronously when the exporter can (an HTTP exporter spools
   * them) and counted as `unsent_at_shutdown:<name>` when it cannot; the exporter's `shutdown`
   * gets what is left (it wraps up, e.g. spools in-flight sends). Later events are counted as
   * dropped. Never rejects.
   */
  shutdown(graceMs: number): Promise<void> {
    return holdingEventLoop(async () => {
      await settlesWithin(this.flushUnheld(Math.min(this.timeoutMs, graceMs)), graceMs);
      const deadline = performance.now() + graceMs;
      const left = () => Math.max(0, deadline - performance.now());
      this.shutDown = true;
      this.clearAgeTimer();
      this.stop.abort(new TimeoutError(`${this.name}: the shutdown deadline (${graceMs} ms) passed`));
      // Half of what is left at most for the aborted call to settle, so the exporter's own
      // shutdown always gets the other half; a call still unsettled then is given up (counted
      // hung) now, so whatever reads the counters after the deadline sees its batch counted.
      if (this.draining) await settlesWithin(this.draining, Math.min(this.abortGraceMs, left() / 2));
      this.giveUp.abort();
      if (this.draining) await this.draining;
      this.seal();
      if (typeof this.exporter.exportSync === 'function') this.deliverAllSync();
      else this.dropUnsent();
      if (typeof this.exporter.shutdown === 'function') await this.call('shutdown', () => this.exporter.shutdown!(), Math.min(this.timeoutMs, left()));
    });
  }

  /** Counts the batches no call will take any more (shutdown, no `exportSync`). */
  private dropUnsent(): void {
    while (this.sealed.length > 0) {
      const batch = this.sealed.shift()!;
      this.release(batch);
      const { lost } = lossOfBatch(batch);
      if (lost > 0) bump(this.dropped, `unsent_at_shutdown:${this.name}`, lost);
    }
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
    if (this.exporter.persist) this.persist(this.open);
    this.sealed.push({ events: this.open, packed: null, count: this.open.length, bytes: this.openBytes });
    this.tally.sealed++;
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

  /** Backlog packing: the sealed batches behind the next one to deliver are kept compressed. */
  private packBacklog(): void {
    const { bytes, events } = packBehindNext(this.sealed, (error) => this.errors.record(`exporter:${this.name}.pack`, error));
    this.metrics.queuedBytes += bytes;
    this.budget.used += bytes;
    this.metrics.packedEvents += events;
  }

  private scheduleDrain(): void {
    if (this.drainScheduled || this.delivering || this.stop.signal.aborted) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      if (!this.delivering) this.draining = this.drain().finally(() => (this.draining = undefined));
    });
  }

  /** Hands sealed batches to `export()` one call at a time, each only once the previous one has ended. */
  private async drain(): Promise<void> {
    this.delivering = true;
    try {
      while (this.sealed.length > 0 && !this.stop.signal.aborted) {
        const batch = this.sealed.shift()!;
        await this.deliver(batch);
      }
    } finally {
      this.delivering = false;
    }
  }

  /**
   * One `export()` call. Its signal is aborted at `exportTimeoutMs` (or at the shutdown deadline);
   * the next call starts only once this one has settled, or once it ignored the abort for the
   * abort grace (then it counts as hung). The batch's loss is counted once, when it is given up:
   * a rejection (`export_failed:<name>`) or a hang (`export_hung:<name>`); a call that resolves,
   * even after its abort, delivered it.
   */
  private async deliver(batch: Batch): Promise<void> {
    const started = performance.now();
    const what = `${this.name}.export`;
    try {
      const events = eventsOf(batch);
      const bounds = { timeoutMs: this.timeoutMs, graceMs: this.abortGraceMs, what, stop: this.stop.signal, giveUp: this.giveUp.signal };
      const outcome = await abortableCall((signal) => this.exporter.export(events, { signal }), bounds);
      if (outcome.kind === 'ok') {
        this.metrics.lastExportMs = performance.now() - started;
        this.succeeded(batch, false);
      } else if (outcome.kind === 'failed') {
        // An acknowledged abort reports why it was aborted, not the exporter's AbortError.
        this.failed('abortedWith' in outcome ? outcome.abortedWith : outcome.error, 'export');
        bump(this.dropped, `export_failed:${this.name}`, batch.count);
      } else if (outcome.kind === 'hung') {
        this.failed(outcome.reason, 'export');
        this.errors.record(`exporter:${what}`, `ignored its abort signal for ${this.abortGraceMs} ms: counted as hung, its batch as lost (export_hung), the next call goes on`);
        bump(this.dropped, `export_hung:${this.name}`, batch.count);
        void outcome.late.then((late) => {
          if (late.kind === 'ok') this.errors.record(`exporter:${what}`, 'a call counted as hung resolved later: its batch may have been delivered after all');
        });
      } else {
        // Shutdown began before the call: the batch goes back for the synchronous path.
        this.sealed.unshift(batch);
        return;
      }
    } catch (error) {
      this.failed(error, 'export');
      bump(this.dropped, `export_failed:${this.name}`, batch.count);
    }
    this.release(batch);
  }

  private deliverAllSync(): void {
    this.seal();
    const exportSync = this.exporter.exportSync;
    if (typeof exportSync !== 'function') return;
    while (this.sealed.length > 0) {
      const batch = this.sealed.shift()!;
      try {
        exportSync.call(this.exporter, eventsOf(batch));
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
    const { lost, folded, last: lastDropped } = lossOfBatch(batch);
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
    if (sealed) this.tally.finish();
  }

  private async call(what: string, fn: () => unknown, ms: number): Promise<void> {
    try {
      await withTimeout(fn, ms, `${this.name}.${what}`);
    } catch (error) {
      this.failed(error, what);
    }
  }
}
