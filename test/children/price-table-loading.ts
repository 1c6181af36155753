/**
 * Child of test/llm-cost.test.ts: is the price table loaded only when a usage needs a price?
 * Prints one line after each step.
 */
import { createRequire } from 'node:module';
import { createPipeline, op, recordLlmUsage } from '../../index.js';

const require = createRequire(import.meta.url);
const tablePath = require.resolve('@pydantic/genai-prices');
const loaded = () => (require.cache[tablePath] !== undefined ? 'loaded' : 'not loaded');

const pipeline = createPipeline({ exitSafety: false, logger: false });
await pipeline.run(() => op('work', () => 1)());
console.log(`after op: ${loaded()}`);
await pipeline.run(() => op('llm', () => recordLlmUsage({ model: 'gpt-4o-mini', provider: 'openai', promptTokens: 1, completionTokens: 1, costUsd: 0.1 }))());
console.log(`after usage with a cost: ${loaded()}`);
await pipeline.run(() => op('llm', () => recordLlmUsage({ model: 'gpt-4o-mini', provider: 'openai', promptTokens: 1, completionTokens: 1 }))());
console.log(`after usage without a cost: ${loaded()}`);
await pipeline.shutdown();
