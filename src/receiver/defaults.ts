/**
 * The receiver's defaults (`startReceiver`, `optrail receive`). They belong in src/defaults.ts
 * with every other default; they live here until the lead moves them (issue 14 §8).
 */

/** Largest body accepted, counted both as received and once inflated, in bytes: 16 MiB. */
export const DEFAULT_RECEIVER_MAX_BODY_BYTES = 16 * 1024 * 1024;
/**
 * Bytes of request bodies held at once across concurrent requests: 128 MiB (never less than
 * the body limit). Past it a request gets 503 with `Retry-After: 1`, which the HTTP exporter retries.
 */
export const DEFAULT_RECEIVER_MAX_HELD_BODY_BYTES = 128 * 1024 * 1024;
/**
 * Memory for the event ids remembered to drop duplicates, in estimated bytes: 128 MiB. Each id is
 * counted as `48 + 2 × its length` bytes (measured on Node 20: a Set entry holding a flat string
 * costs about 40 bytes plus its characters, two bytes each at worst), so about 1.2 million ids
 * of optrail's `<ULID>-<seq>` form. Past it the oldest ids are forgotten (counted in `forgottenIds`).
 */
export const DEFAULT_RECEIVER_MAX_KNOWN_ID_BYTES = 128 * 1024 * 1024;
/** Memory for the `Idempotency-Key`s remembered to drop repeated batches, counted like ids: 16 MiB. */
export const DEFAULT_RECEIVER_MAX_KNOWN_BATCH_BYTES = 16 * 1024 * 1024;
/** How long a client may take to send a request's headers, in ms, before it gets 408 and is closed. */
export const DEFAULT_RECEIVER_HEADERS_TIMEOUT_MS = 10_000;
/** How long a client may take to send a whole request (headers and body), in ms (16 MiB at 300 KB/s). */
export const DEFAULT_RECEIVER_REQUEST_TIMEOUT_MS = 60_000;
/** How long a socket may stay silent (no byte either way) before it is closed, in ms. */
export const DEFAULT_RECEIVER_IDLE_TIMEOUT_MS = 30_000;
