import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { postOnce, safeUrl, type PostResult } from './http-post.js';
import { isRetryableStatus, parseRetryAfter, retryDelay, type RetryPolicy } from './retry-policy.js';
import type { DiskSpool } from './spool.js';
import { anySignal, holdEventLoop, holdingEventLoop, settlesWithin, sleep } from '../base/timeout.js';

const gzipAsync = promisify(gzip);

/** Counters of one HTTP delivery (merged into `pipeline.metrics().exporters[name].details`). */
export type DeliveryStats = {
  sentEvents: number;
  sentBatches: number;
  retries: number;
  spooledEvents: number;
  resentEvents: number;
  rejectedEvents: number;
  authFailures: number;
  consecutiveFailures: number;
  lastLatencyMs: number;
  /** The wait chosen before the last retry (backoff or `Retry-After`), in ms. */
  lastRetryDelayMs: number;
  spoolBytes: number;
  spoolEvents: number;
  spoolEvictedEvents: number;
  spoolTornRecords: number;
  spoolRecoveredEvents: number;
};

export interface HttpDeliveryOptions {
  url: string;
  headers: Record<string, string>;
  contentType: string;
  gzip: boolean;
  timeoutMs: number;
  retry: RetryPolicy;
  /** How long one `deliver` may take before its batch goes to the spool instead (keeps it under the pipeline's export deadline). */
  budgetMs: number;
  spool: DiskSpool;
  writeAhead: boolean;
  /** While the spool holds data, how often to try the endpoint again, in ms. */
  probeIntervalMs: number;
  /** Turns a stored body into what goes on the wire (e.g. OTLP JSON → protobuf); default: as is. */
  toWire?: (body: Buffer) => Buffer;
  /** Splits a body in two halves (for 413), or `undefined` when it cannot be split. */
  split: (body: Buffer) => [Buffer, Buffer] | undefined;
  /** Reports a failure; the message never contains a header. */
  report: (message: string) => void;
}

type Outcome = 'sent' | 'rejected' | 'auth' | 'exhausted';

/** What stops one send: `fetch` aborts its request, `wait` ends its backoff (both end the send as `exhausted`). */
interface SendSignals {
  fetch: AbortSignal;
  wait: AbortSignal;
}

/** POSTs once; `aborted` as soon as `signal` aborts (which also aborts the request), without waiting for it to wind down. */
async function post(url: string, body: Uint8Array, headers: Record<string, string>, timeoutMs: number, signal: AbortSignal): Promise<PostResult | 'aborted'> {
  if (signal.aborted) return 'aborted';
  let result: PostResult | undefined;
  // postOnce never rejects, and its own deadline (`timeoutMs`) bounds it: only the signal ends the wait early.
  const posting = postOnce(url, body, headers, timeoutMs, signal).then((answer) => void (result = answer));
  const answered = await settlesWithin(posting, Infinity, signal);
  return answered && !signal.aborted ? result! : 'aborted';
}

/**
 * Delivers encoded batches over HTTP with at-least-once semantics while the spool has room:
 * retries network errors, timeouts, 408, 429 and 5xx with full-jitter backoff and
 * `Retry-After`; never retries other 4xx; splits on 413; spools on 401/403 (reporting an auth
 * failure) and when retries run out; resends the spool oldest first when the endpoint answers
 * again (and at the next process start). Each batch carries an `Idempotency-Key` so a receiver
 * can drop duplicates.
 */
export class HttpDelivery {
  readonly stats: Omit<DeliveryStats, 'spoolBytes' | 'spoolEvents' | 'spoolEvictedEvents' | 'spoolTornRecords' | 'spoolRecoveredEvents'> = {
    sentEvents: 0,
    sentBatches: 0,
    retries: 0,
    spooledEvents: 0,
    resentEvents: 0,
    rejectedEvents: 0,
    authFailures: 0,
    consecutiveFailures: 0,
    lastLatencyMs: 0,
    lastRetryDelayMs: 0,
  };
  private readonly inFlight = new Set<{ key: string; count: number; body: Buffer; settled: boolean; done: Promise<void> }>();
  private draining: Promise<void> | undefined;
  /** Keys of persisted (write-ahead) batches still waiting in memory for their `deliver`. */
  private readonly heldInMemory = new Set<string>();
  private probe: NodeJS.Timeout | undefined;
  private closed = false;
  /** Aborted when shutdown begins: backoff waits end at once (the batch is spooled). */
  private readonly closing = new AbortController();
  /** Aborted at the shutdown deadline: requests still under way are aborted. */
  private readonly cut = new AbortController();

  constructor(private readonly options: HttpDeliveryOptions) {
    if (!options.spool.empty) this.scheduleProbe(0);
  }

  /**
   * Sends a batch; resolves once it was acknowledged or spooled. Rejects only when the endpoint
   * refused it for good (400, 404…). When `signal` aborts (the pipeline's export deadline or its
   * shutdown), the request under way is aborted, retries stop, and the batch is spooled at once.
   */
  async deliver(body: Buffer, count: number, signal?: AbortSignal, persistedKey?: string): Promise<void> {
    const key = persistedKey ?? randomUUID();
    const { spool, writeAhead } = this.options;
    if (writeAhead && persistedKey === undefined) spool.append({ key, count, body });
    /** In the spool already (write-ahead, or persisted): acknowledged there once sent. */
    const onDisk = writeAhead || persistedKey !== undefined;
    const entry = { key, count, body, settled: false, done: Promise.resolve() };
    let finish!: () => void;
    entry.done = new Promise((resolve) => (finish = resolve));
    this.inFlight.add(entry);
    const fetchSignal = anySignal(signal, this.cut.signal);
    const waitSignal = anySignal(signal, this.closing.signal);
    try {
      const signals = { fetch: fetchSignal.signal, wait: waitSignal.signal };
      const outcome = await this.send(body, count, key, this.options.retry.maxRetries, Date.now() + this.options.budgetMs, signals);
      if (entry.settled) return; // shutdown already spooled it
      entry.settled = true;
      if (outcome === 'sent') {
        if (onDisk) spool.ack(key);
        if (!spool.empty) this.drainInBackground();
        return;
      }
      if (outcome === 'rejected') {
        if (onDisk) spool.ack(key);
        this.stats.rejectedEvents += count;
        throw new Error(`${safeUrl(this.options.url)} refused the batch for good`);
      }
      if (!onDisk) spool.append({ key, count, body });
      this.stats.spooledEvents += count;
      this.scheduleProbe(this.options.probeIntervalMs);
    } finally {
      fetchSignal.dispose();
      waitSignal.dispose();
      this.inFlight.delete(entry);
      if (persistedKey !== undefined) this.heldInMemory.delete(persistedKey);
      finish();
    }
  }

  /**
   * Write-ahead: puts a batch in the spool now, before it waits in memory for its turn, and
   * returns its key for the `deliver` (or `deliverSync`) that sends it later. Until then the
   * spool's resend leaves it alone, so it is sent once.
   */
  persist(body: Buffer, count: number): string {
    const key = randomUUID();
    this.options.spool.append({ key, count, body });
    this.heldInMemory.add(key);
    return key;
  }

  /**
   * At process exit, when nothing async can finish: every batch whose send is still under way
   * goes to the spool now (a persisted one is there already), so the next start resends it.
   */
  spoolInFlightSync(): void {
    for (const entry of this.inFlight) {
      if (entry.settled) continue;
      entry.settled = true;
      if (!this.options.writeAhead && !this.heldInMemory.has(entry.key)) this.options.spool.append({ key: entry.key, count: entry.count, body: entry.body });
      this.stats.spooledEvents += entry.count;
    }
  }

  /** Spools a batch at once (memory cap, process exit); a batch persisted before is already there. */
  deliverSync(body: Buffer, count: number, persistedKey?: string): void {
    if (persistedKey === undefined) this.options.spool.append({ key: randomUUID(), count, body });
    else this.heldInMemory.delete(persistedKey);
    this.stats.spooledEvents += count;
    this.scheduleProbe(this.options.probeIntervalMs);
  }

  /** Resends the spool from a timer or after a send: a failure is reported, never an unhandled rejection. */
  private drainInBackground(): void {
    this.drainSpool().catch((error: unknown) => this.options.report(`resending the spool failed: ${(error as Error)?.message ?? String(error)}`));
  }

    /** Resends the spool, oldest first, until it is empty or the endpoint fails again. */
  drainSpool(): Promise<void> {
    return (this.draining ??= this.drainLoop().finally(() => (this.draining = undefined)));
  }

  /**
   * Waits for in-flight sends and one pass over the spool, holding the event loop meanwhile (a
   * program that awaits it may have nothing else pending); each send is bounded by `budgetMs`.
   */
  flush(): Promise<void> {
    return holdingEventLoop(async () => {
      await Promise.all([...this.inFlight].map((e) => e.done));
      if (!this.options.spool.empty) await this.drainSpool();
    });
  }

  /**
   * Ends backoff waits at once (no retry starts any more), gives `last` (e.g. OTLP's unfinished
   * spans) one attempt, waits for requests under way until `deadlineMs`, aborts those still
   * running, spools every batch not acknowledged, and closes the spool. Holds the event loop
   * until then, so a program whose last line awaits the shutdown gets there.
   */
  async shutdown(deadlineMs: number, last?: { body: Buffer; count: number }): Promise<void> {
    const release = holdEventLoop();
    try {
      this.closed = true;
      if (this.probe) clearTimeout(this.probe);
      this.closing.abort();
      // The last batch is in the spool before its one attempt: a process.exit() right after
      // shutdown() returns cannot lose it; a success acknowledges it there.
      if (last) {
        const key = this.persist(last.body, last.count);
        void this.deliver(last.body, last.count, undefined, key).catch((error: unknown) => this.options.report(`the last batch at shutdown: ${(error as Error).message}`));
      }
      await settlesWithin(Promise.all([...this.inFlight].map((e) => e.done)), deadlineMs);
      this.cut.abort();
      for (const entry of this.inFlight) {
        if (entry.settled) continue;
        entry.settled = true;
        if (!this.options.writeAhead && !this.heldInMemory.has(entry.key)) this.options.spool.append({ key: entry.key, count: entry.count, body: entry.body });
        this.stats.spooledEvents += entry.count;
      }
      this.options.spool.close();
    } finally {
      release();
    }
  }

  private async drainLoop(): Promise<void> {
    const { spool } = this.options;
    const skip = (key: string) => this.heldInMemory.has(key); // persisted batches waiting for their own deliver
    for (let record = spool.peek(skip); record !== undefined && !this.closed; record = spool.peek(skip)) {
      const outcome = await this.send(record.body, record.count, record.key, 0, Date.now() + this.options.budgetMs, {
        fetch: this.cut.signal,
        wait: this.closing.signal,
      });
      if (outcome === 'sent') {
        spool.ack(record.key);
        this.stats.resentEvents += record.count;
      } else if (outcome === 'rejected') {
        spool.ack(record.key);
        this.stats.rejectedEvents += record.count;
      } else {
        this.scheduleProbe(this.options.probeIntervalMs);
        return;
      }
    }
  }

  private scheduleProbe(delayMs: number): void {
    if (this.probe || this.closed) return;
    this.probe = setTimeout(() => {
      this.probe = undefined;
      this.drainInBackground();
    }, delayMs);
    this.probe.unref();
  }

  private async send(body: Buffer, count: number, key: string, maxRetries: number, deadline: number, signals: SendSignals): Promise<Outcome> {
    const { url, timeoutMs, retry } = this.options;
    const wire = this.options.toWire ? this.options.toWire(body) : body;
    const payload = this.options.gzip ? await gzipAsync(wire) : wire;
    const headers = {
      ...this.options.headers,
      'Content-Type': this.options.contentType,
      'Idempotency-Key': key,
      ...(this.options.gzip ? { 'Content-Encoding': 'gzip' } : {}),
    };
    for (let attempt = 0; ; attempt++) {
      const started = Date.now();
      // No attempt outlives the delivery's budget: the last one gets what is left of it.
      const left = deadline - started;
      if (left <= 0) return 'exhausted';
      const result = await post(url, payload, headers, Math.min(timeoutMs, left), signals.fetch);
      if (result === 'aborted') return 'exhausted';
      this.stats.lastLatencyMs = Date.now() - started;
      let retryAfter: number | undefined;
      if ('status' in result) {
        const { status } = result;
        if (status >= 200 && status < 300) {
          this.stats.sentEvents += count;
          this.stats.sentBatches++;
          this.stats.consecutiveFailures = 0;
          return 'sent';
        }
        this.stats.consecutiveFailures++;
        if (status === 413) return this.sendHalves(body, count, key, maxRetries, deadline, signals);
        if (status === 401 || status === 403) {
          this.stats.authFailures++;
          this.options.report(`${safeUrl(url)} answered ${status}: authentication failed (batch spooled; check the API key)`);
          return 'auth';
        }
        if (!isRetryableStatus(status)) {
          this.options.report(`${safeUrl(url)} answered ${status}: not retried`);
          return 'rejected';
        }
        retryAfter = parseRetryAfter(result.retryAfter);
        this.options.report(`${safeUrl(url)} answered ${status}`);
      } else {
        this.stats.consecutiveFailures++;
        this.options.report(result.networkError);
      }
      if (attempt >= maxRetries) return 'exhausted';
      const wait = retryDelay(attempt, retry, retryAfter);
      if (Date.now() + wait > deadline || this.closed || signals.wait.aborted) return 'exhausted';
      this.stats.lastRetryDelayMs = wait;
      // Unref'd: normal delivery never keeps a finished program alive; flush and shutdown hold the loop.
      await sleep(wait, signals.wait);
      if (this.closed || signals.wait.aborted) return 'exhausted';
      this.stats.retries++;
    }
  }

  private async sendHalves(body: Buffer, count: number, key: string, maxRetries: number, deadline: number, signals: SendSignals): Promise<Outcome> {
    const halves = this.options.split(body);
    if (!halves) {
      this.options.report(`${safeUrl(this.options.url)} answered 413 for a batch that cannot be split`);
      return 'rejected';
    }
    const firstCount = Math.floor(count / 2); // splitNdjson puts the smaller half first
    const first = await this.send(halves[0], firstCount, `${key}.1`, maxRetries, deadline, signals);
    const second = await this.send(halves[1], count - firstCount, `${key}.2`, maxRetries, deadline, signals);
    if (first === 'sent' && second === 'sent') return 'sent';
    // Part went through: what is left is resent whole; the receiver drops the duplicates.
    return first === 'rejected' && second === 'rejected' ? 'rejected' : first === 'sent' ? second : first;
  }
}

/** Splits NDJSON bytes into two halves on a line boundary; `undefined` for a single line. */
export function splitNdjson(body: Buffer): [Buffer, Buffer] | undefined {
  const lines: number[] = [];
  for (let i = body.indexOf(10); i !== -1 && i < body.length - 1; i = body.indexOf(10, i + 1)) lines.push(i);
  if (lines.length === 0) return undefined;
  const cut = lines[Math.floor((lines.length - 1) / 2)]! + 1;
  return [body.subarray(0, cut), body.subarray(cut)];
}
