import { Observable, type OperatorFunction } from 'rxjs';
import type { TraceEvent } from '../schemas/trace-event.js';
import { nameProcessor, processorReporter, type ProcessorReporter } from '../src/processor-context.js';

export { syntheticAt } from '../src/synthetic-event.js';
export { BoundedMap } from '../src/bounded-map.js';

/** Counts for one processor: what it dropped or changed, by reason. */
export interface Counter {
  dropped(reason: string, n?: number): void;
  changed(reason: string, n?: number): void;
}

/**
 * Builds a named processor whose per-subscription state is made by `setup`. `setup` runs when
 * the processor is subscribed (so each pipeline, replay or test gets fresh state) and receives
 * the counter of the reporter in force then.
 */
export function defineProcessor(
  name: string,
  setup: (source: Observable<TraceEvent>, counter: Counter) => Observable<TraceEvent>,
): OperatorFunction<TraceEvent, TraceEvent> {
  const operator: OperatorFunction<TraceEvent, TraceEvent> = (source) =>
    new Observable<TraceEvent>((subscriber) => {
      const reporter: ProcessorReporter = processorReporter();
      const counter: Counter = {
        dropped: (reason, n = 1) => reporter.dropped(name, reason, n),
        changed: (reason, n = 1) => reporter.changed(name, reason, n),
      };
      return setup(source, counter).subscribe(subscriber);
    });
  return nameProcessor(name, operator);
}

/** The short name of an op: what follows the last `.` (`graph.search` → `search`). */
export function shortOpName(opName: string): string {
  const dot = opName.lastIndexOf('.');
  return dot === -1 ? opName : opName.slice(dot + 1);
}

/** Whether `opName` is named in `names`, by full or short name (as operonx matches). */
export function opMatcher(names: readonly string[]): (opName: string) => boolean {
  const set = new Set(names);
  return (opName) => set.has(opName) || set.has(shortOpName(opName));
}

/** A copy of `event` with another payload: same id, seq and place, frozen. */
export function withPayload(event: TraceEvent, payload: Record<string, unknown>): TraceEvent {
  return Object.freeze({ ...event, payload: Object.freeze(payload) }) as TraceEvent;
}

/** A processor that keeps the events `keep` accepts and counts the others as dropped for `reason`. */
export function countingFilter(
  name: string,
  reason: string,
  keep: (event: TraceEvent) => boolean,
): OperatorFunction<TraceEvent, TraceEvent> {
  return defineProcessor(name, (source, counter) =>
    new Observable<TraceEvent>((subscriber) =>
      source.subscribe({
        next(event) {
          if (keep(event)) subscriber.next(event);
          else counter.dropped(reason);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    ),
  );
}
