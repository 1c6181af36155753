import { createRequire } from 'node:module';

/** What `calcPrice` returns, as far as optrail reads it. */
export interface TablePrice {
  total_price: number;
  /** The prices applied: numbers, or tiered prices (objects) that depend on the input size. */
  model_price: Record<string, unknown>;
  /** The model's entry: `prices` is an array when they change with the date or the time of day. */
  model: { prices: unknown };
}

/** The part of `@pydantic/genai-prices` optrail uses. */
export interface PriceTable {
  calcPrice(usage: Record<string, number>, modelId: string, options?: { providerId?: string; timestamp?: Date }): TablePrice | null;
  findProvider(options: { providerId?: string }): unknown;
}

/** `undefined`: not loaded yet; `null`: loading failed (said once, never retried). */
let table: PriceTable | null | undefined;
let loadError: unknown;

/**
 * The price table, loaded synchronously on first use: a usage is recorded inside the caller's
 * call, and its event must carry its cost when it is made. Always through `createRequire`: the
 * bundler rewrites a bare `require` in the ES module build into a stub that throws, and gives the
 * CommonJS build its own `import.meta.url`. `undefined` when the package cannot be loaded;
 * `priceTableError()` says why.
 */
export function priceTable(): PriceTable | undefined {
  if (table === undefined) {
    try {
      const loaded = createRequire(import.meta.url)('@pydantic/genai-prices') as Partial<PriceTable>;
      table = typeof loaded.calcPrice === 'function' && typeof loaded.findProvider === 'function' ? (loaded as PriceTable) : null;
      if (table === null) loadError = new TypeError('@pydantic/genai-prices has no calcPrice or findProvider');
    } catch (error) {
      table = null;
      loadError = error;
    }
  }
  return table ?? undefined;
}

/** Why the table could not be loaded, or `undefined`. */
export function priceTableError(): unknown {
  return loadError;
}
