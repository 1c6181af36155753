/**
 * `optrail/ai-sdk`: Vercel AI SDK calls recorded as optrail ops, with token usage and cost.
 *
 * @module optrail/ai-sdk
 */
export { optrailTelemetry, type OptrailTelemetryOptions } from './telemetry.js';
