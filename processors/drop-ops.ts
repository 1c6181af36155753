import { countingFilter, opMatcher } from './define.js';

/** Drops the events of the named ops (full or short name); events with a null `op_name` pass. Drops are counted (`op_dropped`). */
export function dropOps(names: readonly string[]) {
  const named = opMatcher(names);
  return countingFilter('dropOps', 'op_dropped', (e) => e.op_name === null || !named(e.op_name));
}
