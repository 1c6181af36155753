import { Observable, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import type { TraceEvent } from '../schemas/trace-event.js';
import { nameProcessor, reportable, SILENT_REPORTER, type ProcessorReporter } from '../src/pipeline/processor-reporter.js';
import { isRequestEnd } from '../src/wire/request-end.js';

export { syntheticAt } from '../src/pipeline/synthetic-event.js';
export { BoundedMap } from '../src/base/bounded-map.js';

/** Counts for one processor: what it dropped or changed, by reason. */
export interface Counter {
  /** Counts `n` (default 1) events dropped for `reason` (`metrics().processors[name].dropped[reason]`). */
  dropped(reason: string, n?: number): void;
  /** Counts `n` (default 1) events changed for `reason` (`metrics().processors[name].changed[reason]`). */
  changed(reason: string, n?: number): void;
}

/** What `defineProcessor` gives a processor's `setup`, once per subscription. */
export interface ProcessorTools extends Counter {
  /** Sends an event downstream. */
  emit(event: TraceEvent): void;
  /**
   * `fn` (a user callback, reported as `callback`) made safe to call: when it throws, the failure
   * is counted (`metrics().processors[name].callbackErrors[callback]`), reported in `errors()`,
   * health and the shutdown report, and `fallback` (called with the same arguments) gives the
   * result instead, so the event goes on unchanged. Never throws while `fallback` does not.
   */
  guard<A extends unknown[], R>(callback: string, fn: (...args: A) => R, fallback: (...args: A) => R): (...args: A) => R;
  /**
   * Runs `work` after `delayMs` on `scheduler`; what it throws fails the processor (counted, the
   * processor restarted) instead of escaping into a timer. A real-time timer is unref'd: it
   * never keeps a finished program alive. Unsubscribe to cancel.
   */
  schedule(scheduler: SchedulerLike, work: () => void, delayMs: number): Subscription;
}

/** What a processor does with each event, at the end of its stream, and when it is torn down. */
export interface ProcessorHandlers {
  /** Handles one event: emit it (changed or not), hold it, or count it dropped. */
  next(event: TraceEvent): void;
  /** Emit what is held before the stream completes. */
  complete?(): void;
  /** Release timers and the like (called on completion, error and unsubscription). */
  teardown?(): void;
}

/**
 * The one way optrail's processors are written, and the way to write your own: `setup` runs once
 * per subscription (so each pipeline, replay or test gets fresh state) and returns the handlers.
 * Whatever a handler throws fails the processor through RxJS's error channel (the pipeline counts
 * it, marks the event it was handling as dropped and restarts the processor; what the processor
 * held is salvaged through its `complete` handler first) instead of reaching RxJS's
 * unhandled-error path, which would end the process. User callbacks go through `tools.guard`.
 * The result is a plain `OperatorFunction`; the pipeline hands it its reporter (`reportingTo`).
 *
 * @example
 * const firstYields = defineProcessor('firstYields', ({ emit, dropped }) => {
 *   const seen = new Map<string, number>();
 *   return {
 *     next(event) {
 *       const n = (seen.get(event.event_id) ?? 0) + 1;
 *       if (event.kind === 'op_yield' && n > 3) return dropped('after_third');
 *       emit(event);
 *     },
 *   };
 * });
 */
export function defineProcessor(name: string, setup: (tools: ProcessorTools) => ProcessorHandlers): OperatorFunction<TraceEvent, TraceEvent> {
  const build = (reporter: ProcessorReporter): OperatorFunction<TraceEvent, TraceEvent> => {
    const operator: OperatorFunction<TraceEvent, TraceEvent> = (source) =>
      new Observable<TraceEvent>((subscriber) => {
        let handlers: ProcessorHandlers | undefined;
        let failed = false;
        const fail = (error: unknown) => {
          if (failed) return;
          failed = true;
          // Salvage: what the processor holds goes on (reorder's window, tailSample's requests)
          // before it is restarted, rather than dying with it.
          try {
            handlers?.complete?.();
          } catch {
            // the processor is broken; what it still held is lost with it (its error is counted)
          }
          subscriber.error(error);
        };
        const tools: ProcessorTools = {
          emit: (event) => subscriber.next(event),
          dropped: (reason, n = 1) => reporter.dropped(name, reason, n),
          changed: (reason, n = 1) => reporter.changed(name, reason, n),
          guard: (callback, fn, fallback) => (...args) => {
            try {
              return fn(...args);
            } catch (error) {
              try {
                reporter.failed(name, callback, error);
              } catch {
                // a reporter never stops the event
              }
              return fallback(...args);
            }
          },
          schedule: (scheduler, work, delayMs) => {
            const run = () => {
              try {
                work();
              } catch (error) {
                fail(error);
              }
            };
            const action = scheduler.schedule(run, delayMs) as Subscription & { id?: unknown };
            // In real time the action holds a Node timer: unref it, so it never keeps a finished
            // program alive (at exit the pipeline releases what processors hold instead). Virtual
            // time (TestScheduler) holds none.
            const timer = action.id as { unref?: () => void } | undefined;
            if (typeof timer === 'object' && timer !== null) timer.unref?.();
            return action;
          },
        };
        try {
          handlers = setup(tools);
        } catch (error) {
          fail(error);
          return undefined;
        }
        const active = handlers;
        const subscription = source.subscribe({
          next(event) {
            try {
              active.next(event);
            } catch (error) {
              fail(error);
            }
          },
          error: fail,
          complete() {
            try {
              active.complete?.();
            } catch (error) {
              fail(error);
              return;
            }
            subscriber.complete();
          },
        });
        return () => {
          subscription.unsubscribe();
          try {
            active.teardown?.();
          } catch {
            // teardown is best effort
          }
        };
      });
    return nameProcessor(name, operator);
  };
  return reportable(build(SILENT_REPORTER), build);
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

/**
 * A processor that keeps the events `keep` accepts and counts the others as dropped for
 * `reason`. A request's end marker always passes, so consumers further on still see requests
 * end. When `keep` (a user callback, reported as `callback`) throws, the event is kept.
 */
export function countingFilter(
  name: string,
  reason: string,
  keep: (event: TraceEvent) => boolean,
  callback = 'predicate',
): OperatorFunction<TraceEvent, TraceEvent> {
  return defineProcessor(name, ({ emit, dropped, guard }) => {
    const accepts = guard(callback, keep, () => true);
    return {
      next(event) {
        if (isRequestEnd(event) || accepts(event)) emit(event);
        else dropped(reason);
      },
    };
  });
}
