import type { OperatorFunction } from 'rxjs';
import type { TraceEvent } from '../schemas/trace-event.js';

/**
 * How processors report what they drop or change. A processor reads the reporter once, when it
 * is subscribed; the pipeline subscribes each processor inside `withProcessorReporter`, so the
 * processor stays a plain `OperatorFunction` usable on any Observable (where counts go nowhere
 * unless a test installs its own reporter).
 */
export interface ProcessorReporter {
  /** `n` events dropped by `processor` for `reason`. */
  dropped(processor: string, reason: string, n?: number): void;
  /** `n` events replaced by changed copies by `processor` for `reason`. */
  changed(processor: string, reason: string, n?: number): void;
}

const silent: ProcessorReporter = { dropped() {}, changed() {} };
let current: ProcessorReporter = silent;

/** The reporter in force while a processor is being subscribed. */
export function processorReporter(): ProcessorReporter {
  return current;
}

/** Runs `fn` (which subscribes processors) with `reporter` in force. */
export function withProcessorReporter<T>(reporter: ProcessorReporter, fn: () => T): T {
  const previous = current;
  current = reporter;
  try {
    return fn();
  } finally {
    current = previous;
  }
}

const PROCESSOR_NAME = Symbol.for('optrail.processor.name');

/** Names an operator for metrics and error reports (`redact`, `sample`, …). */
export function nameProcessor<T extends OperatorFunction<TraceEvent, TraceEvent>>(name: string, operator: T): T {
  Object.defineProperty(operator, PROCESSOR_NAME, { value: name });
  return operator;
}

/**
 * The name a processor at `index` is reported under: the one given with `nameProcessor`, else
 * `processor#<index>` (RxJS operators are anonymous functions).
 */
export function processorName(operator: OperatorFunction<TraceEvent, TraceEvent>, index: number): string {
  const named = (operator as unknown as Record<symbol, unknown>)[PROCESSOR_NAME];
  return typeof named === 'string' ? named : `processor#${index}`;
}
