import { DEFAULT_PROCESSOR_MAX_REQUESTS } from '../src/base/defaults.js';
import type { TraceEvent } from '../schemas/trace-event.js';
import { RequestCompletion, type RequestEndValue } from '../src/wire/request-end.js';
import { BoundedMap, defineProcessor, syntheticAt } from './define.js';

/** Options of `groupBy`: a boundary predicate, or a key whose change starts a new group. */
export type GroupByOptions =
  | {
      /** Closes the open group right after an event for which this is true. */
      boundary: (event: TraceEvent) => boolean;
      /** Name of the i-th group of a request (default `group-{i}`). */
      name?: (index: number) => string;
      /** Requests whose grouping state is kept at once (default `DEFAULT_PROCESSOR_MAX_REQUESTS`, 10 000); the oldest is closed as `truncated`. */
      maxRequests?: number;
    }
  | {
      /** The group an event belongs to; a change of key closes the group. `undefined` keeps the current one. */
      key: (event: TraceEvent) => string | undefined;
      /** Name of the i-th group (default: the key). */
      name?: (index: number, key: string) => string;
      maxRequests?: number;
    };

interface RequestGroups {
  index: number;
  open: { name: string; key: string | undefined; last: TraceEvent } | undefined;
}

const GROUP_EVENT_KINDS = new Set(['group_start', 'group_end']);

/**
 * Cuts each request's stream into groups with group markers, with operonx's semantics: when no
 * group is open, a `group_start {name}` opens one just before the next event; with `boundary`,
 * a `group_end {name, status: "ok"}` closes it right after an event for which `boundary` is true;
 * with `key`, a change of key closes it. When the request ends (its end marker), its open group
 * closes just before the marker, `ok` (or `truncated` when the request ended with ops still
 * open), and its late events (`RequestCompletion`) pass through in no group; when the stream
 * ends, an open group closes as `truncated`. Markers take their place (timestamp, seq) and an id from the event they stand
 * next to, so they sort beside it (`compareEvents` puts a `group_start` before and a `group_end`
 * after an event of the same instant and seq). Group markers already in the stream pass through.
 * A callback that throws is counted: a `boundary` as false, a `key` as the current key, a `name`
 * as the default name.
 *
 * @example
 * groupBy({ boundary: (e) => e.kind === 'op_end' && e.op_name === 'respond' })
 */
export function groupBy(options: GroupByOptions) {
  const maxRequests = options.maxRequests ?? DEFAULT_PROCESSOR_MAX_REQUESTS;
  return defineProcessor('groupBy', ({ emit, changed, guard }) => {
    // A throwing callback: no boundary, the current key, the default name.
    const boundary = 'boundary' in options ? guard('boundary', options.boundary, () => false) : undefined;
    const keyOf = 'key' in options ? guard('key', options.key, () => undefined) : undefined;
    const userName = options.name as ((index: number, key: string) => string) | undefined;
    const named = userName ? guard('name', userName, () => undefined as unknown as string) : undefined;
    const nameOf = (index: number, key: string | undefined): string => {
      const chosen = named?.(index, key ?? '');
      if (typeof chosen === 'string') return chosen;
      return keyOf ? (key ?? `group-${index}`) : `group-${index}`;
    };
    const close = (state: RequestGroups, status: 'ok' | 'truncated') => {
      const open = state.open!;
      state.open = undefined;
      emit(syntheticAt(open.last, 'group_end', 'group_end', { name: open.name, status }));
    };
    const completion = new RequestCompletion();
    const requests = new BoundedMap<string, RequestGroups>(maxRequests, (_id, state) => {
      if (state.open) {
        changed('evicted_truncated');
        close(state, 'truncated');
      }
    });
    return {
      next(event) {
        if (GROUP_EVENT_KINDS.has(event.kind)) {
          emit(event);
          return;
        }
        const phase = completion.phase(event);
        if (phase === 'late') {
          // The request was grouped to its end: a late event joins no new group.
          emit(event);
          return;
        }
        if (phase === 'complete') {
          completion.complete(event.request_id, true);
          const ended = requests.get(event.request_id);
          if (ended) {
            requests.delete(event.request_id);
            if (ended.open) close(ended, ((event.payload as { value?: RequestEndValue }).value?.open ?? 0) > 0 ? 'truncated' : 'ok');
          }
          emit(event);
          return;
        }
        let state = requests.get(event.request_id);
        if (!state) {
          state = { index: 0, open: undefined };
          requests.set(event.request_id, state);
        }
        const key = keyOf?.(event);
        if (state.open && keyOf && key !== undefined && key !== state.open.key) close(state, 'ok');
        if (!state.open) {
          const name = nameOf(state.index++, key);
          state.open = { name, key, last: event };
          emit(syntheticAt(event, 'group_start', 'group_start', { name }));
        }
        if (key !== undefined && state.open.key === undefined) state.open.key = key;
        state.open.last = event;
        emit(event);
        if (boundary?.(event)) close(state, 'ok');
      },
      complete() {
        for (const state of requests.values()) if (state.open) close(state, 'truncated');
      },
    };
  });
}
