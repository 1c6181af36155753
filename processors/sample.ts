import { DEFAULT_SAMPLE_DECISIONS_REMEMBERED } from '../src/base/defaults.js';
import type { TraceEvent } from '../schemas/trace-event.js';
import { BoundedMap, defineProcessor } from './define.js';
import { checkRate, sampledIn } from './sampling-rule.js';

/** Options of `sample`. */
export interface SampleOptions {
  /** Share of requests kept, from 0 to 1. */
  rate: number;
}

/**
 * Head sampling: keeps or drops whole requests, decided from the request id alone with
 * operonx's MD5 rule (`sampledIn`), so every process, and operonx, decides the same. Dropped
 * events are counted (reason `sampled_out`). A rate outside [0, 1] throws a RangeError at once.
 *
 * @example
 * sample({ rate: 0.1 })
 */
export function sample(options: SampleOptions) {
  const rate = checkRate(options?.rate, 'sample');
  return defineProcessor('sample', ({ emit, dropped }) => {
    const decisions = new BoundedMap<string, boolean>(DEFAULT_SAMPLE_DECISIONS_REMEMBERED);
    return {
      next(event) {
        let keep = decisions.get(event.request_id);
        if (keep === undefined) {
          keep = sampledIn(event.request_id, rate);
          decisions.set(event.request_id, keep);
        }
        if (keep) emit(event);
        else dropped('sampled_out');
      },
    };
  });
}
