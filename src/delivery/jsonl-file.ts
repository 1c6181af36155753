import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { gzip, gzipSync } from 'node:zlib';

/** Options of one JSON Lines file. */
export interface JsonlFileOptions {
  /** Compress each batch as one gzip member (readers see one gzip stream). */
  gzip: boolean;
  /** zlib level, 1 (fast) to 9 (small). */
  gzipLevel: number;
  /** Start a new part once a part holds this many bytes on disk. */
  rotateBytes?: number;
  /** Told how many events an asynchronous (gzip) write lost; a synchronous write failure throws instead. */
  onLost?: (events: number) => void;
}

/** Compressed batches that may wait for the threadpool before `append` asks callers to wait. */
const MAX_COMPRESSING = 4;

interface Pending {
  raw: Buffer;
  compressed: Buffer | undefined;
  done: boolean;
}

/** `trace.jsonl.gz` → `trace.2.jsonl.gz`: where part `n` of a rotated file goes. */
export function partPath(path: string, part: number): string {
  if (part === 0) return path;
  const match = /^(.*?)((?:\.jsonl)?(?:\.gz)?)$/.exec(path)!;
  return `${match[1]}.${part}${match[2]}`;
}

/**
 * An append-only JSON Lines file written in whole batches. Plain batches are written with one
 * `writeSync` each, so a killed process leaves at most a torn last line. Gzip batches are
 * compressed in libuv's threadpool (off the main thread) as separate gzip members and written in
 * batch order; `appendSync` compresses on the spot and writes everything queued before it
 * first, so order holds when the sync path (memory cap, exit) overtakes the async one.
 */
export class JsonlFile {
  private fd: number | undefined;
  private part = 0;
  private partBytes = 0;
  private readonly queue: Pending[] = [];
  private drained: Array<() => void> = [];
  private asyncError: unknown;
  /** Every path written so far (the parts of a rotated file). */
  readonly paths: string[] = [];

  constructor(
    readonly path: string,
    private readonly options: JsonlFileOptions,
  ) {}

  /**
   * Appends `bytes` (which may be a reused scratch view: it is written or copied before this
   * returns); the promise (if any) asks the caller to wait while compression is backed up.
   */
  append(bytes: Buffer): Promise<void> | undefined {
    this.throwAsyncError();
    if (!this.options.gzip) {
      this.write(bytes);
      return undefined;
    }
    const raw = Buffer.from(bytes); // compressed later, in the threadpool
    const entry: Pending = { raw, compressed: undefined, done: false };
    this.queue.push(entry);
    gzip(raw, { level: this.options.gzipLevel }, (error, compressed) => {
      if (entry.done) return;
      if (error) this.asyncError ??= error;
      entry.compressed = error ? gzipSync(raw, { level: this.options.gzipLevel }) : compressed;
      this.writeReady();
    });
    return this.queue.length > MAX_COMPRESSING ? this.whenDrained() : undefined;
  }

  /** Appends `raw` now, after everything queued before it. */
  appendSync(raw: Buffer): void {
    this.writeQueuedSync();
    this.write(this.options.gzip ? gzipSync(raw, { level: this.options.gzipLevel }) : raw);
  }

  /** Resolves when everything appended so far is on disk; rejects with a deferred write error. */
  async flush(): Promise<void> {
    await this.whenDrained();
    this.throwAsyncError();
  }

  /** Writes what is queued synchronously, then closes the file. */
  close(): void {
    this.writeQueuedSync();
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }

  private throwAsyncError(): void {
    if (this.asyncError !== undefined) {
      const error = this.asyncError;
      this.asyncError = undefined;
      throw error;
    }
  }

  private writeQueuedSync(): void {
    while (this.queue.length > 0) {
      const entry = this.queue.shift()!;
      entry.done = true;
      this.write(entry.compressed ?? gzipSync(entry.raw, { level: this.options.gzipLevel }));
    }
    this.wakeDrained();
  }

  private writeReady(): void {
    let writing: Pending | undefined;
    try {
      while (this.queue.length > 0 && this.queue[0]!.compressed !== undefined) {
        writing = this.queue.shift()!;
        writing.done = true;
        this.write(writing.compressed!);
        writing = undefined;
      }
    } catch (error) {
      // The batch being written and those behind it are lost: counted (one line per event), and
      // the error thrown at the next append or flush.
      this.asyncError ??= error;
      let lost = writing === undefined ? 0 : lineCount(writing.raw);
      for (const entry of this.queue) {
        entry.done = true;
        lost += lineCount(entry.raw);
      }
      this.queue.length = 0;
      this.options.onLost?.(lost);
    }
    if (this.queue.length === 0) this.wakeDrained();
  }

  private whenDrained(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private wakeDrained(): void {
    const waiters = this.drained;
    this.drained = [];
    for (const wake of waiters) wake();
  }

  private write(bytes: Buffer): void {
    const rotate = this.options.rotateBytes;
    if (rotate !== undefined && this.fd !== undefined && this.partBytes > 0 && this.partBytes + bytes.length > rotate) {
      closeSync(this.fd);
      this.fd = undefined;
      this.part++;
      this.partBytes = 0;
    }
    if (this.fd === undefined) this.open();
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(this.fd!, bytes, offset, bytes.length - offset);
    this.partBytes += bytes.length;
  }

  private open(): void {
    const path = partPath(this.path, this.part);
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a', 0o600);
    if (!this.paths.includes(path)) this.paths.push(path);
  }
}

/** Events in a JSON Lines batch: its newlines (a serialized event never contains a raw newline). */
function lineCount(bytes: Buffer): number {
  let n = 0;
  for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) n++;
  return n;
}
