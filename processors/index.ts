/**
 * RxJS operators from events to events, one per file.
 *
 * @module optrail/processors
 */
export { groupBy, type GroupByOptions } from './group-by.js';
export { aggregate, type AggregateOptions } from './aggregate.js';
export { redact, DEFAULT_SECRET_KEYS, DEFAULT_ALLOWED_KEYS, type RedactOptions, type RedactStyle } from './redact.js';
export type { Redactor } from './redact-text.js';
export { CREDENTIAL_DETECTORS, PII_DETECTORS, ALL_DETECTORS, type DetectorName, type NamedPattern } from '../src/redaction/scanner.js';
export type { CredentialDetectorName, PiiDetectorName } from '../src/redaction/detector.js';
export type { LegacyDetectorName } from './redact.js';
export { sample, type SampleOptions } from './sample.js';
export { tailSample, type TailSampleOptions, type RequestSummary } from './tail-sample.js';
export { keepOps } from './keep-ops.js';
export { dropOps } from './drop-ops.js';
export { dropKinds } from './drop-kinds.js';
export { dropEmpty } from './drop-empty.js';
export { filter } from './filter.js';
export { truncate, type TruncateOptions } from './truncate.js';
export { reorder, type ReorderOptions } from './reorder.js';
export { validate, INVALID_MARKER_KEY, type InvariantRule } from './validate.js';
export { defineProcessor, type Counter, type ProcessorHandlers, type ProcessorTools } from './define.js';
export { nameProcessor, reportingTo, type ProcessorReporter } from '../src/pipeline/processor-reporter.js';
