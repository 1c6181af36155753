import { from, isObservable, type Observable } from 'rxjs';
import { parseOptions, PipelineOptionsSchema } from '../../schemas/options.js';
import type { TraceEvent } from '../../schemas/trace-event.js';
import { envConfig } from '../base/environment.js';
import { frameStorage, NO_CTX, rootFrame } from '../recording/context.js';
import {
  DEFAULT_BATCH_AGE_MS,
  DEFAULT_BATCH_BYTES,
  DEFAULT_BATCH_EVENTS,
  DEFAULT_EXPORT_TIMEOUT_MS,
  DEFAULT_MAX_BUFFER_BYTES,
  DEFAULT_PACK_BACKLOG_AT,
  DEFAULT_REQUEST_END_GRACE_MS,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
} from '../base/defaults.js';
import { dropMarker } from './drop-marker.js';
import { Emitter, type EmitterHost, type OpenGroup } from '../recording/emitter.js';
import type { Pipeline, PipelineOptions, ReplayResult, RunOptions, ShutdownReport } from './pipeline-types.js';
import { lossOf } from './loss.js';
import { summarizeShutdown } from './shutdown-summary.js';
import { ErrorLog, stderrLogger, type ErrorReport, type Logger } from './error-log.js';
import { estimateEventBytes } from '../wire/event-size.js';
import { registerForExit, unregisterForExit, type ExitParticipant } from './exit-hooks.js';
import { ExporterChannel, type MemoryBudget } from './exporter-channel.js';
import { newRequestId } from '../wire/ids.js';
import { fileMediaStore } from '../delivery/file-media-store.js';
import type { MediaStore } from '../wire/media-store.js';
import { MediaWrites } from './media-writes.js';
import { assessHealth, type Health } from './health.js';
import { bump, copyProcessorCounts, exporterMetrics, uniqueNames, type PipelineMetrics } from './metrics.js';
import { ProcessorChain, type ChainHooks } from './processor-chain.js';
import type { ProcessorReporter } from './processor-reporter.js';
import { afterSettled, isThenable } from '../base/settle.js';
import { settlesWithin } from '../base/timeout.js';
import { BoundedMap } from '../base/bounded-map.js';
import { emitAnnotation } from '../recording/annotate.js';
import { captureSecrets } from '../redaction/capture-secrets.js';
import { usagePricer, type UsagePricer } from '../pricing/usage-pricer.js';
import { DEFAULT_CAPTURE_LIMITS, resolveLimits, type CapturePolicy } from '../recording/capture.js';
import type { Processor } from './exporter-types.js';

export type { Pipeline, PipelineOptions, ReplayResult, RunOptions, ShutdownReport } from './pipeline-types.js';

/** Caller-chosen request ids whose `seq` continues when they run again. */
const MAX_REUSABLE_REQUESTS = 10_000;

class PipelineImpl implements Pipeline, EmitterHost, ExitParticipant {
  readonly limits: CapturePolicy;
  readonly prices: UsagePricer | undefined;
  readonly mediaStore: MediaStore;
  readonly exitTimeoutMs: number;
  readonly requestEndGraceMs: number;
  private readonly channels: ExporterChannel[];
  private readonly budget: MemoryBudget;
  private readonly processors: Processor[];
  private chain: ProcessorChain | undefined;
  private readonly errorLog: ErrorLog;
  private readonly logger: Logger | undefined;
  private readonly dropped: Record<string, number> = {};
  private readonly processorCounts: PipelineMetrics['processors'] = {};
  private readonly openGroups = new Set<OpenGroup>();
  /** Requests whose runs have settled and that wait for ops they did not await. */
  private readonly requestsAwaitingEnd = new Set<Emitter>();
  private readonly namedEmitters = new BoundedMap<string, Emitter>(MAX_REUSABLE_REQUESTS);
  private readonly media: MediaWrites;
  private readonly disabled: boolean;
  private emitted = 0;
  private replayed = 0;
  private internalErrors = 0;
  private closed = false;
  private shutdownPromise: Promise<ShutdownReport> | undefined;

  constructor(options: PipelineOptions) {
    const env = envConfig();
    const base = resolveLimits(DEFAULT_CAPTURE_LIMITS, { maxString: env.maxString, maxItems: env.maxItems });
    const secrets = captureSecrets(options.redactCredentials ?? env.redactCredentials);
    this.limits = Object.freeze({ ...resolveLimits(base, options.limits), secrets });
    this.mediaStore = options.mediaStore ?? fileMediaStore();
    this.exitTimeoutMs = options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
    this.requestEndGraceMs = options.requestEndGraceMs ?? DEFAULT_REQUEST_END_GRACE_MS;
    this.logger = options.logger === false ? undefined : (options.logger ?? stderrLogger);
    this.errorLog = new ErrorLog(this.logger, secrets && ((text) => secrets.scrub(text)));
    this.media = new MediaWrites(this.errorLog);
    this.prices = usagePricer(options.prices, (where, error) => this.reportInternalError(where, error));
    this.budget = { used: 0, max: options.maxBufferBytes ?? env.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES };
    this.disabled = env.disabled;
    const batch = {
      maxEvents: options.batch?.maxEvents ?? env.flushEvents ?? DEFAULT_BATCH_EVENTS,
      maxBytes: options.batch?.maxBytes ?? DEFAULT_BATCH_BYTES,
      maxAgeMs: options.batch?.maxAgeMs ?? env.flushMs ?? DEFAULT_BATCH_AGE_MS,
    };
    const timeout = options.exportTimeoutMs ?? DEFAULT_EXPORT_TIMEOUT_MS;
    const names = uniqueNames((options.exporters ?? []).map((e) => e.name));
    this.channels = (options.exporters ?? []).map(
      (exporter, i) => new ExporterChannel(exporter, names[i]!, batch, timeout, this.budget, this.dropped, this.errorLog, options.packBacklogAt ?? DEFAULT_PACK_BACKLOG_AT),
    );
    this.processors = options.processors ?? [];
    this.chain = this.processors.length > 0 ? this.newChain() : undefined;
    if (options.exitSafety ?? true) registerForExit(this);
  }

  // ---- recording -------------------------------------------------------------------------

  run<T>(fn: () => T, options?: RunOptions): T {
    if (this.disabled || this.closed) return fn();
    let root;
    let emitter: Emitter;
    try {
      emitter = options?.requestId === undefined ? new Emitter(this, newRequestId()) : this.emitterFor(String(options.requestId));
      emitter.beginRun();
      const metadata = options?.metadata;
      if (metadata) {
        for (const key of Object.keys(metadata)) emitAnnotation(emitter, null, NO_CTX, key, metadata[key]);
      }
      root = emitter.root ??= rootFrame(emitter);
    } catch (error) {
      this.reportInternalError('run', error);
      return fn();
    }
    let result: T;
    try {
      result = frameStorage.run(root, fn);
    } catch (thrown) {
      emitter.settleRun(true);
      throw thrown;
    }
    if (!isThenable(result)) {
      emitter.settleRun(false);
      return result;
    }
    return afterSettled(result, {
      succeed: () => emitter.settleRun(false),
      fail: () => emitter.settleRun(true),
    }) as T;
  }

  /**
   * The emitter of a caller-chosen request id. Running the same id again (a conversation that
   * goes on) continues its `seq`, so its event ids never repeat; the most recent
   * `MAX_REUSABLE_REQUESTS` ids are remembered.
   */
  private emitterFor(requestId: string): Emitter {
    let emitter = this.namedEmitters.get(requestId);
    if (emitter) this.namedEmitters.delete(requestId); // set again below: the most recently run is the newest
    else emitter = new Emitter(this, requestId);
    this.namedEmitters.set(requestId, emitter);
    return emitter;
  }

  accept(event: TraceEvent, bytes: number): void {
    if (this.closed) {
      bump(this.dropped, 'after_shutdown');
      return;
    }
    this.emitted++;
    if (this.chain === undefined) this.deliver(event, bytes);
    else this.pushThrough(this.chain, event);
  }

  private pushThrough(chain: ProcessorChain, event: TraceEvent): void {
    try {
      chain.push(event);
    } catch (error) {
      this.reportInternalError('processors', error);
    }
  }

  private deliver(event: TraceEvent, bytes: number): void {
    const channels = this.channels;
    for (let i = 0; i < channels.length; i++) channels[i]!.accept(event, bytes);
    if (this.budget.used > this.budget.max) this.relieve();
  }

  private readonly deliverProcessed = (event: TraceEvent): void => {
    try {
      this.deliver(event, estimateEventBytes(event));
    } catch (error) {
      this.reportInternalError('deliver', error);
    }
  };

  private relieve(): void {
    for (const channel of this.channels) {
      try {
        channel.relieve();
      } catch (error) {
        this.reportInternalError('relieve', error);
      }
    }
  }

  reportInternalError(where: string, error: unknown): void {
    this.internalErrors++;
    this.errorLog.record(`internal:${where}`, error);
  }

  openGroup(group: OpenGroup): void {
    this.openGroups.add(group);
  }

  closeGroup(group: OpenGroup): void {
    this.openGroups.delete(group);
  }

  awaitingEnd(emitter: Emitter, waiting: boolean): void {
    if (waiting) this.requestsAwaitingEnd.add(emitter);
    else this.requestsAwaitingEnd.delete(emitter);
  }

  canBufferMedia(bytes: number): boolean {
    return this.budget.used + this.media.counts.pendingBytes + bytes <= this.budget.max;
  }

  trackMediaWrite(write: Promise<void>, bytes: number): void {
    this.media.track(write, bytes);
  }


  // ---- processors ------------------------------------------------------------------------

  private newChain(): ProcessorChain {
    const reporter: ProcessorReporter = {
      dropped: (processor, reason, n = 1) => bump(this.processorEntry(processor).dropped, reason, n),
      changed: (processor, reason, n = 1) => bump(this.processorEntry(processor).changed, reason, n),
      failed: (processor, callback, error) => {
        const entry = this.processorEntry(processor);
        bump(entry.callbackErrors, callback);
        this.errorLog.record(`processor:${processor}.${callback}`, error);
      },
    };
    const hooks: ChainHooks = {
      reporter,
      processorFailed: (name, error, lastInput) => {
        this.processorEntry(name).errors++;
        this.errorLog.record(`processor:${name}`, error);
        if (lastInput !== undefined) {
          bump(this.dropped, `processor_error:${name}`);
          this.deliverProcessed(dropMarker(lastInput, 1, `processor_error:${name}`));
        }
      },
    };
    return new ProcessorChain(this.processors, this.deliverProcessed, hooks);
  }

  private processorEntry(name: string) {
    return (this.processorCounts[name] ??= { errors: 0, callbackErrors: {}, dropped: {}, changed: {} });
  }

  // ---- replay, flush, shutdown -------------------------------------------------------------

  replay(events: Observable<TraceEvent> | Iterable<TraceEvent> | AsyncIterable<TraceEvent>): Promise<ReplayResult> {
    if (this.closed) return Promise.reject(new Error('optrail: replay() after shutdown()'));
    const source = isObservable(events) ? events : from(events as Iterable<TraceEvent>);
    const chain = this.processors.length > 0 ? this.newChain() : undefined;
    let count = 0;
    return new Promise<ReplayResult>((resolve, reject) => {
      const finish = async (error?: unknown) => {
        if (chain) await chain.complete();
        await this.flush();
        if (error === undefined) resolve({ events: count });
        else reject(error);
      };
      source.subscribe({
        next: (event) => {
          count++;
          this.replayed++;
          if (chain) this.pushThrough(chain, event);
          else this.deliverProcessed(event);
        },
        error: (error: unknown) => void finish(error ?? new Error('replay source failed')),
        complete: () => void finish(),
      });
    });
  }

  async flush(): Promise<void> {
    try {
      await this.media.settled();
      await Promise.all(this.channels.map((c) => c.flush()));
    } catch (error) {
      this.reportInternalError('flush', error);
    }
  }

  flushSync(): void {
    for (const channel of this.channels) {
      try {
        channel.flushSync();
      } catch (error) {
        this.reportInternalError('flushSync', error);
      }
    }
  }

  releaseHeld(): void {
    if (this.closed) return;
    try {
      for (const group of [...this.openGroups].reverse()) group.emitter.closeGroup(group, 'truncated');
      for (const emitter of [...this.requestsAwaitingEnd]) emitter.endRequest();
      const chain = this.chain;
      if (chain) {
        // Completing runs synchronously through every processor (reorder releases in order,
        // tailSample decides what it holds); a fresh chain takes whatever the program still does.
        void chain.complete();
        this.chain = this.newChain();
      }
    } catch (error) {
      this.reportInternalError('releaseHeld', error);
    }
  }

  hasPending(): boolean {
    return this.budget.used > 0 || this.media.busy || this.channels.some((c) => !c.idle);
  }

  shutdown(): Promise<ShutdownReport> {
    return (this.shutdownPromise ??= this.close());
  }

  private async close(): Promise<ShutdownReport> {
    let truncatedGroups = 0;
    for (const group of [...this.openGroups].reverse()) {
      group.emitter.closeGroup(group, 'truncated');
      truncatedGroups++;
    }
    // Requests still waiting for ops they did not await end now, with those ops counted open.
    for (const emitter of [...this.requestsAwaitingEnd]) emitter.endRequest();
    const work = (async () => {
      if (this.chain) await this.chain.complete();
      this.closed = true;
      await this.media.settled();
      // Half the deadline to deliver normally; the rest for exporters to wrap up (spool, close).
      await Promise.all(this.channels.map((c) => c.shutdown(this.exitTimeoutMs / 2)));
    })();
    const finished = work.catch((error: unknown) => this.reportInternalError('shutdown', error));
    const timedOut = !(await settlesWithin(finished, this.exitTimeoutMs));
    this.closed = true;
    unregisterForExit(this);
    const metrics = this.metrics();
    const lost = lossOf(metrics);
    const report: ShutdownReport = { metrics, errors: this.errorLog.report(), lost, truncatedGroups, timedOut };
    if (report.errors.length > 0 || timedOut || lost.total > 0) this.logger?.warn(summarizeShutdown(report));
    return report;
  }

  metrics(): PipelineMetrics {
    return {
      emitted: this.emitted,
      replayed: this.replayed,
      dropped: { ...this.dropped },
      processors: copyProcessorCounts(this.processorCounts),
      exporters: exporterMetrics(this.channels, (name, error) => this.reportInternalError(`stats ${name}`, error)),
      bufferedBytes: this.budget.used,
      maxBufferBytes: this.budget.max,
      internalErrors: this.internalErrors,
      media: { ...this.media.counts },
      ...(this.limits.secrets ? { redaction: this.limits.secrets.counts() } : {}),
      ...(this.prices ? { pricing: this.prices.counts() } : {}),
    };
  }

  errors(): ErrorReport[] {
    return this.errorLog.report();
  }

  health(): Health {
    return assessHealth(this.metrics());
  }
}

/**
 * Creates a pipeline. Options are checked at once (a wrong option throws a TypeError naming it);
 * after that nothing the pipeline does throws into user code.
 *
 * @example
 * const pipeline = createPipeline({ exporters: [jsonlExporter({ dir: 'traces' }, { gzip: true })] });
 * await pipeline.run(() => agent({ question: 'What is 2+2?' }));
 * await pipeline.shutdown();
 */
export function createPipeline(options: PipelineOptions = {}): Pipeline {
  parseOptions(PipelineOptionsSchema, options, 'createPipeline');
  return new PipelineImpl(options);
}
