import type { Observable, OperatorFunction } from 'rxjs';
import type { TraceEvent } from '../schemas/trace-event.js';

export type { TraceEvent };

/** A processor: any RxJS operator from events to events (see docs/processors.md). */
export type Processor = OperatorFunction<TraceEvent, TraceEvent>;

/** What an exporter may be asked to do with a batch when the pipeline's memory cap is reached. */
export type OverloadPolicy = 'sync' | 'spool' | 'drop-newest' | 'drop-oldest';

/**
 * The exporter contract. Every method may be sync or async; none may assume it is called
 * from user code. Calls come in batch order and never overlap for one exporter, except
 * `exportSync`, which the pipeline calls under memory pressure and at process exit even while
 * an async `export` is still running: an exporter that has it must keep batch order in its
 * output regardless.
 */
export interface Exporter {
  /** Shown in metrics, health and error reports. */
  readonly name: string;
  /** Delivers one batch (events in stream order). A throw or rejection counts as a failure. */
  export(batch: readonly TraceEvent[]): void | Promise<void>;
  /**
   * Delivers a batch synchronously. Present when the exporter can (files, memory). Used when
   * the memory cap is reached (policy `sync`) and at exit, when nothing async can finish.
   */
  exportSync?(batch: readonly TraceEvent[]): void;
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
