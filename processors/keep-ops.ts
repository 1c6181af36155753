import { countingFilter, opMatcher } from './define.js';

/** Keeps only the events of the named ops (full or short name, as operonx matches); events with a null `op_name` pass. Others are counted (`op_not_kept`). */
export function keepOps(names: readonly string[]) {
  const named = opMatcher(names);
  return countingFilter('keepOps', 'op_not_kept', (e) => e.op_name === null || named(e.op_name));
}
