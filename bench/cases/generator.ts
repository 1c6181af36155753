/** Child process: a generator op with 10,000 yields, every yield emitted, vs the bare generator; ns per yield. argv: <reps>. */
import { createPipeline, op, type Exporter } from '../../src/index.js';
import { measure } from '../lib/stats.js';

const reps = Number(process.argv[2]);
const YIELDS = 10_000;
function* numbers() {
  for (let i = 0; i < YIELDS; i++) yield { i };
}
let sink = 0;
const noop: Exporter = { name: 'noop', export: (b) => void (sink += b.length), exportSync: (b) => void (sink += b.length) };
const pipeline = createPipeline({ exporters: [noop], exitSafety: false });
const traced = op('numbers', numbers);
const consume = (it: Iterable<{ i: number }>) => {
  let total = 0;
  for (const v of it) total += v.i;
  return total;
};
const bare = await measure(reps * 4, YIELDS, () => consume(numbers()));
const wrapped = await measure(reps * 4, YIELDS, () => pipeline.run(() => consume(traced())));
process.stdout.write(JSON.stringify({ bare, wrapped, sink }) + '\n');
