import { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';
import type { OperatorFunction } from 'rxjs';
import { reportingTo, type ProcessorReporter } from '../../src/pipeline/processor-reporter.js';
import type { TraceEvent } from '../../src/pipeline/exporter-types.js';

/** A test scheduler comparing frames deeply with vitest. */
export function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** A reporter that records counts as `processor:kind:reason` → n. */
export function recordingReporter(): ProcessorReporter & { counts: Record<string, number> } {
  const counts: Record<string, number> = {};
  const add = (key: string, n = 1) => (counts[key] = (counts[key] ?? 0) + n);
  return {
    counts,
    dropped: (p, reason, n) => add(`${p}:dropped:${reason}`, n),
    changed: (p, reason, n) => add(`${p}:changed:${reason}`, n),
    failed: (p, callback) => add(`${p}:failed:${callback}`),
  };
}

type Helpers = Parameters<Parameters<TestScheduler['run']>[0]>[0] & {
  /** The processor reporting to the test's reporter. */
  report: (processor: OperatorFunction<TraceEvent, TraceEvent>) => OperatorFunction<TraceEvent, TraceEvent>;
};

/** Runs a marble test whose processors report to `reporter` (through `report`). */
export function runMarbles(reporter: ProcessorReporter, body: (helpers: Helpers) => void): void {
  scheduler().run((helpers) => body({ ...helpers, report: (processor) => reportingTo(processor, reporter) }));
}

const BASE_MICROS = Date.UTC(2026, 10, 22, 12) * 1000;

/** Builds a frozen event; `at` is microseconds after 2026-11-22T12:00:00Z (default: seq). */
export function ev(
  kind: TraceEvent['kind'],
  opName: string | null,
  seq: number,
  payload: Record<string, unknown> = {},
  options: { request?: string; ctx?: string[]; at?: number } = {},
): TraceEvent {
  const request = options.request ?? 'r';
  const t = BASE_MICROS + (options.at ?? seq);
  const second = Math.floor(t / 1e6);
  const timestamp = new Date(second * 1000).toISOString().slice(0, 19) + '.' + String(t - second * 1e6).padStart(6, '0') + 'Z';
  return Object.freeze({
    event_id: `${request}-${seq}`,
    request_id: request,
    kind,
    op_name: opName,
    ctx: Object.freeze(options.ctx ?? (opName ? ['main', `${opName}#0`] : [])),
    timestamp,
    seq,
    payload: Object.freeze(payload),
  }) as TraceEvent;
}
