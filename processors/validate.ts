import { DEFAULT_PROCESSOR_MAX_REQUESTS } from '../src/base/defaults.js';
import type { TraceEvent } from '../schemas/trace-event.js';
import { BoundedMap, defineProcessor, syntheticAt } from './define.js';

/** Annotation key of the marker `validate()` puts after an event that breaks an invariant. */
export const INVALID_MARKER_KEY = 'optrail.invalid';

/** The invariants `validate()` checks. */
export type InvariantRule =
  | 'op_end_without_op_start'
  | 'second_op_end'
  | 'llm_usage_after_op_end'
  | 'seq_backwards'
  | 'group_end_without_group_start';

/**
 * The `seq_backwards` rule, shared with `optrail validate`: within one request `seq` never
 * decreases. Returns the violation's message, or undefined.
 */
export function seqWentBack(seq: number, lastSeq: number): string | undefined {
  return seq < lastSeq ? `seq ${seq} after ${lastSeq}` : undefined;
}

interface RequestState {
  lastSeq: number;
  /** Per invocation (op_name + ctx): started and ended counts (operonx repeats an invocation key). */
  ops: Map<string, { started: number; ended: number }>;
  openGroups: Map<string, number>;
}

/**
 * Checks the stream's invariants and reports each violation as a marker annotation
 * (`optrail.invalid {rule, event_id, message}`, placed right after the offending event) and in
 * the metrics (changed, by rule), never as an exception. The offending event itself passes on.
 *
 * Rules: an `op_end` without `op_start`, a second `op_end`, an `llm_usage` after its op's
 * `op_end`, `seq` going backwards within a request, a `group_end` without `group_start`.
 *
 * @example
 * validate()
 */
export function validate(options: { maxRequests?: number } = {}) {
  return defineProcessor('validate', ({ emit, changed }) => {
      const requests = new BoundedMap<string, RequestState>(options.maxRequests ?? DEFAULT_PROCESSOR_MAX_REQUESTS);
      const flag = (event: TraceEvent, rule: InvariantRule, message: string) => {
        changed(rule);
        emit(
          syntheticAt(event, `invalid:${rule}`, 'annotation', {
            key: INVALID_MARKER_KEY,
            value: Object.freeze({ rule, event_id: event.event_id, message }),
          }),
        );
      };
      return {
        next(event) {
          let state = requests.get(event.request_id);
          if (!state) {
            state = { lastSeq: -1, ops: new Map(), openGroups: new Map() };
            requests.set(event.request_id, state);
          }
          emit(event);
          const back = seqWentBack(event.seq, state.lastSeq);
          if (back !== undefined) flag(event, 'seq_backwards', back);
          state.lastSeq = Math.max(state.lastSeq, event.seq);
          const invocation = `${event.op_name}\u0000${event.ctx.join('\u0000')}`;
          const op = state.ops.get(invocation);
          switch (event.kind) {
            case 'op_start':
              if (op) op.started++;
              else state.ops.set(invocation, { started: 1, ended: 0 });
              break;
            case 'op_end':
              if (!op || op.started === 0) flag(event, 'op_end_without_op_start', `op_end of ${event.op_name} with no op_start`);
              else if (op.ended >= op.started) flag(event, 'second_op_end', `another op_end of ${event.op_name} at ${event.ctx.join('/')}`);
              else op.ended++;
              break;
            case 'llm_usage':
              if (op && op.started > 0 && op.ended >= op.started) {
                flag(event, 'llm_usage_after_op_end', `llm_usage of ${event.op_name} after its op_end`);
              }
              break;
            case 'group_start': {
              const name = String((event.payload as { name?: unknown }).name);
              state.openGroups.set(name, (state.openGroups.get(name) ?? 0) + 1);
              break;
            }
            case 'group_end': {
              const name = String((event.payload as { name?: unknown }).name);
              const open = state.openGroups.get(name) ?? 0;
              if (open === 0) flag(event, 'group_end_without_group_start', `group_end of "${name}" with no group_start`);
              else state.openGroups.set(name, open - 1);
              break;
            }
          }
        },
      };
  });
}
