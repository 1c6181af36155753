import type { ErrorLog } from './error-log.js';

/**
 * The media writes a pipeline has under way: their bytes count against its memory cap until they
 * settle, flush and shutdown wait for them, and a failure is counted and logged.
 */
export class MediaWrites {
  readonly counts = { written: 0, failed: 0, pendingBytes: 0 };
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly errorLog: ErrorLog) {}

  /** Holds `bytes` until `write` settles. */
  track(write: Promise<void>, bytes: number): void {
    this.counts.pendingBytes += bytes;
    const settled = write.then(
      () => {
        this.counts.written++;
      },
      (error: unknown) => {
        this.counts.failed++;
        this.errorLog.record('media', error);
      },
    );
    const tracked = settled.finally(() => {
      this.counts.pendingBytes -= bytes;
      this.pending.delete(tracked);
    });
    this.pending.add(tracked);
  }

  get busy(): boolean {
    return this.pending.size > 0;
  }

  /** Resolves once every write under way now has settled. Never rejects. */
  settled(): Promise<unknown> {
    return Promise.all([...this.pending]);
  }
}
