import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TraceEvent } from '../schemas/trace-event.js';
import { CountWaiters } from '../src/base/count-waiters.js';
import { jsonlExporter } from '../exporters/jsonl.js';
import { boundedServer } from './bounded-server.js';
import {
  DEFAULT_RECEIVER_HOST,
  DEFAULT_RECEIVER_MAX_BODY_BYTES,
  DEFAULT_RECEIVER_MAX_HELD_BODY_BYTES,
  DEFAULT_RECEIVER_MAX_KNOWN_BATCH_BYTES,
  DEFAULT_RECEIVER_MAX_KNOWN_ID_BYTES,
} from '../src/base/defaults.js';
import { KnownIds, rememberIdsIn } from './known-ids.js';
import { MemoryBudget } from './memory-budget.js';
import { isLoopbackHost, urlHost } from './listen-address.js';
import { parseBatch } from './parse-batch.js';
import { BodyTooLarge, ReceiverBusy, readBody } from './read-body.js';

/** Options of `startReceiver` (and `optrail receive`). */
export interface ReceiverOptions {
  /** Where accepted events go: `<outDir>/<request_id>.jsonl`. */
  outDir: string;
  /**
   * When set, requests must carry `Authorization: Bearer <apiKey>` (else 401). Without one the
   * receiver listens on loopback addresses only: any other `host` is refused with an error.
   */
  apiKey?: string;
  /**
   * Largest body accepted, in bytes, counted both as received and once inflated: a gzip body is
   * inflated as a stream and refused as soon as it passes the limit (default
   * `DEFAULT_RECEIVER_MAX_BODY_BYTES`, 16 MiB; else 413).
   */
  maxBodyBytes?: number;
  /**
   * Bytes of bodies held at once by all requests in flight; past it a request gets 503 with
   * `Retry-After: 1` (default `DEFAULT_RECEIVER_MAX_HELD_BODY_BYTES`, 128 MiB; never less than `maxBodyBytes`).
   */
  maxHeldBodyBytes?: number;
  /** Default 0 (any free port). */
  port?: number;
  /** Default `DEFAULT_RECEIVER_HOST`, `127.0.0.1`. Without `apiKey`, only a loopback address (or a name resolving only to them, like `localhost`). */
  host?: string;
  /** Read event ids already in `outDir` at start, so duplicates are dropped across restarts (default `true`). */
  rememberExisting?: boolean;
  /**
   * Memory for the event ids remembered to drop duplicates, in estimated bytes (each id counts
   * `48 + 2 × its length`); past it the oldest are forgotten and counted in `stats.forgottenIds`
   * (default `DEFAULT_RECEIVER_MAX_KNOWN_ID_BYTES`, 128 MiB, about 1.2 million ids).
   */
  maxKnownIdBytes?: number;
  /** How long a client may take to send its headers before a 408 and a close, in ms (default `DEFAULT_RECEIVER_HEADERS_TIMEOUT_MS`, 10 s). */
  headersTimeoutMs?: number;
  /** How long a client may take to send a whole request, in ms (default `DEFAULT_RECEIVER_REQUEST_TIMEOUT_MS`, 60 s). */
  requestTimeoutMs?: number;
  /** How long a socket may stay silent before it is closed, in ms (default `DEFAULT_RECEIVER_IDLE_TIMEOUT_MS`, 30 s). */
  idleTimeoutMs?: number;
}

/** What the receiver counted. */
export interface ReceiverStats {
  batches: number;
  accepted: number;
  duplicates: number;
  duplicateBatches: number;
  invalid: number;
  /** Bodies refused with 413, as received or once inflated. */
  tooLarge: number;
  unauthorized: number;
  /** Requests answered 503 because the bodies in flight held `maxHeldBodyBytes`. */
  busy: number;
  /** Event ids remembered for deduplication now, and their estimated bytes (at most `maxKnownIdBytes`). */
  knownIds: number;
  knownIdBytes: number;
  /** Event ids forgotten to stay under `maxKnownIdBytes`: a resend of one of them is accepted again. */
  forgottenIds: number;
}

/** A running receiver (`startReceiver`): where it listens, its counters, and `close()`. */
export interface Receiver {
  readonly url: string;
  readonly port: number;
  /** Whether requests must carry the bearer key (`apiKey` was given). */
  readonly requiresKey: boolean;
  readonly stats: ReceiverStats;
  /** Resolves once `count` events in all have been accepted. */
  waitFor(count: number): Promise<void>;
  /** The request handler, for embedding in another server (tests put faults in front of it). */
  handle(request: IncomingMessage, response: ServerResponse): void;
  /** Stops accepting, closes every connection and resolves once the server is closed. */
  close(): Promise<void>;
}

function reply(response: ServerResponse, status: number, body: Record<string, unknown>): void {
  if (response.headersSent) return;
  response.writeHead(status, {
    'Content-Type': 'application/json',
    Connection: status === 413 ? 'close' : 'keep-alive',
    ...(status === 503 ? { 'Retry-After': '1' } : {}),
  });
  response.end(JSON.stringify(body));
}

/**
 * A small HTTP server for optrail's HTTP exporter, for tests and for users without a hosted
 * backend: accepts NDJSON batches (gzip or not) on any path, checks the bearer key when one is
 * configured (and without one listens on loopback only), validates events, drops duplicates by
 * `event_id` (and whole batches by `Idempotency-Key`), appends JSON Lines per request under
 * `outDir`, answers 413 above `maxBodyBytes` (inflated or not), cuts off slow clients, and
 * answers 200 only after the write. Rejects when `host` is not loopback and no `apiKey` is set.
 */
export async function startReceiver(options: ReceiverOptions): Promise<Receiver> {
  const host = options.host ?? DEFAULT_RECEIVER_HOST;
  const requiresKey = Boolean(options.apiKey);
  if (!requiresKey && !(await isLoopbackHost(host))) {
    throw new Error(
      `refusing to listen on ${host} without an API key: anyone who can reach it could write traces. ` +
        'Pass --api-key (or set OPTRAIL_API_KEY), or listen on a loopback address such as 127.0.0.1',
    );
  }
  const limit = options.maxBodyBytes ?? DEFAULT_RECEIVER_MAX_BODY_BYTES;
  const writer = jsonlExporter({ dir: options.outDir }, { name: 'receiver' });
  const budget = new MemoryBudget(Math.max(limit, options.maxHeldBodyBytes ?? DEFAULT_RECEIVER_MAX_HELD_BODY_BYTES));
  const knownIds = new KnownIds(options.maxKnownIdBytes ?? DEFAULT_RECEIVER_MAX_KNOWN_ID_BYTES);
  const knownBatches = new KnownIds(DEFAULT_RECEIVER_MAX_KNOWN_BATCH_BYTES);
  const stats: ReceiverStats = {
    batches: 0,
    accepted: 0,
    duplicates: 0,
    duplicateBatches: 0,
    invalid: 0,
    tooLarge: 0,
    unauthorized: 0,
    busy: 0,
    knownIds: 0,
    knownIdBytes: 0,
    forgottenIds: 0,
  };
  const countKnownIds = () => {
    stats.knownIds = knownIds.size;
    stats.knownIdBytes = knownIds.bytes;
    stats.forgottenIds = knownIds.forgotten;
  };
  const expected = requiresKey ? Buffer.from(`Bearer ${options.apiKey}`) : undefined;

  if (options.rememberExisting ?? true) {
    await rememberIdsIn(options.outDir, knownIds);
    countKnownIds();
  }

  const waiters = new CountWaiters();

  const authorized = (request: IncomingMessage) => {
    if (!expected) return true;
    const given = Buffer.from(String(request.headers.authorization ?? ''));
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  async function acceptBatch(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'POST') return reply(response, 405, { error: 'POST NDJSON batches here' });
    if (!authorized(request)) {
      stats.unauthorized++;
      request.resume();
      return reply(response, 401, { error: 'missing or wrong bearer key' });
    }
    let body: Buffer;
    try {
      body = await readBody(request, limit, String(request.headers['content-encoding'] ?? '').toLowerCase() === 'gzip', budget);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        stats.tooLarge++;
        return reply(response, 413, { error: `body larger than ${limit} bytes` });
      }
      if (error instanceof ReceiverBusy) {
        stats.busy++;
        return reply(response, 503, { error: `busy: the bodies in flight hold ${budget.maxBytes} bytes, retry` });
      }
      return reply(response, 400, { error: `unreadable body: ${(error as Error).message}` });
    }
    stats.batches++;
    const batchKey = request.headers['idempotency-key'];
    const duplicateBatch = typeof batchKey === 'string' && knownBatches.has(batchKey);
    // Parsed at once (synchronously), so the held bytes go back before any other request reads on.
    let parsed: ReturnType<typeof parseBatch> | undefined;
    try {
      parsed = duplicateBatch ? undefined : parseBatch(body);
    } finally {
      budget.give(body.length); // whatever parsing does, the held bytes go back
    }
    if (!parsed) {
      stats.duplicateBatches++;
      return reply(response, 200, { accepted: 0, duplicates: 0, invalid: 0, duplicateBatch: true });
    }
    const accepted: TraceEvent[] = [];
    let duplicates = 0;
    for (const event of parsed.events) {
      if (knownIds.has(event.event_id)) {
        duplicates++;
        continue;
      }
      knownIds.add(event.event_id);
      accepted.push(event);
    }
    try {
      if (accepted.length > 0) writer.exportSync!(accepted);
    } catch (error) {
      for (const event of accepted) knownIds.delete(event.event_id);
      countKnownIds();
      return reply(response, 500, { error: `could not write: ${(error as Error).message}` });
    }
    if (typeof batchKey === 'string') knownBatches.add(batchKey);
    countKnownIds();
    stats.accepted += accepted.length;
    waiters.reached(stats.accepted);
    stats.duplicates += duplicates;
    stats.invalid += parsed.invalid;
    reply(response, 200, { accepted: accepted.length, duplicates, invalid: parsed.invalid });
  }

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    acceptBatch(request, response).catch((error: unknown) => reply(response, 500, { error: (error as Error).message }));
  };
  const server = boundedServer(options, handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://${urlHost(host)}:${port}/v1/events`,
    port,
    requiresKey,
    stats,
    handle,
    waitFor: (count) => waiters.until(count, stats.accepted),
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await writer.shutdown!();
    },
  };
}
