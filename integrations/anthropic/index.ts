/**
 * `optrail/anthropic`: Anthropic SDK calls recorded as optrail ops, with token usage and cost.
 *
 * @module optrail/anthropic
 */
export { traceAnthropic, type TraceAnthropicOptions } from './trace-anthropic.js';
