/**
 * Every built-in processor with each of its user callbacks throwing, as a program runs it: a
 * throw that reached RxJS's unhandled-error path would end this process with code 1. Prints one
 * JSON line per case: what the program got back, what was delivered, and the counters.
 */
import { memoryExporter } from '../../exporters/memory.js';
import { aggregate } from '../../processors/aggregate.js';
import { filter } from '../../processors/filter.js';
import { groupBy } from '../../processors/group-by.js';
import { redact } from '../../processors/redact.js';
import { tailSample } from '../../processors/tail-sample.js';
import { group } from '../../src/recording/group.js';
import { op } from '../../src/recording/op.js';
import { createPipeline } from '../../src/pipeline/pipeline.js';
import type { Processor } from '../../src/pipeline/exporter-types.js';

const boom = (): never => {
  throw new Error('user callback bug');
};

const cases: Array<[string, string, () => Processor]> = [
  ['filter', 'predicate', () => filter(boom)],
  ['groupBy', 'boundary', () => groupBy({ boundary: boom })],
  ['groupBy', 'key', () => groupBy({ key: boom })],
  ['groupBy', 'name', () => groupBy({ boundary: (e) => e.kind === 'op_end', name: boom })],
  ['aggregate', 'init', () => aggregate({ op: 'step', init: boom, reduce: (n: number) => n + 1, emit: (n) => n, keep: true })],
  ['aggregate', 'reduce', () => aggregate({ op: 'step', init: () => 0, reduce: boom, emit: (n) => n, keep: true })],
  ['aggregate', 'emit', () => aggregate({ op: 'step', init: () => 0, reduce: (n: number) => n + 1, emit: boom, keep: true })],
  ['tailSample', 'keep', () => tailSample({ keep: boom })],
  ['redact', 'redactors', () => redact({ redactors: [boom] })],
];

const step = op('step', (i: number) => ({ i }));
const respond = op('respond', async (text: string) => text.toUpperCase());

for (const [processor, callback, make] of cases) {
  const memory = memoryExporter();
  const pipeline = createPipeline({ processors: [make()], exporters: [memory], logger: false });
  const returned = await pipeline.run(
    () =>
      group('turn', async () => {
        const a = step(1);
        const b = step(2);
        return [a, b, await respond('done')];
      }),
    { requestId: `${processor}-${callback}` },
  );
  const report = await pipeline.shutdown();
  const metrics = report.metrics;
  const delivered = new Set(memory.events.map((e) => e.event_id));
  const recorded = Array.from({ length: metrics.emitted }, (_, seq) => `${processor}-${callback}-${seq}`);
  process.stdout.write(
    JSON.stringify({
      processor,
      callback,
      returned,
      recorded: recorded.length,
      missing: recorded.filter((id) => !delivered.has(id)),
      dropped: metrics.dropped,
      counters: metrics.processors[processor],
      health: pipeline.health(),
      errors: report.errors.map((e) => e.source),
    }) + '\n',
  );
}
// Let any error RxJS would report asynchronously (a 0 ms timer) surface before the program ends.
await new Promise((resolve) => setTimeout(resolve, 0));
process.stdout.write('done\n');
