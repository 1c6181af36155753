import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_MAX_SPOOL_BYTES, DEFAULT_SPOOL_ROOT } from '../base/defaults.js';
import { describeDestination, destinationOf, endpointOf, pathSafe, spoolDirectoryName, type Destination } from './destination.js';
import type { DeliveryStats, HttpDelivery } from './http-delivery.js';
import { redactUrls } from './http-post.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';
import { DiskSpool, summarizeSpoolDir } from './spool.js';

/** Options every HTTP-delivering exporter shares (`httpExporter`, `otlpExporter`). */
export interface DeliveryOptions {
  /** Extra headers (an `Authorization` here is never logged either). */
  headers?: Record<string, string>;
  /** Deadline of one request, in ms (default 10 000). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 5), with full-jitter backoff from `initialBackoffMs` (1000) doubling up to `maxBackoffMs` (5000); `Retry-After` wins (up to `maxRetryAfterMs`, 60 000). */
  maxRetries?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  maxRetryAfterMs?: number;
  /**
   * Where unsent batches wait. Default: `.optrail/spool/<name>/<kind>-<host>_<port>-<digest>`, one
   * directory per destination (kind, endpoint, and a digest of the headers and query that carry
   * the credentials), so a spool is only resent to the destination it was written for. A
   * directory given here may be shared: each segment records its destination, and segments of
   * another destination are never sent (counted in `spoolForeignEvents`, reported).
   */
  spoolDir?: string;
  /** Most bytes the spool holds (default 256 MiB); past it the oldest data is evicted, counted. */
  maxSpoolBytes?: number;
  /** While the spool holds data, how often to try the endpoint again, in ms (default 5000). */
  probeIntervalMs?: number;
  /** How long shutdown waits for in-flight sends before spooling them, in ms (default 5000). */
  shutdownDeadlineMs?: number;
  /** Name in metrics (default: `http` or `otlp`). */
  name?: string;
}

/** The retry policy of the options, over `DEFAULT_RETRY_POLICY`. */
export function retryPolicyOf(options: Partial<RetryPolicy>): RetryPolicy {
  return {
    maxRetries: options.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries,
    initialBackoffMs: options.initialBackoffMs ?? DEFAULT_RETRY_POLICY.initialBackoffMs,
    maxBackoffMs: options.maxBackoffMs ?? DEFAULT_RETRY_POLICY.maxBackoffMs,
    maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULT_RETRY_POLICY.maxRetryAfterMs,
  };
}

/** An HTTP exporter's counters: the delivery's and its spool's. */
export type ExporterDeliveryStats = DeliveryStats & {
  /** Events in the spool directory written for another destination, never sent by this exporter. */
  spoolForeignEvents: number;
  /** Events of spooled records found damaged when read back: lost, counted. */
  spoolCorruptEvents: number;
};

/** The delivery's counters with its spool's. */
export function deliveryStats(delivery: HttpDelivery, spool: DiskSpool): ExporterDeliveryStats {
  return {
    ...delivery.stats,
    spoolBytes: spool.stats.bytes,
    spoolEvents: spool.stats.events,
    spoolEvictedEvents: spool.stats.evictedEvents,
    spoolTornRecords: spool.stats.tornRecords,
    spoolRecoveredEvents: spool.stats.recoveredEvents,
    spoolForeignEvents: spool.stats.foreignEvents,
    spoolCorruptEvents: spool.stats.corruptEvents,
  };
}

/** Where and how an exporter delivers: the URL fetch gets, the headers sent, the spool's destination. */
export interface DeliveryTarget {
  url: string;
  headers: Record<string, string>;
  destination: Destination;
}

/**
 * The target of an exporter of `kind` (`http`, `otlp`) given `url` and its `headers`: userinfo
 * moved into `Authorization: Basic` (a TypeError naming neither value when an Authorization
 * header is given too), the destination derived from what is actually sent.
 */
export function deliveryTarget(where: string, kind: string, url: string, headers: Record<string, string>): DeliveryTarget {
  const endpoint = endpointOf(where, url, headers);
  for (const [name, value] of Object.entries(endpoint.headers)) {
    // What fetch would refuse at every send, quoting the value (a key) in its error: refused here, once, unquoted.
    if (!HEADER_NAME.test(name)) throw new TypeError(`${where}: header name ${JSON.stringify(name)} is not a valid HTTP header name`);
    if (!HEADER_VALUE.test(value)) throw new TypeError(`${where}: the value of header "${name}" holds a character no HTTP header may (a line break, NUL or one past U+00FF); the value is not shown`);
  }
  return { ...endpoint, destination: destinationOf(kind, endpoint.url, endpoint.headers) };
}

/** An HTTP header name (a token) and a value fetch accepts: tab, visible ASCII and Latin-1, no line break or NUL. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * The spool of an exporter named `name` sending to `destination`: `spoolDir`, else
 * `DEFAULT_SPOOL_ROOT/<name>/<destination's directory name>`.
 */
export function spoolFor(name: string, destination: Destination, options: Pick<DeliveryOptions, 'spoolDir' | 'maxSpoolBytes'>): DiskSpool {
  const dir = options.spoolDir ?? join(DEFAULT_SPOOL_ROOT, pathSafe(name), spoolDirectoryName(destination));
  return new DiskSpool(resolve(dir), options.maxSpoolBytes ?? DEFAULT_MAX_SPOOL_BYTES, destination);
}

/**
 * What an exporter reports about its spool at start: segments in its directory written for
 * another destination and, for a default directory, the spools beside it (the same exporter
 * name, another endpoint or other credentials, e.g. after a key was rotated), which it never
 * sends: so data waiting for another destination is never forgotten silently.
 */
export function spoolNotices(spool: DiskSpool, options: Pick<DeliveryOptions, 'spoolDir'>): string[] {
  const notices = spool.foreignReport();
  if (options.spoolDir !== undefined || !spool.destination) return notices;
  const own = spool.destination;
  const parent = dirname(spool.dir);
  let siblings: string[];
  try {
    siblings = readdirSync(parent).sort();
  } catch {
    return notices;
  }
  // The parent itself: where an older optrail kept the spool of every destination of this name.
  for (const dir of [parent, ...siblings.map((name) => join(parent, name))]) {
    if (dir === spool.dir) continue;
    const found = summarizeSpoolDir(dir);
    if (!found) continue;
    const whose = found.destination
      ? found.destination.kind === own.kind && found.destination.url === own.url
        ? `this endpoint with other credentials or headers (${describeDestination(found.destination)})`
        : `another destination (${describeDestination(found.destination)})`
      : 'an unknown destination (by an older optrail)';
    notices.push(`spool ${dir}: ${found.segments} segment(s), ${found.bytes} byte(s) wait for ${whose}; only an exporter of that destination sends them`);
  }
  return notices;
}

/** The report of an exporter: every message redacted (`redactUrls`) before it reaches errors, logs and the shutdown report. */
export function redactingReport(report: (message: string) => void): (message: string) => void {
  return (message) => report(redactUrls(message));
}
