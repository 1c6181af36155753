/** Compared against whole chunks: a chunk of nothing but newlines adds one newline, not its size. */
const NEWLINES = Buffer.alloc(64 * 1024, '\n');
const NEWLINE = NEWLINES.subarray(0, 1);
/**
 * Chunks shorter than this are copied together: a client sending one byte per chunk would
 * otherwise cost a Buffer object (≈ 100 bytes) per byte held.
 */
const SMALL = 4096;
const STAGING_BYTES = 16 * 1024;

function onlyNewlines(chunk: Buffer): boolean {
  if (chunk.length <= NEWLINES.length) return chunk.equals(NEWLINES.subarray(0, chunk.length));
  return chunk.every((byte) => byte === 0x0a);
}

/**
 * The bytes of a body as they arrive, held with little overhead: a run of newline-only chunks
 * is held as one newline (NDJSON ignores blank lines, and a bomb of newlines is the cheapest
 * one to make), small chunks are copied together, so the Buffers held are about one per 4 KiB.
 */
export class BodyChunks {
  private parts: Buffer[] = [];
  private staging: Buffer | undefined;
  private staged = 0;
  private lastWasNewline = false;
  /** Bytes held (what `add` returned, summed). */
  bytes = 0;

  /** How many bytes holding `chunk` adds, without holding it (0 for a newline run already held). */
  cost(chunk: Buffer): number {
    if (chunk.length === 0) return 0;
    if (!onlyNewlines(chunk)) return chunk.length;
    return this.lastWasNewline ? 0 : 1;
  }

  /** Holds `chunk`, whose cost was just taken; returns that cost. */
  add(chunk: Buffer): number {
    if (chunk.length === 0) return 0;
    if (onlyNewlines(chunk)) {
      if (this.lastWasNewline) return 0;
      chunk = NEWLINE;
      this.lastWasNewline = true;
    } else {
      this.lastWasNewline = false;
    }
    if (chunk.length < SMALL) {
      if (this.staging && this.staged + chunk.length > this.staging.length) {
        // Held as filled so far (over three quarters: a chunk is under a quarter of it).
        this.parts.push(this.staging.subarray(0, this.staged));
        this.staging = undefined;
        this.staged = 0;
      }
      this.staging ??= Buffer.allocUnsafe(STAGING_BYTES);
      chunk.copy(this.staging, this.staged);
      this.staged += chunk.length;
    } else {
      this.flushStaging();
      this.parts.push(chunk);
    }
    this.bytes += chunk.length;
    return chunk.length;
  }

  /** The whole body, once; what was held is let go. */
  take(): Buffer {
    this.flushStaging();
    const body = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.bytes);
    this.clear();
    return body;
  }

  clear(): void {
    this.parts = [];
    this.staging = undefined;
    this.staged = 0;
    this.bytes = 0;
  }

  /** Before a large chunk: what is staged is copied to its size (so it wastes nothing) and the staging buffer reused. */
  private flushStaging(): void {
    if (!this.staging || this.staged === 0) return;
    this.parts.push(Buffer.from(this.staging.subarray(0, this.staged)));
    this.staged = 0;
  }
}
