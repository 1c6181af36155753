/**
 * For test/bounded-map.test.ts: the heap after entries come and go for a long time in a
 * BoundedMap, after one eviction (mode `evicted`) or none (mode `plain`). Run with --expose-gc.
 * Prints `<heap used in bytes>`.
 */
import { BoundedMap } from '../../src/base/bounded-map.js';

const evicted = process.argv[2] === 'evicted';
// The mode `evicted` is past its bound once (as tailSample, the OTLP builder or groupBy get on a
// busy day), and keeps its oldest entry; then requests come and go below the bound.
const map = new BoundedMap<string, number>(evicted ? 3 : Infinity);
map.set('evicted', 0);
map.set('first', 1);
map.set('second', 2);
map.set('third', 3);
map.delete('second');
map.delete('third');
let id = 0;
for (let cycle = 0; cycle < 2000; cycle++) {
  for (let i = 0; i < 1000; i++) {
    // A request's state, set and deleted when the request ends.
    const key = `r${id++}`;
    map.set(key, i);
    map.delete(key);
  }
}
if (map.size !== (evicted ? 1 : 2)) throw new Error(`size ${map.size}`);
globalThis.gc!();
globalThis.gc!();
process.stdout.write(`${process.memoryUsage().heapUsed}\n`);
