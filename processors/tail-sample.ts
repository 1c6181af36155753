import { llmUsageOf } from '../src/wire/llm-usage.js';
import {
  DEFAULT_TAIL_SAMPLE_COSTLY_USD,
  DEFAULT_TAIL_SAMPLE_MAX_BYTES,
  DEFAULT_TAIL_SAMPLE_MAX_REQUESTS,
  DEFAULT_TAIL_SAMPLE_MAX_WAIT_MS,
  DEFAULT_TAIL_SAMPLE_SLOW_MS,
} from '../src/base/defaults.js';
import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import type { TraceEvent } from '../schemas/trace-event.js';
import { parseTimestampMicros } from '../src/wire/clock.js';
import { estimateEventBytes } from '../src/wire/event-size.js';
import { isRequestEnd, RequestCompletion } from '../src/wire/request-end.js';
import { BoundedMap, defineProcessor } from './define.js';
import { checkRate, sampledIn } from './sampling-rule.js';

/** What `tailSample` knows of a request when it decides. */
export interface RequestSummary {
  requestId: string;
  events: number;
  /** Ops started, and those still open when the decision was made. */
  ops: number;
  openOps: number;
  /** `op_end` events with status `error`. */
  errors: number;
  /** From the first to the last event seen, in ms. */
  durationMs: number;
  costUsd: number;
  tokens: number;
  /** Why the decision was made now. */
  reason: 'complete' | 'timeout' | 'memory' | 'stream_end';
}

/** Options of `tailSample`. */
export interface TailSampleOptions {
  /** Keep the request? Default: any error, or `durationMs ≥ slowMs`, or `costUsd ≥ costlyUsd`. A throw keeps it (counted). */
  keep?: (summary: RequestSummary) => boolean;
  /** Share of the requests `keep` refused that are kept anyway, by operonx's MD5 rule (default 0). */
  rate?: number;
  /** Default `keep`: a request at least this slow is kept (default `DEFAULT_TAIL_SAMPLE_SLOW_MS`, 10 000 ms). */
  slowMs?: number;
  /** Default `keep`: a request at least this costly is kept (default `DEFAULT_TAIL_SAMPLE_COSTLY_USD`, $0.05). */
  costlyUsd?: number;
  /** Requests held at once (default `DEFAULT_TAIL_SAMPLE_MAX_REQUESTS`, 1000); past it the oldest is decided early, counted. */
  maxRequests?: number;
  /** Estimated bytes held at once (default `DEFAULT_TAIL_SAMPLE_MAX_BYTES`, 16 MiB); past it the oldest is decided early, counted. */
  maxBytes?: number;
  /** A request is decided at the latest this long after its first event (default `DEFAULT_TAIL_SAMPLE_MAX_WAIT_MS`, 30 000 ms). */
  maxWaitMs?: number;
  /** For tests: the scheduler of the wait timers (default `asyncScheduler`). */
  scheduler?: SchedulerLike;
}

interface Held {
  events: TraceEvent[];
  bytes: number;
  open: number;
  ops: number;
  errors: number;
  cost: number;
  tokens: number;
  first: number;
  last: number;
  timer: Subscription | undefined;
}

/**
 * Tail sampling inside the process: holds each request until it is complete (its end marker,
 * see `RequestCompletion`), or `maxWaitMs` passed, then keeps it whole if `keep(summary)` says
 * so, else keeps it at `rate`. Late events of a kept request are kept; those of a dropped one
 * (the same request id run again, an op that outlived `maxWaitMs`) are held and decided anew at
 * their own end, so a failure that comes late is still kept. Memory is bounded by `maxRequests` and
 * `maxBytes`: past either, the oldest request is decided early (counted as `decided_early`).
 * Dropped events are counted (`tail_sampled_out`). When the stream ends, every held request is
 * decided.
 *
 * @example
 * tailSample({ rate: 0.05 }) // every failing, slow or costly request, and 5 % of the rest
 */
export function tailSample(options: TailSampleOptions = {}) {
  const rate = checkRate(options.rate ?? 0, 'tailSample');
  const slowMs = options.slowMs ?? DEFAULT_TAIL_SAMPLE_SLOW_MS;
  const costlyUsd = options.costlyUsd ?? DEFAULT_TAIL_SAMPLE_COSTLY_USD;
  const keep = options.keep ?? ((s: RequestSummary) => s.errors > 0 || s.durationMs >= slowMs || s.costUsd >= costlyUsd);
  const maxRequests = options.maxRequests ?? DEFAULT_TAIL_SAMPLE_MAX_REQUESTS;
  const maxBytes = options.maxBytes ?? DEFAULT_TAIL_SAMPLE_MAX_BYTES;
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_TAIL_SAMPLE_MAX_WAIT_MS;
  const scheduler = options.scheduler ?? asyncScheduler;

  return defineProcessor('tailSample', ({ emit, dropped, changed, guard, schedule }) => {
      // A throwing policy keeps the request: a broken policy must not lose data.
      const keeps = guard('keep', keep, () => true);
      const held = new BoundedMap<string, Held>(); // bounded below, by count and bytes
      const completion = new RequestCompletion<boolean>();
      let heldBytes = 0;

      const decide = (requestId: string, reason: RequestSummary['reason']) => {
        const request = held.get(requestId);
        if (!request) return;
        held.delete(requestId);
        heldBytes -= request.bytes;
        request.timer?.unsubscribe();
        const summary: RequestSummary = {
          requestId,
          events: request.events.length,
          ops: request.ops,
          openOps: request.open,
          errors: request.errors,
          durationMs: (request.last - request.first) / 1000,
          costUsd: request.cost,
          tokens: request.tokens,
          reason,
        };
        const kept = keeps(summary) || sampledIn(requestId, rate);
        completion.complete(requestId, kept);
        if (reason === 'memory') changed('decided_early');
        if (kept) for (const event of request.events) emit(event);
        else dropped('tail_sampled_out', request.events.length);
      };

      return {
        next(event) {
          const phase = completion.phase(event);
          if (phase === 'late' && completion.outcome(event.request_id) === true) {
            emit(event); // a kept request keeps its late events
            return;
          }
          // Open, completing, or late for a request that was dropped: held. The late part of a
          // dropped request (the same id run again, an op that outlived maxWaitMs) is decided
          // anew at its own end, so a failure that comes late is still kept.
          let request = held.get(event.request_id);
          const micros = parseTimestampMicros(event.timestamp);
          if (!request) {
            request = { events: [], bytes: 0, open: 0, ops: 0, errors: 0, cost: 0, tokens: 0, first: micros, last: micros, timer: undefined };
            held.set(event.request_id, request);
            const requestId = event.request_id;
            request.timer = schedule(scheduler, () => decide(requestId, 'timeout'), maxWaitMs);
          }
          const bytes = estimateEventBytes(event);
          request.events.push(event);
          request.bytes += bytes;
          heldBytes += bytes;
          request.first = Math.min(request.first, micros);
          request.last = Math.max(request.last, micros);
          const payload = event.payload as Record<string, unknown>;
          if (event.kind === 'op_start') {
            request.open++;
            request.ops++;
          } else if (event.kind === 'op_end') {
            request.open--;
            if (payload.status === 'error') request.errors++;
          } else if (event.kind === 'llm_usage') {
            const usage = llmUsageOf(payload);
            request.cost += usage.costUsd;
            request.tokens += usage.totalTokens;
          }
          if (isRequestEnd(event)) decide(event.request_id, 'complete');
          while (held.size > maxRequests || (heldBytes > maxBytes && held.size > 0)) {
            decide(held.oldest()![0], 'memory');
          }
        },
        complete() {
          for (const requestId of [...held.keys()]) decide(requestId, 'stream_end');
        },
        teardown() {
          for (const request of held.values()) request.timer?.unsubscribe();
        },
      };
  });
}
