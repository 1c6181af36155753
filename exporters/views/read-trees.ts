import type { Observable } from 'rxjs';
import type { TraceEvent } from '../../schemas/trace-event.js';
import { readEvents, type ReadOptions } from '../../src/read-events.js';
import { TreeBuilder, type RequestTree } from './tree.js';

/**
 * The trees of a source that can be read twice, keeping none of its events: `read(true)` is the
 * first read (the one that reports problems); `read(false)` reads it again for the requests
 * whose events came out of order, which are then built from all their events. Events that
 * `accept` refuses are skipped (default: none).
 */
export async function treesOfRereadable(
  read: (first: boolean) => Observable<TraceEvent>,
  accept: (event: TraceEvent) => boolean = () => true,
): Promise<RequestTree[]> {
  const builder = new TreeBuilder();
  await read(true).forEach((event) => {
    if (accept(event)) builder.add(event);
  });
  if (builder.outOfOrder.size > 0) {
    const late: TraceEvent[] = [];
    await read(false).forEach((event) => {
      if (builder.outOfOrder.has(event.request_id) && accept(event)) late.push(event);
    });
    builder.rebuild(late);
  }
  return builder.build();
}

/**
 * Reads a recorded file and builds its request trees without keeping its events in memory:
 * the trees of `buildTree(events)`, for files far larger than the heap, and faster (each parsed
 * event is dropped as soon as its tree has what it needs). Requests whose events are out of order
 * in the file (files merged by hand, another tracer's concurrent writes) are read a second time,
 * alone, and built from all their events. Problems are reported as `readEvents` reports them,
 * once (the second read does not repeat them); `strict` fails the same way.
 *
 * @example
 * const trees = await readTrees('traces/run.jsonl.gz');
 * console.log(renderTreeText(trees));
 */
export function readTrees(path: string, options: ReadOptions = {}): Promise<RequestTree[]> {
  return treesOfRereadable((first) => readEvents(path, first ? options : { ...options, onError: undefined, strict: false }));
}
