/**
 * optrail: trace workflows and LLM agents as totally ordered event streams.
 * Recording (`op`, `annotate`, `recordLlmUsage`, `group`, `recordMedia`), the pipeline, and replay.
 */
export { op, type OpOptions } from './op.js';
export { annotate } from './annotate.js';
export { recordLlmUsage, type LlmUsage } from './llm-usage.js';
export { group } from './group.js';
export { recordMedia, type MediaBytes } from './record-media.js';
export { currentOp, type CurrentOp } from './context.js';
export {
  createPipeline,
  type Pipeline,
  type PipelineOptions,
  type RunOptions,
  type ReplayResult,
  type ShutdownReport,
} from './pipeline.js';
export { setDefaultPipeline, getDefaultPipeline } from './default-pipeline.js';
export { readEvents, TraceReadError, type ReadOptions, type ReadProblem, type ReadSource } from './read-events.js';
export { fileMediaStore, type MediaStore, type FileMediaStoreOptions } from './media.js';
export { serializeEvent, serializeBatch, encodeBatch } from './serialize.js';
export { parseTimestampMicros, formatMicros, canonicalTimestamp } from './clock.js';
export { compareEvents } from './order.js';
export { DROPPED_MARKER_KEY } from './drop-marker.js';
export { nameProcessor, reportingTo, type ProcessorReporter } from './processor-context.js';
export { readEnvConfig, type EnvConfig } from './config.js';
export { startReceiver, type Receiver, type ReceiverOptions, type ReceiverStats } from './receiver.js';
export { assessHealth, type Health } from './health.js';
export type { CaptureLimits, JsonValue, JsonObject } from './snapshot.js';
export type { PipelineMetrics, ExporterMetrics } from './metrics.js';
export type { ErrorReport, Logger } from './error-log.js';
export type { Exporter, OverloadPolicy, Processor } from './types.js';
export type { TraceEvent, EventKind, EventOfKind } from '../schemas/trace-event.js';
export * as defaults from './defaults.js';
