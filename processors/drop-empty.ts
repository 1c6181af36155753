import { countingFilter } from './define.js';

function isEmptyOutputs(outputs: unknown): boolean {
  if (outputs === null || typeof outputs !== 'object') return true;
  return Object.values(outputs as Record<string, unknown>).every((v) => v === null);
}

/** Drops `op_end` events whose outputs are empty or all null, counted (`empty_outputs`). */
export function dropEmpty() {
  return countingFilter(
    'dropEmpty',
    'empty_outputs',
    (e) => e.kind !== 'op_end' || !isEmptyOutputs((e.payload as { outputs?: unknown }).outputs),
  );
}
