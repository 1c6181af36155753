import type { Observable } from 'rxjs';
import type { TraceEvent } from '../../schemas/trace-event.js';
import type { ErrorReport, Logger } from './error-log.js';
import type { Health } from './health.js';
import type { Loss } from './loss.js';
import type { MediaStore } from '../wire/media-store.js';
import type { PipelineMetrics } from './metrics.js';
import type { CredentialRedactionOption } from '../redaction/capture-secrets.js';

// What `redactCredentials` takes and `metrics().redaction` counts, for the core entry to export
// (it may not import src/redaction: docs/architecture.md).
export type { CredentialRedactionOption, RedactionCounts } from '../redaction/capture-secrets.js';
export type { SecretKeyOptions } from '../redaction/secret-keys.js';
import type { PricesOption } from '../pricing/usage-pricer.js';
export type { ModelPrice, PricesOption, PricingCounts } from '../pricing/usage-pricer.js';
import type { CaptureLimits } from '../recording/capture.js';
import type { Exporter, Processor } from './exporter-types.js';

/** The public contract of a pipeline: its options, what its calls return, and its methods. */

/** Options of `createPipeline`. Every field is optional; defaults are in `src/base/defaults.ts`. */
export interface PipelineOptions {
  /** RxJS operators applied in order to every event; their state lives as long as the pipeline. */
  processors?: Processor[];
  /** Where events go. Each gets its own batches, deadline and overload policy. */
  exporters?: Exporter[];
  /** Capture limits of inputs, outputs, yields and annotations (default: env, then `DEFAULT_MAX_*`). */
  limits?: Partial<CaptureLimits>;
  /** Batch bounds per exporter: 512 events, 1 MiB, 1000 ms by default. */
  batch?: { maxEvents?: number; maxBytes?: number; maxAgeMs?: number };
  /** All memory held for exporters, in estimated bytes (default 64 MiB). */
  maxBufferBytes?: number;
  /**
   * Share of `maxBufferBytes` above which batches waiting behind a dropping exporter (overload
   * `drop-oldest` / `drop-newest`) are kept as compressed JSON Lines until delivered, so a slow
   * exporter holds several times more events before it drops any. Packing costs ≈ 1 µs per event
   * and unpacking a few µs; the exporter gets equal events (same bytes), not the same objects.
   * `sync` and `spool` exporters never pack (they lose nothing at the cap). `0` turns it off.
   * Default `DEFAULT_PACK_BACKLOG_AT` (0.125).
   */
  packBacklogAt?: number;
  /** Deadline of one exporter call, in ms (default 30 000). */
  exportTimeoutMs?: number;
  /** Deadline of `shutdown()` and of the flush after SIGTERM/SIGINT, in ms (default 10 000). */
  shutdownTimeoutMs?: number;
  /**
   * How long a request whose run has settled waits for the ops it started and did not await
   * before its end is marked anyway, in ms (default `DEFAULT_REQUEST_END_GRACE_MS`, 30 000).
   * Consumers that wait for a request's end wait at most this long past its run.
   */
  requestEndGraceMs?: number;
  /** Flush on `beforeExit`, `exit`, SIGTERM and SIGINT (default `true`). */
  exitSafety?: boolean;
  /** Where `recordMedia` keeps bytes (default `fileMediaStore()` under `.optrail/media`). */
  mediaStore?: MediaStore;
  /** Receives one line per distinct failure and the shutdown summary; `false` silences it (default stderr). */
  logger?: Logger | false;
  /**
   * Credentials are redacted while values are captured, before anything is held, cut or exported
   * (default `true`; `OPTRAIL_REDACT_CREDENTIALS=false` turns it off for pipelines that do not
   * set this option, the environment's default pipeline included). Values under secret key names (`DEFAULT_SECRET_KEYS`: `password`, `x-api-key`,
   * `OPENAI_API_KEY`, `cookie`…) become `<redacted>`, and every credential detector (OpenAI,
   * Anthropic, AWS, GitHub, Stripe, Slack, Google keys, JWTs, Bearer/Basic, PEM private keys, URL
   * userinfo and secret query parameters, connection strings, `password=…`) runs on every string,
   * name and request id (a request id that holds one becomes a stable pseudonym). Counted in
   * `metrics().redaction`. An object adds key names (`extraKeys`), replaces them (`keys`) or allows
   * names back (`allowKeys`). `false` turns it off. Personal data (e-mails, cards, phones) is
   * redacted by the `redact()` processor, not by default. See docs/processors.md.
   */
  redactCredentials?: CredentialRedactionOption;
  /**
   * How LLM usage recorded without a cost is priced. Default `true`: the price table of
   * `@pydantic/genai-prices` as installed (tiered, dated and cache prices; never refreshed over
   * the network), loaded on the first usage that needs it. `{ models: { 'my-model': { inputPerMTok,
   * outputPerMTok } } }` overrides it per model (`false` for a model: never priced), `table: false`
   * prices only those; `false` computes no cost. A model with no price is `cost_unknown`, counted in
   * `metrics().pricing`. See docs/integrations.md.
   */
  prices?: PricesOption;
}

/** Options of `pipeline.run`. */
export interface RunOptions {
  /** The request id (default: a new ULID, so ids sort by start time). */
  requestId?: string;
  /** Request-level annotations emitted first, one per key. */
  metadata?: Record<string, unknown>;
}

/** What `replay` resolves to. */
export interface ReplayResult {
  /** Events read from the source and pushed through the processors. */
  events: number;
}

/** What `shutdown` resolves to: the final counters and every distinct failure. */
export interface ShutdownReport {
  metrics: PipelineMetrics;
  errors: ErrorReport[];
  /** Events lost (never delivered, not by a processor's choice), in all and by reason and where (`export_failed:jsonl`…). */
  lost: Loss;
  /** Groups that were still open and were closed as `truncated`. */
  truncatedGroups: number;
  /** True when exporters did not finish within `shutdownTimeoutMs`. */
  timedOut: boolean;
}

/** A tracing pipeline: emitters → processors → batched exporters. */
export interface Pipeline {
  /**
   * Runs `fn` as one request: ops called inside (and in callbacks, timers and generators they
   * start) are traced with this pipeline. Returns what `fn` returns, sync or async. When the
   * run has settled and every op it started has ended, the request's end is marked in the stream
   * (`optrail.request_end`, docs/wire-format.md).
   */
  run<T>(fn: () => T, options?: RunOptions): T;
  /**
   * Pushes a recorded stream through fresh instances of the same processors into the same
   * exporters; resolves once the exporters have flushed. Rejects when the source errors (after
   * flushing what came before).
   */
  replay(events: Observable<TraceEvent> | Iterable<TraceEvent> | AsyncIterable<TraceEvent>): Promise<ReplayResult>;
  /** Delivers everything emitted so far and flushes the exporters. Never rejects. */
  flush(): Promise<void>;
  /**
   * Closes open groups as `truncated`, completes the processors, flushes and shuts the exporters
   * down. Idempotent; never rejects. Events emitted later are counted as dropped.
   */
  shutdown(): Promise<ShutdownReport>;
  /** A snapshot of the counters. */
  metrics(): PipelineMetrics;
  /** Every distinct failure so far. */
  errors(): ErrorReport[];
  /** `healthy`, `degraded` or `failing`, with the reasons (see `assessHealth`). */
  health(): Health;
}
