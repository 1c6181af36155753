import { DEFAULT_REORDER_MAX_HELD } from '../src/base/defaults.js';
import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import type { TraceEvent } from '../schemas/trace-event.js';
import { parseTimestampMicros } from '../src/wire/clock.js';
import { compareEvents } from '../src/wire/order.js';
import { defineProcessor } from './define.js';

/** Options of `reorder`. */
export interface ReorderOptions {
  /** How late (in event time) an event may arrive and still be put in order, in ms. */
  maxDelayMs: number;
  /** Flush everything held when no event arrived for this long, in ms (default `maxDelayMs`). */
  idleFlushMs?: number;
  /** For tests: the scheduler of the idle timer (default `asyncScheduler`). */
  scheduler?: SchedulerLike;
  /** Most events held at once (default `DEFAULT_REORDER_MAX_HELD`, 100 000); past it the oldest are released early, counted. */
  maxHeld?: number;
}

/**
 * Merges streams from several emitters or processes into (timestamp, seq, event_id) order. It
 * holds events until the watermark (the newest timestamp seen minus `maxDelayMs`) passes them,
 * then releases them in order; an event older than what was already released passes through at
 * once and is counted (`late`). Everything held is released when the stream ends, and when no
 * event arrived for `idleFlushMs`.
 *
 * @example
 * reorder({ maxDelayMs: 2000 })
 */
export function reorder(options: ReorderOptions) {
  const delayMicros = options.maxDelayMs * 1000;
  const scheduler = options.scheduler ?? asyncScheduler;
  const idleMs = options.idleFlushMs ?? options.maxDelayMs;
  const maxHeld = options.maxHeld ?? DEFAULT_REORDER_MAX_HELD;
  return defineProcessor('reorder', ({ emit, changed, schedule }) => {
      let held: Array<{ event: TraceEvent; micros: number }> = [];
      let newest = -Infinity;
      let released = -Infinity;
      let idle: Subscription | undefined;

      // `held` stays sorted: each event is inserted at its place (binary search), and release
      // takes from the front.
      const insert = (entry: { event: TraceEvent; micros: number }) => {
        let lo = 0;
        let hi = held.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          const m = held[mid]!;
          const order = m.micros !== entry.micros ? m.micros - entry.micros : compareEvents(m.event, entry.event);
          if (order <= 0) lo = mid + 1;
          else hi = mid;
        }
        held.splice(lo, 0, entry);
      };
      const release = (upTo: number) => {
        let i = 0;
        while (i < held.length && held[i]!.micros <= upTo) {
          released = Math.max(released, held[i]!.micros);
          emit(held[i]!.event);
          i++;
        }
        if (i > 0) held = held.slice(i);
      };
      const armIdle = () => {
        idle?.unsubscribe();
        idle = schedule(scheduler, () => release(Infinity), idleMs);
      };

      return {
        next(event) {
          const micros = parseTimestampMicros(event.timestamp);
          if (micros < released) {
            changed('late');
            emit(event);
            return;
          }
          insert({ event, micros });
          if (micros > newest) newest = micros;
          release(newest - delayMicros);
          if (held.length > maxHeld) {
            changed('released_early', held.length - maxHeld);
            release(held[held.length - maxHeld - 1]!.micros);
          }
          armIdle();
        },
        complete() {
          idle?.unsubscribe();
          release(Infinity);
        },
        teardown() {
          idle?.unsubscribe();
        },
      };
  });
}
