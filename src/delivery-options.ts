import { z } from 'zod';
import type { DeliveryStats, HttpDelivery } from './http-delivery.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';
import type { DiskSpool } from './spool.js';

/** Options every HTTP-delivering exporter shares (httpExporter, otlpExporter). */
export const DeliveryOptionsShape = {
  headers: z.record(z.string(), z.string()).optional(),
  timeoutMs: z.number().int().positive().optional(),
  maxRetries: z.number().int().nonnegative().optional(),
  initialBackoffMs: z.number().int().nonnegative().optional(),
  maxBackoffMs: z.number().int().nonnegative().optional(),
  maxRetryAfterMs: z.number().int().nonnegative().optional(),
  spoolDir: z.string().min(1).optional(),
  maxSpoolBytes: z.number().int().positive().optional(),
  probeIntervalMs: z.number().int().positive().optional(),
  shutdownDeadlineMs: z.number().int().nonnegative().optional(),
  name: z.string().min(1).optional(),
};

/** The retry policy of the options, over `DEFAULT_RETRY_POLICY`. */
export function retryPolicyOf(options: Partial<RetryPolicy>): RetryPolicy {
  return {
    maxRetries: options.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries,
    initialBackoffMs: options.initialBackoffMs ?? DEFAULT_RETRY_POLICY.initialBackoffMs,
    maxBackoffMs: options.maxBackoffMs ?? DEFAULT_RETRY_POLICY.maxBackoffMs,
    maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULT_RETRY_POLICY.maxRetryAfterMs,
  };
}

/** The delivery's counters with its spool's. */
export function deliveryStats(delivery: HttpDelivery, spool: DiskSpool): DeliveryStats {
  return {
    ...delivery.stats,
    spoolBytes: spool.stats.bytes,
    spoolEvents: spool.stats.events,
    spoolEvictedEvents: spool.stats.evictedEvents,
    spoolTornRecords: spool.stats.tornRecords,
    spoolRecoveredEvents: spool.stats.recoveredEvents,
  };
}
