import type { TraceEvent } from '../../schemas/trace-event.js';
import type { Pipeline } from '../pipeline/pipeline-types.js';
import { BoundedMap } from '../base/bounded-map.js';
import type { ReadProblem } from '../read/read-events.js';
import { READ_MAX_REMEMBERED_IDS } from '../base/defaults.js';
import { EXIT_USAGE } from './exit-codes.js';
import { buildGrouped, GroupedBuilder, groupedEssentials, type RequestGroups } from '../../views/grouped.js';
import { followRereadable, type RequestFollower } from '../../views/request-follower.js';
import { buildTree, TreeBuilder, type RequestTree } from '../../views/tree.js';
import { expandInputs, formatProblem, readInputs } from './inputs.js';

/** Problems as the CLI reports them: kept, and printed to stderr as they come. */
function problemReporter(): { problems: ReadProblem[]; report: (problem: ReadProblem) => void } {
  const problems: ReadProblem[] = [];
  return {
    problems,
    report: (problem) => {
      problems.push(problem);
      process.stderr.write(formatProblem(problem) + '\n');
    },
  };
}

/**
 * `onEvent` called once per event id: an event read twice (the same request in two files, the
 * same file reached twice) is counted once. Remembers the last `READ_MAX_REMEMBERED_IDS` ids.
 */
export function oncePerEventId(onEvent: (event: TraceEvent) => void): (event: TraceEvent) => void {
  const seen = new BoundedMap<string, true>(READ_MAX_REMEMBERED_IDS);
  return (event) => {
    if (seen.has(event.event_id)) return;
    seen.set(event.event_id, true);
    onEvent(event);
  };
}

/**
 * Hands every event of every input (of one request, when `requestId` is given) to `onEvent` as it
 * is read, once per event id (see `oncePerEventId`), keeping none; problems are printed to stderr
 * and returned.
 */
export async function readEach(inputs: string[], onEvent: (event: TraceEvent) => void, requestId?: string): Promise<{ problems: ReadProblem[] }> {
  const { problems, report } = problemReporter();
  const once = oncePerEventId(onEvent);
  await readInputs(inputs, report).forEach(requestId === undefined ? once : (event) => void (event.request_id === requestId && once(event)));
  return { problems };
}

/** Reads every input into memory, printing problems to stderr; returns the events and the problems. */
export async function collect(inputs: string[], requestId?: string): Promise<{ events: TraceEvent[]; problems: ReadProblem[] }> {
  const events: TraceEvent[] = [];
  const { problems } = await readEach(inputs, (event) => void events.push(event), requestId);
  return { events, problems };
}

/**
 * A view per request of the inputs without keeping their events (what `readTrees` does for one
 * file): requests out of order are read again from the files, without repeating problems or the
 * progress bar. With stdin among the inputs, which cannot be read twice, the events are kept
 * (as `keep` maps them) and `ofEvents` builds the views from them.
 */
async function collectViews<View>(
  inputs: string[],
  requestId: string | undefined,
  follower: RequestFollower<View>,
  ofEvents: (events: TraceEvent[]) => View[],
  keep: (event: TraceEvent) => TraceEvent = (event) => event,
): Promise<{ views: View[]; problems: ReadProblem[] }> {
  if (expandInputs(inputs).includes('-')) {
    const kept: TraceEvent[] = [];
    const { problems } = await readEach(inputs, (event) => void kept.push(keep(event)), requestId);
    return { views: ofEvents(kept), problems };
  }
  const { problems, report } = problemReporter();
  const views = await followRereadable(
    follower,
    (first) => readInputs(inputs, first ? report : () => {}, false, first),
    (event) => requestId === undefined || event.request_id === requestId,
  );
  return { views, problems };
}

/** The request trees of the inputs, keeping no event (see `collectViews`). */
export function collectTrees(inputs: string[], requestId?: string): Promise<{ views: RequestTree[]; problems: ReadProblem[] }> {
  return collectViews(inputs, requestId, new TreeBuilder(), buildTree);
}

/** The grouped views of the inputs, keeping no event (from stdin, only `groupedEssentials` of each). */
export function collectGroups(inputs: string[], requestId?: string): Promise<{ views: RequestGroups[]; problems: ReadProblem[] }> {
  return collectViews(inputs, requestId, new GroupedBuilder(), buildGrouped, groupedEssentials);
}

/**
 * Pushes every event of the inputs through `pipeline.replay` as they are read, keeping none;
 * problems are printed to stderr and returned with the count of events replayed.
 */
export async function replayInputs(inputs: string[], pipeline: Pipeline): Promise<{ events: number; problems: ReadProblem[] }> {
  const { problems, report } = problemReporter();
  const { events } = await pipeline.replay(readInputs(inputs, report));
  return { events, problems };
}

/**
 * Runs one read of a command: on an input that cannot be read at all, prints
 * `optrail <command>: <message>`, sets exit code 2 and returns `undefined`.
 */
export async function forCommand<T>(command: string, read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    process.stderr.write(`optrail ${command}: ${(error as Error).message}\n`);
    process.exitCode = EXIT_USAGE;
    return undefined;
  }
}
