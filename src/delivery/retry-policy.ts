/** When and how long to wait before sending again. Defaults follow OpenTelemetry's OTLP exporters. */
export interface RetryPolicy {
  /** Retries after the first attempt (default 5). */
  maxRetries: number;
  /** First backoff ceiling, in ms (default 1000); doubled per retry. */
  initialBackoffMs: number;
  /** Largest backoff ceiling, in ms (default 5000). */
  maxBackoffMs: number;
  /** Longest `Retry-After` honoured, in ms (default 60 000). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 5, initialBackoffMs: 1000, maxBackoffMs: 5000, maxRetryAfterMs: 60_000 };

/** Statuses worth retrying: 408, 429 and every 5xx. 400, 401, 403, 404 and the other 4xx never are. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/** `Retry-After` as ms from `now`: delay-seconds or an HTTP date; `undefined` when absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The wait before retry number `attempt` (0-based): the server's `Retry-After` when it gave one
 * (capped), else exponential backoff with full jitter: a random time in [0, min(max, initial·2^attempt)].
 */
export function retryDelay(attempt: number, policy: RetryPolicy, retryAfterMs?: number, random = Math.random): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxRetryAfterMs);
  const ceiling = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}
