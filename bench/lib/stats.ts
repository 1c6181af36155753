/** Median, min and max of repeated measurements. */
export interface Summary {
  median: number;
  min: number;
  max: number;
}

export function summarize(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/** Runs `body` (which performs `iterations` operations) `reps` times after one warm-up; ns per operation. */
export async function measure(reps: number, iterations: number, body: () => unknown | Promise<unknown>): Promise<number[]> {
  await body();
  const results: number[] = [];
  for (let r = 0; r < reps; r++) {
    const start = process.hrtime.bigint();
    await body();
    results.push(Number(process.hrtime.bigint() - start) / iterations);
  }
  return results;
}
