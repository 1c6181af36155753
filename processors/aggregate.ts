import { DEFAULT_PROCESSOR_MAX_REQUESTS } from '../src/base/defaults.js';
import type { TraceEvent } from '../schemas/trace-event.js';
import { BoundedMap, defineProcessor, opMatcher, syntheticAt } from './define.js';

/** Options of `aggregate`. */
export interface AggregateOptions<S> {
  /** The op whose events are folded, by full or short name. */
  op: string;
  /** The state each group starts with. */
  init: () => S;
  /** Folds one event of the op into the state. */
  reduce: (state: S, event: TraceEvent) => S;
  /** The summary value written as `summary:<op>` (a JSON value). */
  emit: (state: S) => unknown;
  /** Keep the op's events in the stream too (default `false`: they are consumed, and counted). */
  keep?: boolean;
  /** Requests whose state is kept at once (default `DEFAULT_PROCESSOR_MAX_REQUESTS`, 10 000). */
  maxRequests?: number;
}

/**
 * Folds, inside each group, the events of one op into a summary: one
 * `annotation {key: "summary:<op>", value: emit(state)}` just before each `group_end`. The op's
 * events are consumed (counted as dropped, reason `aggregated`) unless `keep` is set. Events
 * outside any group pass through. Nested groups each get their own summary. A callback that
 * throws is counted and leaves the state as it was (`init`: no state; `emit`: a `null` summary).
 *
 * @example
 * aggregate({ op: 'llm', init: () => 0, reduce: (n, e) => (e.kind === 'op_end' ? n + 1 : n), emit: (n) => ({ calls: n }) })
 */
export function aggregate<S>(options: AggregateOptions<S>) {
  const matches = opMatcher([options.op]);
  const key = `summary:${options.op}`;
  return defineProcessor('aggregate', ({ emit, dropped, guard }) => {
    // A throwing callback leaves the state as it was (init: no state, emit: a null summary).
    const init = guard('init', options.init, () => undefined as S);
    const reduce = guard('reduce', options.reduce, (state: S) => state);
    const summarize = guard('emit', options.emit, () => null);
    const stacks = new BoundedMap<string, S[]>(options.maxRequests ?? DEFAULT_PROCESSOR_MAX_REQUESTS);
    return {
      next(event) {
        const stack = stacks.get(event.request_id);
        if (event.kind === 'group_start') {
          if (stack) stack.push(init());
          else stacks.set(event.request_id, [init()]);
        } else if (event.kind === 'group_end' && stack && stack.length > 0) {
          const state = stack.pop()!;
          emit(syntheticAt(event, key, 'annotation', { key, value: summarize(state) }));
          if (stack.length === 0) stacks.delete(event.request_id);
        } else if (stack && stack.length > 0 && event.op_name !== null && matches(event.op_name)) {
          stack[stack.length - 1] = reduce(stack[stack.length - 1]!, event);
          if (!options.keep) {
            dropped('aggregated');
            return;
          }
        }
        emit(event);
      },
    };
  });
}
