import type { OperatorFunction } from 'rxjs';
import type { TraceEvent } from '../../schemas/trace-event.js';

/**
 * Where processors report what they drop or change and which of their user callbacks failed.
 * The pipeline hands its reporter to each processor it subscribes (`reportingTo`); a processor
 * used on a plain Observable reports to no one unless it is given a reporter the same way.
 */
export interface ProcessorReporter {
  /** `n` events dropped by `processor` for `reason`. */
  dropped(processor: string, reason: string, n?: number): void;
  /** `n` events replaced by changed copies by `processor` for `reason`. */
  changed(processor: string, reason: string, n?: number): void;
  /** A user callback of `processor` (`predicate`, `boundary`, `reduce`…) threw `error`; the event went on as the processor documents. */
  failed(processor: string, callback: string, error: unknown): void;
}

/** A reporter that records nothing: the one a processor has until it is handed another. */
export const SILENT_REPORTER: ProcessorReporter = Object.freeze({ dropped() {}, changed() {}, failed() {} });

const PROCESSOR_NAME = Symbol.for('optrail.processor.name');
const WITH_REPORTER = Symbol.for('optrail.processor.withReporter');

/** Names an operator for metrics and error reports (`redact`, `sample`, …). */
export function nameProcessor<T extends OperatorFunction<TraceEvent, TraceEvent>>(name: string, operator: T): T {
  Object.defineProperty(operator, PROCESSOR_NAME, { value: name });
  return operator;
}

/**
 * Marks `operator` as one that can report: `bind(reporter)` makes the same processor reporting
 * to `reporter` (what `reportingTo` calls).
 */
export function reportable<T extends OperatorFunction<TraceEvent, TraceEvent>>(
  operator: T,
  bind: (reporter: ProcessorReporter) => OperatorFunction<TraceEvent, TraceEvent>,
): T {
  Object.defineProperty(operator, WITH_REPORTER, { value: bind });
  return operator;
}

/**
 * `operator` reporting its drops, changes and callback failures to `reporter`. An operator not
 * made with `defineProcessor` (any RxJS operator) is returned as it is: it has nothing to report.
 *
 * @example
 * from(events).pipe(reportingTo(redact(), { dropped, changed, failed }))
 */
export function reportingTo(
  operator: OperatorFunction<TraceEvent, TraceEvent>,
  reporter: ProcessorReporter,
): OperatorFunction<TraceEvent, TraceEvent> {
  const bind = (operator as unknown as Record<symbol, unknown>)[WITH_REPORTER];
  return typeof bind === 'function' ? (bind as (r: ProcessorReporter) => OperatorFunction<TraceEvent, TraceEvent>)(reporter) : operator;
}

/**
 * The name a processor at `index` is reported under: the one given with `nameProcessor`, else
 * `processor#<index>` (RxJS operators are anonymous functions).
 */
export function processorName(operator: OperatorFunction<TraceEvent, TraceEvent>, index: number): string {
  const named = (operator as unknown as Record<symbol, unknown>)[PROCESSOR_NAME];
  return typeof named === 'string' ? named : `processor#${index}`;
}
