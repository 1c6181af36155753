import { BoundedMap } from '../base/bounded-map.js';
import { DEFAULT_PRICE_CACHE_SIZE } from '../base/defaults.js';
import { priceTable, priceTableError, type PriceTable, type TablePrice } from './price-table.js';

/** Prices of one model in US dollars per million tokens, as `prices.models` takes them. */
export interface ModelPrice {
  /** Input tokens not read from or written to a cache. */
  inputPerMTok: number;
  /** Output tokens, reasoning included. */
  outputPerMTok: number;
  /** Input tokens read from the prompt cache. Default: `inputPerMTok`. */
  cacheReadPerMTok?: number;
  /** Input tokens written to the prompt cache. Default: `inputPerMTok`. */
  cacheWritePerMTok?: number;
}

/**
 * How a pipeline prices LLM usage recorded without a cost (`createPipeline({ prices })`).
 * `true` (the default): the price table of `@pydantic/genai-prices`, as installed (never
 * refreshed over the network). `false`: no price is computed, so a usage without `costUsd` is
 * `cost_unknown`. An object: `models` overrides the table per model (`"gpt-4o"` or
 * `"openai/gpt-4o"`, the provider-qualified name winning; `false` for a model means "never price
 * it"), and `table: false` prices only the models given.
 */
export type PricesOption = boolean | { models?: Record<string, ModelPrice | false>; table?: boolean };

/** The counts a price is computed from (every input token in `promptTokens`). */
export interface UsageToPrice {
  readonly model: string;
  readonly provider: string | undefined;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
}

/** A computed cost and where its price came from. */
export interface ComputedCost {
  readonly costUsd: number;
  readonly source: 'price_table' | 'override';
}

/** What a pipeline's pricing did, as `pipeline.metrics().pricing` reports it. */
export interface PricingCounts {
  /** Usages priced by optrail (the table or an override). */
  priced: number;
  /** Usages left without a cost: the model is not in the table, or pricing failed. */
  unknown: number;
  /** Unknown usages by model (`provider/model`), for the 100 models seen last. */
  unknownModels: Record<string, number>;
  /** Of `unknown`, those where the table could not be loaded or refused the counts. */
  failed: number;
}

/** Prices usages for one pipeline; every method never throws. */
export interface UsagePricer {
  /** The cost of `usage`, or `undefined` when it is unknown (counted). */
  price(usage: UsageToPrice): ComputedCost | undefined;
  /** Counts a usage recorded without counts (the provider reported none) as unknown. */
  unpriced(usage: { readonly model: string; readonly provider: string | undefined }): void;
  counts(): PricingCounts;
}

const UNKNOWN_MODELS_KEPT = 100;

/**
 * A model's price within one band of input sizes, as four per-token rates and a fixed price per
 * call, read from the table once per UTC day by pricing probe usages: `calcPrice` costs ≈ 200 µs
 * a call (it checks its unit rules and matches the model's patterns every time), a linear price a
 * few multiplications.
 */
interface LinearPrice {
  readonly perCall: number;
  readonly input: number;
  readonly cacheRead: number;
  readonly cacheWrite: number;
  readonly output: number;
}

/**
 * How a model is priced on one day. Tiered prices (every token costs more past 200k input tokens,
 * as Claude Sonnet 4.5 and Gemini 2.5 Pro do) are linear within each band of input sizes between
 * their tier starts, so each band has its linear price, read when a usage first falls in it.
 */
interface Banded {
  /** The tier starts, ascending: a usage of N input tokens is in the band of the starts below N. */
  readonly starts: readonly number[];
  readonly bands: Map<number, LinearPrice | undefined>;
}

/**
 * Where a (provider, model) pair stands in the table on one day: priced by bands; `exact` when its
 * price is not linear in any band (prices by time of day, a unit optrail does not read), so each
 * usage asks the table; or `null`, not in it. `providerId` is the table's provider that finds it
 * (`undefined`: none needed).
 */
type Lookup = { readonly providerId: string | undefined; readonly price: Banded | 'exact' } | null;

/** The table's provider id for an optrail provider name: `openai.chat` (the AI SDK's) is `openai`. */
function tableProvider(provider: string | undefined): string | undefined {
  if (provider === undefined) return undefined;
  const dot = provider.indexOf('.');
  return (dot > 0 ? provider.slice(0, dot) : provider).toLowerCase();
}

/** The tier starts of the price found, or `undefined` when it is not linear within bands of input size. */
function tierStarts(found: TablePrice): number[] | undefined {
  const prices = found.model.prices;
  if (Array.isArray(prices) && prices.some((entry) => (entry as { constraint?: { type?: unknown } }).constraint?.type === 'time_of_date')) return undefined;
  const starts = new Set<number>();
  for (const value of Object.values(found.model_price)) {
    if (typeof value === 'number') continue;
    const tiers = (value as { tiers?: unknown } | null)?.tiers;
    if (!Array.isArray(tiers)) return undefined;
    for (const tier of tiers) {
      const start = (tier as { start?: unknown }).start;
      if (typeof start !== 'number' || !Number.isSafeInteger(start) || start < 0) return undefined;
      starts.add(start);
    }
  }
  return [...starts].sort((a, b) => a - b);
}

/** The band of a usage of `input` tokens: how many tier starts it is above (the table's rule: a tier applies past its start). */
function bandOf(starts: readonly number[], input: number): number {
  let band = 0;
  while (band < starts.length && input > starts[band]!) band++;
  return band;
}

/**
 * The rates of band `band`, from the table's own prices of probe usages whose input lies in it
 * (so the table's rules, not ours, say what a cache read or write costs).
 */
function linearPrice(table: PriceTable, model: string, options: { providerId?: string; timestamp: Date }, starts: readonly number[], band: number): LinearPrice | undefined {
  const size = band === 0 ? 1 : starts[band - 1]! + 1;
  const probe = (usage: Record<string, number>) => table.calcPrice(usage, model, options)?.total_price;
  const perCall = probe({ input_tokens: 0, output_tokens: 0 });
  const input = probe({ input_tokens: size, output_tokens: 0 });
  const cacheRead = probe({ input_tokens: size, cache_read_tokens: size, output_tokens: 0 });
  const cacheWrite = probe({ input_tokens: size, cache_write_tokens: size, output_tokens: 0 });
  const output = probe({ input_tokens: size, output_tokens: size });
  if (perCall === undefined || input === undefined || cacheRead === undefined || cacheWrite === undefined || output === undefined) return undefined;
  return {
    perCall,
    input: (input - perCall) / size,
    cacheRead: (cacheRead - perCall) / size,
    cacheWrite: (cacheWrite - perCall) / size,
    output: (output - input) / size,
  };
}

function linearCost(price: LinearPrice, usage: UsageToPrice): number {
  const uncached = Math.max(0, usage.promptTokens - usage.cacheReadTokens - usage.cacheWriteTokens);
  return price.perCall + uncached * price.input + usage.cacheReadTokens * price.cacheRead + usage.cacheWriteTokens * price.cacheWrite + usage.completionTokens * price.output;
}

function overrideCost(price: ModelPrice, usage: UsageToPrice): number {
  const uncached = Math.max(0, usage.promptTokens - usage.cacheReadTokens - usage.cacheWriteTokens);
  return (
    (uncached * price.inputPerMTok +
      usage.cacheReadTokens * (price.cacheReadPerMTok ?? price.inputPerMTok) +
      usage.cacheWriteTokens * (price.cacheWritePerMTok ?? price.inputPerMTok) +
      usage.completionTokens * price.outputPerMTok) /
    1e6
  );
}

/**
 * The pricer of a pipeline, or `undefined` when `option` is `false`. The table is loaded on the
 * first usage that needs it (≈ 70 ms once per process: it is half a megabyte of data), never at
 * startup, so a program that records no usage never pays for it.
 */
export function usagePricer(option: PricesOption | undefined, onError: (where: string, error: unknown) => void): UsagePricer | undefined {
  if (option === false) return undefined;
  const overrides = new Map<string, ModelPrice | false>(option === true || option === undefined ? [] : Object.entries(option.models ?? {}));
  const useTable = option === true || option === undefined || option.table !== false;
  const lookups = new BoundedMap<string, Lookup>(DEFAULT_PRICE_CACHE_SIZE);
  const unknownModels = new BoundedMap<string, number>(UNKNOWN_MODELS_KEPT);
  let priced = 0;
  let unknown = 0;
  let failed = 0;
  let loadFailureSaid = false;

  const miss = (usage: UsageToPrice, failure: boolean): undefined => {
    unknown++;
    if (failure) failed++;
    const name = usage.provider === undefined ? usage.model : `${usage.provider}/${usage.model}`;
    const seen = unknownModels.get(name) ?? 0;
    unknownModels.delete(name); // to the newest end: the models kept are those seen last
    unknownModels.set(name, seen + 1);
    return undefined;
  };

  const fromTable = (table: PriceTable, usage: UsageToPrice): number | null => {
    const counts: Record<string, number> = { input_tokens: usage.promptTokens, output_tokens: usage.completionTokens };
    if (usage.cacheReadTokens > 0) counts.cache_read_tokens = usage.cacheReadTokens;
    if (usage.cacheWriteTokens > 0) counts.cache_write_tokens = usage.cacheWriteTokens;
    const provider = tableProvider(usage.provider);
    const timestamp = new Date();
    // Dated prices change at midnight UTC at the earliest: a day's lookup holds for the day.
    const key = `${provider ?? ''}\u0000${usage.model}\u0000${timestamp.toISOString().slice(0, 10)}`;
    let lookup = lookups.get(key);
    if (lookup === undefined) {
      // The provider's own entry; a provider the table does not know (a gateway, a mock) falls back to the model's patterns.
      // Another provider's price is never taken for a provider the table knows: groq's gpt-4o is not OpenAI's.
      const known = provider !== undefined && table.findProvider({ providerId: provider }) !== undefined;
      const providerId = known ? provider : undefined;
      const found = table.calcPrice(counts, usage.model, providerId === undefined ? { timestamp } : { providerId, timestamp });
      if (found === null) lookup = null;
      else {
        const starts = tierStarts(found);
        lookup = { providerId, price: starts === undefined ? 'exact' : { starts, bands: new Map() } };
      }
      lookups.set(key, lookup);
      if (found !== null && lookup?.price === 'exact') return found.total_price;
    }
    if (lookup === null) return null;
    const options = lookup.providerId === undefined ? { timestamp } : { providerId: lookup.providerId, timestamp };
    if (lookup.price !== 'exact') {
      const { starts, bands } = lookup.price;
      const band = bandOf(starts, usage.promptTokens);
      if (!bands.has(band)) bands.set(band, linearPrice(table, usage.model, options, starts, band));
      const linear = bands.get(band);
      if (linear !== undefined) return linearCost(linear, usage);
    }
    return table.calcPrice(counts, usage.model, options)?.total_price ?? null;
  };

  return {
    price(usage) {
      try {
        if (usage.cacheReadTokens + usage.cacheWriteTokens > usage.promptTokens) {
          // promptTokens counts every input token, cached ones included: these counts contradict each other.
          onError('pricing', new RangeError(`${usage.model}: cache reads and writes (${usage.cacheReadTokens} + ${usage.cacheWriteTokens}) cannot exceed the input tokens (${usage.promptTokens})`));
          return miss(usage, true);
        }
        const override = (usage.provider !== undefined ? overrides.get(`${usage.provider}/${usage.model}`) : undefined) ?? overrides.get(usage.model);
        if (override === false) return miss(usage, false);
        if (override !== undefined) {
          const cost = overrideCost(override, usage);
          if (!Number.isFinite(cost)) return miss(usage, true); // a price so high the cost overflows
          priced++;
          return { costUsd: cost, source: 'override' };
        }
        if (!useTable) return miss(usage, false);
        const table = priceTable();
        if (table === undefined) {
          if (!loadFailureSaid) {
            loadFailureSaid = true;
            onError('pricing: loading @pydantic/genai-prices', priceTableError());
          }
          return miss(usage, true);
        }
        const cost = fromTable(table, usage);
        if (cost === null) return miss(usage, false);
        if (!Number.isFinite(cost) || cost < 0) return miss(usage, true);
        priced++;
        return { costUsd: cost, source: 'price_table' };
      } catch (error) {
        // The table refuses counts it finds inconsistent (cache reads above the input): unknown, and said.
        onError('pricing', error);
        return miss(usage, true);
      }
    },
    unpriced(usage) {
      try {
        miss(usage as UsageToPrice, false);
      } catch {
        // counting never throws into the recording
      }
    },
    counts() {
      return { priced, unknown, unknownModels: Object.fromEntries(unknownModels), failed };
    },
  };
}
