import type { Observable, OperatorFunction } from 'rxjs';
import type { TraceEvent } from '../../schemas/trace-event.js';

export type { TraceEvent };

/** A processor: any RxJS operator from events to events (see docs/processors.md). */
export type Processor = OperatorFunction<TraceEvent, TraceEvent>;

/** What an exporter may be asked to do with a batch when the pipeline's memory cap is reached. */
export type OverloadPolicy = 'sync' | 'spool' | 'drop-newest' | 'drop-oldest';

/** What the pipeline passes to each `export` call. */
export interface ExportOptions {
  /**
   * Aborted when the call passes `exportTimeoutMs` (reason: a `TimeoutError`) or the pipeline's
   * shutdown deadline. An exporter should then stop and settle soon: reject (the batch counts as
   * `export_failed:<name>`) or resolve when it kept the batch safe some other way (an HTTP
   * exporter spools it). A call still unsettled `EXPORT_ABORT_GRACE_MS` (1 s, or
   * `exportTimeoutMs` when shorter) after its abort counts as hung: its batch as lost
   * (`export_hung:<name>`), and the next call starts although this one may still be running.
   */
  signal: AbortSignal;
}

/**
 * The exporter contract. Every method may be sync or async; none may assume it is called
 * from user code. Calls come in batch order and never overlap for one exporter: the next
 * `export` starts only once the previous one has settled (or ignored its abort for the grace,
 * see `ExportOptions.signal`). The exception is `exportSync`, which the pipeline calls under
 * memory pressure and at process exit even while an async `export` is still running: an
 * exporter that has it must keep batch order in its output regardless.
 */
export interface Exporter {
  /** Shown in metrics, health and error reports. */
  readonly name: string;
  /**
   * Delivers one batch (events in stream order). A throw or rejection counts as a failure and
   * the batch as lost. `options.signal` says when to give up (see `ExportOptions`); an exporter
   * that ignores it is still called one batch at a time, bounded by the abort grace. The
   * pipeline always passes `options`; it is optional so that code calling an exporter directly
   * (a test, a wrapper) need not make a signal.
   */
  export(batch: readonly TraceEvent[], options?: ExportOptions): void | Promise<void>;
  /**
   * Delivers a batch synchronously. Present when the exporter can (files, memory). Used when
   * the memory cap is reached (policy `sync`) and at exit, when nothing async can finish.
   */
  exportSync?(batch: readonly TraceEvent[]): void;
  /**
   * Makes a batch durable the moment it is sealed, before it waits anywhere in memory (write-ahead:
   * the HTTP exporter with `writeAhead: true` appends it to its disk spool). Called synchronously,
   * once per batch, with the same array `export()` or `exportSync()` later gets, so the exporter
   * can recognise a batch it already holds on disk. A throw counts as a failure; the batch is
   * still exported.
   */
  persist?(batch: readonly TraceEvent[]): void;
  /**
   * At process exit (after the last `exportSync`), when nothing async can finish: make durable
   * synchronously what an `export()` still has under way (the HTTP exporters spool the batch
   * being sent). Optional; never called otherwise.
   */
  flushSync?(): void;
  /** Makes everything exported so far durable or delivered. */
  flush?(): void | Promise<void>;
  /** Releases resources; no call follows it. */
  shutdown?(): void | Promise<void>;
  /** What to do at the memory cap. Default: `sync` when `exportSync` exists, else `drop-oldest`. */
  readonly overload?: OverloadPolicy;
  /** Called once by the pipeline: `report` records a failure under this exporter's name (counted, logged once, in the shutdown report). */
  attach?(host: ExporterHost): void;
  /** Exporter-specific counters (retries, spool bytes, latency…), shown as `metrics().exporters[name].details`. */
  stats?(): Record<string, number>;
}

/** What the pipeline offers an exporter. */
export interface ExporterHost {
  /** Records a failure the exporter handled itself (a retry, an auth failure). Never throws. */
  report(message: string): void;
}

/** A source `readEvents` and `pipeline.replay` accept. */
export type EventSource = Observable<TraceEvent>;
