import { timingSafeEqual } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { TraceEvent } from '../schemas/trace-event.js';
import { jsonlExporter } from '../exporters/jsonl.js';
import { validateEvent } from './event-validation.js';
import { readEvents } from './read-events.js';

const gunzipAsync = promisify(gunzip);

/** Options of `startReceiver` (and `optrail receive`). */
export interface ReceiverOptions {
  /** Where accepted events go: `<outDir>/<request_id>.jsonl`. */
  outDir: string;
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (else 401). */
  apiKey?: string;
  /** Largest body accepted, compressed or not, in bytes (default 16 MiB; else 413). */
  maxBodyBytes?: number;
  /** Default 0 (any free port). */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Read event ids already in `outDir` at start, so duplicates are dropped across restarts (default `true`). */
  rememberExisting?: boolean;
  /** Event ids remembered for deduplication (default 5,000,000; the oldest are forgotten first). */
  maxKnownIds?: number;
}

/** What the receiver counted. */
export interface ReceiverStats {
  batches: number;
  accepted: number;
  duplicates: number;
  duplicateBatches: number;
  invalid: number;
  tooLarge: number;
  unauthorized: number;
}

export interface Receiver {
  readonly url: string;
  readonly port: number;
  readonly stats: ReceiverStats;
  /** Resolves once `count` events in all have been accepted. */
  waitFor(count: number): Promise<void>;
  /** The request handler, for embedding in another server (tests put faults in front of it). */
  handle(request: IncomingMessage, response: ServerResponse): void;
  close(): Promise<void>;
}

class TooLarge extends Error {}

async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new TooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new TooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function reply(response: ServerResponse, status: number, body: Record<string, unknown>): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'Content-Type': 'application/json', Connection: status === 413 ? 'close' : 'keep-alive' });
  response.end(JSON.stringify(body));
}

/**
 * A small HTTP server for optrail's HTTP exporter, for tests and for users without a hosted
 * backend: accepts NDJSON batches (gzip or not) on any path, checks the bearer key when one is
 * configured, validates events, drops duplicates by `event_id` (and whole batches by
 * `Idempotency-Key`), appends JSON Lines per request under `outDir`, answers 413 above
 * `maxBodyBytes`, and answers 200 only after the write.
 */
export async function startReceiver(options: ReceiverOptions): Promise<Receiver> {
  const limit = options.maxBodyBytes ?? 16 * 1024 * 1024;
  const writer = jsonlExporter({ dir: options.outDir }, { name: 'receiver' });
  const knownIds = new Set<string>();
  const knownBatches = new Set<string>();
  const maxKnown = options.maxKnownIds ?? 5_000_000;
  // Memory stays bounded: past the limit the oldest ids (Sets keep insertion order) are forgotten.
  const remember = (set: Set<string>, id: string, limit: number) => {
    set.add(id);
    if (set.size > limit) set.delete(set.values().next().value as string);
  };
  const stats: ReceiverStats = { batches: 0, accepted: 0, duplicates: 0, duplicateBatches: 0, invalid: 0, tooLarge: 0, unauthorized: 0 };
  const expected = options.apiKey ? Buffer.from(`Bearer ${options.apiKey}`) : undefined;

  if (options.rememberExisting ?? true) {
    let files: string[] = [];
    try {
      files = readdirSync(options.outDir).filter((f) => /\.jsonl(\.gz)?$/.test(f));
    } catch {
      files = [];
    }
    for (const file of files) {
      await new Promise<void>((resolve) =>
        readEvents(join(options.outDir, file)).subscribe({ next: (e) => remember(knownIds, e.event_id, maxKnown), complete: resolve, error: () => resolve() }),
      );
    }
  }

  let waiters: Array<{ count: number; wake: () => void }> = [];
  const wakeWaiters = () => {
    waiters = waiters.filter((w) => (stats.accepted >= w.count ? (w.wake(), false) : true));
  };

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
      body = await readBody(request, limit);
      if (String(request.headers['content-encoding'] ?? '').toLowerCase() === 'gzip') {
        body = await gunzipAsync(body, { maxOutputLength: limit * 16 });
      }
    } catch (error) {
      if (error instanceof TooLarge || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        stats.tooLarge++;
        return reply(response, 413, { error: `body larger than ${limit} bytes` });
      }
      return reply(response, 400, { error: `unreadable body: ${(error as Error).message}` });
    }
    stats.batches++;
    const batchKey = request.headers['idempotency-key'];
    if (typeof batchKey === 'string' && knownBatches.has(batchKey)) {
      stats.duplicateBatches++;
      return reply(response, 200, { accepted: 0, duplicates: 0, invalid: 0, duplicateBatch: true });
    }
    const accepted: TraceEvent[] = [];
    let duplicates = 0;
    let invalid = 0;
    for (const line of body.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        invalid++;
        continue;
      }
      const checked = validateEvent(value);
      if (!checked.ok) {
        invalid++;
        continue;
      }
      if (knownIds.has(checked.event.event_id)) {
        duplicates++;
        continue;
      }
      remember(knownIds, checked.event.event_id, maxKnown);
      accepted.push(checked.event);
    }
    try {
      if (accepted.length > 0) writer.exportSync!(accepted);
    } catch (error) {
      for (const event of accepted) knownIds.delete(event.event_id);
      return reply(response, 500, { error: `could not write: ${(error as Error).message}` });
    }
    if (typeof batchKey === 'string') remember(knownBatches, batchKey, 100_000);
    stats.accepted += accepted.length;
    wakeWaiters();
    stats.duplicates += duplicates;
    stats.invalid += invalid;
    reply(response, 200, { accepted: accepted.length, duplicates, invalid });
  }

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    acceptBatch(request, response).catch((error: unknown) => reply(response, 500, { error: (error as Error).message }));
  };
  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}/v1/events`,
    port,
    stats,
    handle,
    waitFor: (count) => (stats.accepted >= count ? Promise.resolve() : new Promise<void>((wake) => waiters.push({ count, wake }))),
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await writer.shutdown!();
    },
  };
}
