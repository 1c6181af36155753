/**
 * `optrail/openai`: OpenAI SDK calls recorded as optrail ops, with token usage and cost.
 *
 * @module optrail/openai
 */
export { traceOpenAI, type TraceOpenAIOptions } from './trace-openai.js';
