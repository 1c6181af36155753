import { readEvents, type ReadOptions } from '../src/read/read-events.js';
import { GroupedBuilder, type RequestGroups } from './grouped.js';
import { followRereadable, type RequestFollower } from './request-follower.js';
import { TreeBuilder, type RequestTree } from './tree.js';

/**
 * The views `follower` builds of a recorded file, keeping none of its events: requests whose
 * events are out of order in the file are read a second time, alone, and built from all their
 * events. Problems are reported as `readEvents` reports them, once (the second read does not
 * repeat them); `strict` fails the same way.
 */
export function readFollowing<View>(path: string, follower: RequestFollower<View>, options: ReadOptions = {}): Promise<View[]> {
  return followRereadable(follower, (first) => readEvents(path, first ? options : { ...options, onError: undefined, strict: false }));
}

/**
 * Reads a recorded file and builds its request trees without keeping its events in memory:
 * the trees of `buildTree(events)`, for files far larger than the heap, and faster (each parsed
 * event is dropped as soon as its tree has what it needs). Requests out of order in the file
 * (files merged by hand, another tracer's concurrent writes) are read a second time.
 *
 * @example
 * const trees = await readTrees('traces/run.jsonl.gz');
 * console.log(renderTreeText(trees));
 */
export function readTrees(path: string, options: ReadOptions = {}): Promise<RequestTree[]> {
  return readFollowing(path, new TreeBuilder(), options);
}

/**
 * `readTrees` for the grouped view: the groups of a recorded file, exactly as `buildGrouped`
 * gives them, without keeping its events.
 *
 * @example
 * console.log(renderGroupedText(await readGrouped('traces/run.jsonl.gz')));
 */
export function readGrouped(path: string, options: ReadOptions = {}): Promise<RequestGroups[]> {
  return readFollowing(path, new GroupedBuilder(), options);
}
