import type { TraceEvent } from '../schemas/trace-event.js';
import { CountWaiters } from '../src/base/count-waiters.js';
import type { Exporter } from '../src/pipeline/exporter-types.js';

/** An exporter that keeps every event in memory, for tests (ours and yours). */
export interface MemoryExporter extends Exporter {
  /** Everything exported so far, in delivery order. */
  readonly events: readonly TraceEvent[];
  /** Forgets what was collected. */
  clear(): void;
  /** Resolves once `count` events have arrived (immediately if they already have). */
  waitFor(count: number): Promise<void>;
}

/**
 * Collects events in an array. Synchronous, so it also takes batches at the memory cap and at
 * exit. Unbounded by design: use it in tests, not in production.
 *
 * @example
 * const memory = memoryExporter();
 * const pipeline = createPipeline({ exporters: [memory] });
 * await pipeline.run(() => myOp());
 * await pipeline.flush();
 * expect(memory.events.map((e) => e.kind)).toEqual(['op_start', 'op_end']);
 */
export function memoryExporter(options: { name?: string } = {}): MemoryExporter {
  const events: TraceEvent[] = [];
  const waiters = new CountWaiters();
  const take = (batch: readonly TraceEvent[]) => {
    for (const event of batch) events.push(event);
    waiters.reached(events.length);
  };
  return {
    name: options.name ?? 'memory',
    overload: 'sync',
    events,
    export: take,
    exportSync: take,
    clear: () => {
      events.length = 0;
    },
    waitFor: (count) => waiters.until(count, events.length),
  };
}
