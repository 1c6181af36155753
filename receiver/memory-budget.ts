/**
 * Bytes of request bodies the receiver holds at once, across concurrent requests: without it
 * each body is bounded (`maxBodyBytes`) but their number is not, and 200 hostile bodies at the
 * limit would hold 200 times it.
 */
export class MemoryBudget {
  private held = 0;

  constructor(readonly maxBytes: number) {}

  /** Holds `bytes` more when they fit; `false` (and nothing held) when they do not. */
  take(bytes: number): boolean {
    if (this.held + bytes > this.maxBytes) return false;
    this.held += bytes;
    return true;
  }

  give(bytes: number): void {
    this.held -= bytes;
  }

  get bytes(): number {
    return this.held;
  }
}
