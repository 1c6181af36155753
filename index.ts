/**
 * Trace workflows and LLM agents as totally ordered event streams: recording (`op`, `annotate`,
 * `recordLlmUsage`, `group`, `recordMedia`), the pipeline, replay, and the wire format's helpers.
 *
 * @module optrail
 */
import { exportersFromEnvironment } from './exporters/environment.js';
import { getDefaultPipeline, installEnvironmentExporters } from './src/pipeline/default-pipeline.js';
import { installRunnerLookup } from './src/recording/outside-request.js';

export { op, type OpOptions } from './src/recording/op.js';
export type { CaptureSetting } from './src/recording/op-run.js';
export { annotate } from './src/recording/annotate.js';
export { recordLlmUsage, type LlmUsage } from './src/recording/llm-usage.js';
export { startOp, type OpenOp, type StartOpOptions } from './src/recording/open-op.js';
export { group } from './src/recording/group.js';
export { recordMedia, type MediaBytes } from './src/recording/record-media.js';
export { currentOp, type CurrentOp } from './src/recording/context.js';
export {
  createPipeline,
  type Pipeline,
  type PipelineOptions,
  type RunOptions,
  type ReplayResult,
  type ShutdownReport,
} from './src/pipeline/pipeline.js';
export { setDefaultPipeline, getDefaultPipeline, type RequestRunner } from './src/pipeline/default-pipeline.js';
export type { CredentialRedactionOption, RedactionCounts, SecretKeyOptions, ModelPrice, PricesOption, PricingCounts } from './src/pipeline/pipeline-types.js';
export { readEvents, TraceReadError, type ReadOptions, type ReadProblem, type ReadSource } from './src/read/read-events.js';
export { fileMediaStore, type MediaStore, type FileMediaStoreOptions } from './src/delivery/file-media-store.js';
export { serializeEvent, serializeBatch } from './src/wire/serialize.js';
export { parseTimestampMicros } from './src/wire/clock.js';
export { compareEvents } from './src/wire/order.js';
export { DROPPED_MARKER_KEY } from './src/pipeline/drop-marker.js';
export type { Health } from './src/pipeline/health.js';
export type { Loss } from './src/pipeline/loss.js';
export type { CaptureLimits, JsonValue, JsonObject } from './src/recording/capture.js';
export type { PipelineMetrics, ExporterMetrics } from './src/pipeline/metrics.js';
export type { ErrorReport, Logger } from './src/pipeline/error-log.js';
export type { Exporter, ExporterHost, ExportOptions, OverloadPolicy, Processor } from './src/pipeline/exporter-types.js';
export type { TraceEvent, EventKind, EventOfKind } from './schemas/trace-event.js';
/** Every default optrail uses, each written once (timeouts, sizes, caps, paths), as the JSDoc of the options cites them. */
export * as defaults from './src/base/defaults.js';

// The composition root. Recording knows no pipeline and the pipeline no exporters: the entry
// wires them, so `op()` outside any request finds the default pipeline, and the pipeline made
// from OPTRAIL_OUTPUT / OPTRAIL_ENDPOINT gets its exporters. (package.json lists this file as
// having side effects, so bundlers keep these two calls.)
installEnvironmentExporters(exportersFromEnvironment);
installRunnerLookup(getDefaultPipeline);
