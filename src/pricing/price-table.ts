import { createRequire } from 'node:module';

/** The part of `@pydantic/genai-prices` optrail uses. */
export interface PriceTable {
  calcPrice(usage: Record<string, number>, modelId: string, options?: { providerId?: string }): { total_price: number } | null;
}

declare const require: NodeJS.Require | undefined;

/** `undefined`: not loaded yet; `null`: loading failed (said once, never retried). */
let table: PriceTable | null | undefined;
let loadError: unknown;

/**
 * The price table, loaded synchronously on first use: a usage is recorded inside the caller's
 * call, and its event must carry its cost when it is made. `require` in the CommonJS build,
 * `createRequire` in the ES module one (the package ships both). `undefined` when the package
 * cannot be loaded; `priceTableError()` says why.
 */
export function priceTable(): PriceTable | undefined {
  if (table === undefined) {
    try {
      const load = typeof require === 'function' ? require : createRequire(import.meta.url);
      const loaded = load('@pydantic/genai-prices') as Partial<PriceTable>;
      table = typeof loaded.calcPrice === 'function' ? (loaded as PriceTable) : null;
      if (table === null) loadError = new TypeError('@pydantic/genai-prices has no calcPrice');
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
