import { createRequire } from 'node:module';
import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { op } from '../src/recording/op.js';
import { recordLlmUsage, type LlmUsage } from '../src/recording/llm-usage.js';
import type { PipelineOptions } from '../src/pipeline/pipeline-types.js';
import { startChild } from './child-process.js';
import { tracer } from './helpers.js';

/** The llm_usage payloads `usages` record inside one op, under a pipeline made with `options`. */
async function usagePayloads(usages: LlmUsage[], options: PipelineOptions = {}) {
  const { pipeline, events } = tracer(options);
  await pipeline.run(() => op('llm', () => usages.forEach((usage) => recordLlmUsage(usage)))());
  const payloads = (await events()).filter((e) => e.kind === 'llm_usage').map((e) => e.payload as Record<string, unknown>);
  return { payloads, metrics: pipeline.metrics(), errors: pipeline.errors() };
}

describe('cost computed from the price table when a usage carries none', () => {
  it('prices a known model as @pydantic/genai-prices does, cache reads and writes included', async () => {
    const { payloads, metrics } = await usagePayloads([
      { model: 'gpt-4o-mini', provider: 'openai', promptTokens: 1000, completionTokens: 100, cacheReadTokens: 200 },
      { model: 'claude-sonnet-4-5', provider: 'anthropic', promptTokens: 5000, completionTokens: 300, cacheReadTokens: 1000, cacheWriteTokens: 2000 },
      { model: 'gpt-4o-mini', provider: 'openai.chat', promptTokens: 10, completionTokens: 1 }, // the AI SDK's provider names
    ]);
    const table = (usage: Record<string, number>, model: string, provider: string) => calcPrice(usage, model, { providerId: provider })!.total_price;
    expect(payloads.map((p) => [p.cost_usd, p.cost_source, p.cost_unknown])).toEqual([
      [table({ input_tokens: 1000, output_tokens: 100, cache_read_tokens: 200 }, 'gpt-4o-mini', 'openai'), 'price_table', undefined],
      [table({ input_tokens: 5000, output_tokens: 300, cache_read_tokens: 1000, cache_write_tokens: 2000 }, 'claude-sonnet-4-5', 'anthropic'), 'price_table', undefined],
      [table({ input_tokens: 10, output_tokens: 1 }, 'gpt-4o-mini', 'openai'), 'price_table', undefined],
    ]);
    expect(payloads[1]!.cost_usd).toBeGreaterThan(0);
    expect(payloads[1]).toMatchObject({ cache_read_tokens: 1000, cache_write_tokens: 2000, provider: 'anthropic' });
    expect(metrics.pricing).toEqual({ priced: 3, unknown: 0, unknownModels: {}, failed: 0 });
  });

  it('an unknown model gets no cost: cost_unknown, counted by model — never a silent $0', async () => {
    const { payloads, metrics } = await usagePayloads([
      { model: 'my-finetune-7b', provider: 'local', promptTokens: 5, completionTokens: 2 },
      { model: 'my-finetune-7b', provider: 'local', promptTokens: 5, completionTokens: 2 },
      { model: '__proto__', promptTokens: 1, completionTokens: 1 },
    ]);
    expect(payloads.map((p) => [p.cost_usd, p.cost_unknown, p.cost_source])).toEqual([
      [0, true, undefined],
      [0, true, undefined],
      [0, true, undefined],
    ]);
    expect(metrics.pricing!.unknown).toBe(3);
    expect(metrics.pricing!.priced).toBe(0);
    expect(Object.entries(metrics.pricing!.unknownModels)).toEqual([['local/my-finetune-7b', 2], ['__proto__', 1]]);
    expect(Object.getPrototypeOf(metrics.pricing!.unknownModels)).toBe(Object.prototype);
  });

  it('overrides per model (provider-qualified first), `false` for a model, table: false, and prices: false', async () => {
    const price = { inputPerMTok: 2, outputPerMTok: 8, cacheReadPerMTok: 0.5 };
    const overridden = await usagePayloads(
      [
        { model: 'gpt-4o', provider: 'openai', promptTokens: 1_000_000, completionTokens: 500_000, cacheReadTokens: 400_000 },
        { model: 'gpt-4o', provider: 'azure', promptTokens: 1_000_000, completionTokens: 0 },
        { model: 'gpt-4o-mini', provider: 'openai', promptTokens: 10, completionTokens: 1 },
        { model: 'claude-sonnet-4-5', provider: 'anthropic', promptTokens: 10, completionTokens: 1 },
      ],
      { prices: { models: { 'openai/gpt-4o': price, 'gpt-4o': { inputPerMTok: 1, outputPerMTok: 1 }, 'gpt-4o-mini': false } } },
    );
    // 600k uncached × $2 + 400k cache reads × $0.5 + 500k output × $8 per million
    expect(overridden.payloads.map((p) => [p.cost_usd, p.cost_source ?? 'unknown'])).toEqual([
      [1.2 + 0.2 + 4, 'override'],
      [1, 'override'],
      [0, 'unknown'],
      [calcPrice({ input_tokens: 10, output_tokens: 1 }, 'claude-sonnet-4-5', { providerId: 'anthropic' })!.total_price, 'price_table'],
    ]);
    const onlyGiven = await usagePayloads([{ model: 'claude-sonnet-4-5', provider: 'anthropic', promptTokens: 10, completionTokens: 1 }], { prices: { table: false } });
    expect(onlyGiven.payloads[0]).toMatchObject({ cost_usd: 0, cost_unknown: true });
    const off = await usagePayloads([{ model: 'gpt-4o-mini', provider: 'openai', promptTokens: 10, completionTokens: 1 }], { prices: false });
    expect(off.payloads[0]).toMatchObject({ cost_usd: 0, cost_unknown: true });
    expect(off.metrics.pricing).toBeUndefined();
  });

  it('a cost the caller gives wins and says so; a bad one is ignored and priced', async () => {
    const { payloads } = await usagePayloads([
      { model: 'gpt-4o-mini', provider: 'openai', promptTokens: 10, completionTokens: 1, costUsd: 0.25 },
      { model: 'gpt-4o-mini', provider: 'openai', promptTokens: 10, completionTokens: 1, costUsd: Number.NaN },
      { model: 'gpt-4o-mini', provider: 'openai', promptTokens: 10, completionTokens: 1, costUsd: -1 },
    ]);
    expect(payloads.map((p) => p.cost_source)).toEqual(['caller', 'price_table', 'price_table']);
    expect(payloads[0]!.cost_usd).toBe(0.25);
  });

  it('counts the table refuses (cache reads above the input) leave the cost unknown, counted as failed and reported — never thrown', async () => {
    const { payloads, metrics, errors } = await usagePayloads([
      { model: 'gpt-4o-mini', provider: 'openai', promptTokens: 10, completionTokens: 1, cacheReadTokens: 50 },
    ]);
    expect(payloads[0]).toMatchObject({ cost_usd: 0, cost_unknown: true, cache_read_tokens: 50 });
    expect(metrics.pricing).toMatchObject({ unknown: 1, failed: 1 });
    expect(errors.map((e) => e.source)).toEqual(['internal:pricing']);
    expect(errors[0]!.message).toContain('cannot exceed');
  });

  it('a secret in a model name is redacted before it is priced, so the metrics never carry it', async () => {
    const secret = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD';
    const { payloads, metrics } = await usagePayloads([{ model: `ft:${secret}`, provider: 'openai', promptTokens: 1, completionTokens: 1 }]);
    expect(JSON.stringify(payloads)).not.toContain(secret);
    expect(JSON.stringify(metrics)).not.toContain(secret);
  });

  it('the old field name cachedPromptTokens is still taken, as the cache read count', async () => {
    const { payloads } = await usagePayloads([{ model: 'x', promptTokens: 10, completionTokens: 1, cachedPromptTokens: 4 }]);
    expect(payloads[0]!.cache_read_tokens).toBe(4);
    expect(payloads[0]!.cached_prompt_tokens).toBeUndefined();
  });

  it('the table is not loaded by a program that records no usage, and is by the first usage that needs a price (child process)', async () => {
    const { exited } = startChild('test/children/price-table-loading.ts', []);
    const { code, stdout, stderr } = await exited;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toEqual(['after op: not loaded', 'after usage with a cost: not loaded', 'after usage without a cost: loaded']);
    expect(createRequire(import.meta.url).resolve('@pydantic/genai-prices')).toContain('genai-prices');
  });
});
