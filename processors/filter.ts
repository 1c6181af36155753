import type { TraceEvent } from '../schemas/trace-event.js';
import { countingFilter } from './define.js';

/** Keeps the events `predicate` accepts; the others are counted under `reason` (default `filtered`). */
export function filter(predicate: (event: TraceEvent) => boolean, options: { reason?: string; name?: string } = {}) {
  return countingFilter(options.name ?? 'filter', options.reason ?? 'filtered', predicate);
}
