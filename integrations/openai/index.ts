/**
 * `optrail/openai`: OpenAI SDK calls recorded as optrail ops, with token usage and cost.
 *
 * @module optrail/openai
 */
export { traceOpenAI, type TraceOpenAIOptions } from './trace-openai.js';
export { DEFAULT_OPENAI_INCLUDE_USAGE, DEFAULT_OPENAI_PROVIDER } from './defaults.js';
