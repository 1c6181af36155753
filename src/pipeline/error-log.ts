import { describeThrown } from '../recording/op-run.js';

/** One kind of failure, kept once with its count. */
export interface ErrorReport {
  /** What failed: `exporter:<name>`, `processor:<name>`, `internal:<where>`, `media`. */
  readonly source: string;
  readonly message: string;
  readonly count: number;
  /** ISO time of the first and the last occurrence. */
  readonly first: string;
  readonly last: string;
}

/** Receives optrail's own warnings. Default: one `[optrail]` line on stderr per distinct error. */
export interface Logger {
  /** Writes one warning (already redacted); must not throw (what it throws is swallowed). */
  warn(message: string): void;
}

export const stderrLogger: Logger = {
  warn(message) {
    try {
      process.stderr.write(`[optrail] ${message}\n`);
    } catch {
      // nowhere left to report
    }
  },
};

const MAX_DISTINCT_ERRORS = 100;

/**
 * Failures of exporters, processors and optrail internals, deduplicated by source and message
 * and bounded in size. Logs the first occurrence of each; never throws.
 */
export class ErrorLog {
  private readonly entries = new Map<string, { source: string; message: string; count: number; first: string; last: string }>();
  private overflow = 0;

  /**
   * @param scrub what every source and message goes through before it is kept or logged: the
   *   pipeline's credential redaction (a thrown message can quote a key), or nothing.
   */
  constructor(
    private readonly logger: Logger | undefined,
    private readonly scrub: (text: string) => string = (text) => text,
  ) {}

  record(rawSource: string, thrown: unknown): void {
    const source = this.scrub(rawSource);
    try {
      const { type, message } = describeThrown(thrown);
      const text = this.scrub(type && type !== 'Error' && type !== 'string' ? `${type}: ${message}` : message);
      const key = `${source}\u0000${text}`;
      const now = new Date().toISOString();
      const entry = this.entries.get(key);
      if (entry) {
        entry.count++;
        entry.last = now;
        return;
      }
      if (this.entries.size >= MAX_DISTINCT_ERRORS) {
        this.overflow++;
        return;
      }
      this.entries.set(key, { source, message: text, count: 1, first: now, last: now });
      this.logger?.warn(`${source} failed: ${text} (counted; tracing goes on)`);
    } catch {
      this.overflow++;
    }
  }

  /** Distinct errors, oldest first; a last entry counts errors past the bound. */
  report(): ErrorReport[] {
    const list: ErrorReport[] = [...this.entries.values()].map((e) => ({ ...e }));
    if (this.overflow > 0) {
      const now = new Date().toISOString();
      list.push({ source: 'optrail', message: 'more distinct errors than kept', count: this.overflow, first: now, last: now });
    }
    return list;
  }

  get size(): number {
    return this.entries.size + (this.overflow > 0 ? 1 : 0);
  }
}
