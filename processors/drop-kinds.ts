import type { EventKind } from '../schemas/trace-event.js';
import { countingFilter } from './define.js';

/** Drops every event of the given kinds, counted (`kind_dropped`). */
export function dropKinds(kinds: readonly EventKind[]) {
  const set = new Set<string>(kinds);
  return countingFilter('dropKinds', 'kind_dropped', (e) => !set.has(e.kind));
}
