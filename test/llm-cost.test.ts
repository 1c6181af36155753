import { createRequire } from 'node:module';
import { calcPrice } from '@pydantic/genai-prices';
import fc from 'fast-check';
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
    const expected = [
      table({ input_tokens: 1000, output_tokens: 100, cache_read_tokens: 200 }, 'gpt-4o-mini', 'openai'),
      table({ input_tokens: 5000, output_tokens: 300, cache_read_tokens: 1000, cache_write_tokens: 2000 }, 'claude-sonnet-4-5', 'anthropic'),
      table({ input_tokens: 10, output_tokens: 1 }, 'gpt-4o-mini', 'openai'),
    ];
    expect(payloads.map((p) => [p.cost_source, p.cost_unknown])).toEqual([['price_table', undefined], ['price_table', undefined], ['price_table', undefined]]);
    // the same price as the table's own, to the last few units of the last place (a linear price sums in another order)
    payloads.forEach((p, i) => expect(Math.abs((p.cost_usd as number) - expected[i]!) / expected[i]!).toBeLessThan(1e-12));
    expect(payloads[1]!.cost_usd).toBeGreaterThan(0);
    expect(payloads[1]).toMatchObject({ cache_read_tokens: 1000, cache_write_tokens: 2000, provider: 'anthropic' });
    expect(metrics.pricing).toEqual({ priced: 3, unknown: 0, unknownModels: {}, failed: 0 });
  });

  it('property: repeated calls of the same models, of any size, cost what the table says — linear, tiered (by input size) and time-of-day prices alike', async () => {
    const models = [
      ['gpt-4o-mini', 'openai'], // linear: priced from the day's rates after the first call
      ['claude-sonnet-4-5', 'anthropic'], // linear, with cache writes
      ['gemini-2.5-pro', 'google'], // tiered: above 200k input tokens every token costs more
      ['deepseek-chat', 'deepseek'], // prices by time of day
    ] as const;
    const call = fc.record({
      which: fc.nat(models.length - 1),
      uncached: fc.nat(400_000),
      cacheRead: fc.nat(100_000),
      cacheWrite: fc.nat(50_000),
      output: fc.nat(50_000),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 12 }), async (calls) => {
        const usages = calls.map(({ which, uncached, cacheRead, cacheWrite, output }) => ({
          model: models[which]![0],
          provider: models[which]![1],
          promptTokens: uncached + cacheRead + cacheWrite,
          completionTokens: output,
          cacheReadTokens: cacheRead,
          cacheWriteTokens: cacheWrite,
        }));
        const { payloads } = await usagePayloads(usages);
        payloads.forEach((payload, i) => {
          const u = usages[i]!;
          const counts: Record<string, number> = { input_tokens: u.promptTokens, output_tokens: u.completionTokens };
          if (u.cacheReadTokens > 0) counts.cache_read_tokens = u.cacheReadTokens;
          if (u.cacheWriteTokens > 0) counts.cache_write_tokens = u.cacheWriteTokens;
          const expected = calcPrice(counts, u.model, { providerId: u.provider })!.total_price;
          expect(payload.cost_source).toBe('price_table');
          expect(Math.abs((payload.cost_usd as number) - expected)).toBeLessThanOrEqual(Math.abs(expected) * 1e-12);
        });
      }),
      { numRuns: 60, seed: 17 },
    );
  });

  it('a tiered price changes at its tier start exactly as the table says: 200,000 input tokens at the base rate, 200,001 all at the long-context rate', async () => {
    const at = (promptTokens: number) => ({ model: 'claude-sonnet-4-5', provider: 'anthropic', promptTokens, completionTokens: 0 });
    const { payloads } = await usagePayloads([at(200_000), at(200_001), at(1), at(200_000)]);
    expect(payloads.map((p) => Number((p.cost_usd as number).toPrecision(12)))).toEqual([0.6, 1.200006, 0.000003, 0.6]);
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

  it('a provider that reported no counts gives cost_unknown, never a priced $0 for 0 tokens', async () => {
    const { payloads, metrics } = await usagePayloads([
      { model: 'gpt-4o', provider: 'openai', promptTokens: undefined, completionTokens: undefined },
      { model: 'gpt-4o', provider: 'openai', promptTokens: Number.NaN, completionTokens: Number.NaN },
      { model: 'gpt-4o', provider: 'openai', promptTokens: 0, completionTokens: 0 }, // said 0: a known $0
    ]);
    expect(payloads.map((p) => [p.prompt_tokens, p.cost_usd, p.cost_unknown ?? false, p.cost_source ?? 'none'])).toEqual([
      [0, 0, true, 'none'],
      [0, 0, true, 'none'],
      [0, 0, false, 'price_table'],
    ]);
    expect(metrics.pricing).toMatchObject({ priced: 1, unknown: 2, unknownModels: { 'openai/gpt-4o': 2 } });
  });

  it('counts past 2^53 are kept at 2^53 − 1 (what readers accept), and a cost that overflows is unknown, not Infinity', async () => {
    const { payloads, metrics } = await usagePayloads(
      [
        { model: 'big', promptTokens: 1e308, completionTokens: 2 ** 60, cacheReadTokens: 1e300, reasoningTokens: Infinity },
        { model: 'dear', promptTokens: 10, completionTokens: 10 },
      ],
      { prices: { models: { dear: { inputPerMTok: 1e308, outputPerMTok: 1e308 } } } },
    );
    expect(payloads[0]).toMatchObject({ prompt_tokens: Number.MAX_SAFE_INTEGER, completion_tokens: Number.MAX_SAFE_INTEGER, total_tokens: Number.MAX_SAFE_INTEGER, cache_read_tokens: Number.MAX_SAFE_INTEGER, reasoning_tokens: 0 });
    expect(payloads[1]).toMatchObject({ cost_usd: 0, cost_unknown: true });
    expect(metrics.pricing).toMatchObject({ priced: 0, failed: 1 });
    for (const payload of payloads) expect(JSON.stringify(payload)).not.toContain('null');
  });

  it("a provider the table knows never takes another provider's price; one it does not know (a mock, a gateway) falls back to the model's", async () => {
    const { payloads } = await usagePayloads([
      { model: 'gpt-4o', provider: 'groq', promptTokens: 1000, completionTokens: 10 },
      { model: 'claude-3-5-sonnet-latest', provider: 'openai', promptTokens: 1000, completionTokens: 10 },
      { model: 'gpt-4o', provider: 'mock-provider', promptTokens: 1000, completionTokens: 10 },
    ]);
    expect(payloads.map((p) => p.cost_source ?? 'unknown')).toEqual(['unknown', 'unknown', 'price_table']);
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

  it('counts that contradict each other (cache reads above the input) leave the cost unknown, counted as failed and reported — never thrown, first call or later', async () => {
    const { payloads, metrics, errors } = await usagePayloads([
      { model: 'gpt-4o-mini', provider: 'openai', promptTokens: 10, completionTokens: 1, cacheReadTokens: 50 },
      { model: 'gpt-4o-mini', provider: 'openai', promptTokens: 10, completionTokens: 1 },
      { model: 'gpt-4o-mini', provider: 'openai', promptTokens: 10, completionTokens: 1, cacheReadTokens: 8, cacheWriteTokens: 8 },
    ]);
    expect(payloads[0]).toMatchObject({ cost_usd: 0, cost_unknown: true, cache_read_tokens: 50 });
    expect(payloads[1]).toMatchObject({ cost_source: 'price_table' });
    expect(payloads[2]).toMatchObject({ cost_usd: 0, cost_unknown: true });
    expect(metrics.pricing).toMatchObject({ priced: 1, unknown: 2, failed: 2 });
    expect(errors.map((e) => e.source)).toEqual(['internal:pricing', 'internal:pricing']);
    expect(errors[0]!.message).toContain('cannot exceed the input tokens');
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
