import { tooLongMessage } from './line-splitter.js';

/** Where `ArrayElementScanner` hands what it finds. Each returns false to stop the read. */
export interface ElementSink {
  /** The bytes of one top-level element, with the line it starts on. */
  element(bytes: Buffer, line: number): boolean;
  problem(line: number, message: string): boolean;
}

const isBlank = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

/**
 * Splits a JSON array's bytes into its top-level elements, with the line each starts on, in time
 * linear in the input whatever the nesting (depth is a counter). An element over `maxBytes` is
 * reported and skipped without being held; a top-level value that is not an object or array, and
 * content after the array's closing `]`, are reported once each.
 */
export class ArrayElementScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private line: number;
  private parts: Buffer[] = [];
  private heldBytes = 0;
  private skipping = false;
  private elementLine = 0;
  private strayReported = false;
  private afterEndReported = false;
  /** The closing `]` was seen. */
  closed = false;

  constructor(
    private readonly maxBytes: number,
    private readonly sink: ElementSink,
    linesBefore = 0,
  ) {
    this.line = linesBefore + 1;
  }

  /** The line the scan is on. */
  get currentLine(): number {
    return this.line;
  }

  feed(bytes: Buffer): boolean {
    let start = this.depth >= 2 ? 0 : -1;
    for (let i = 0; i < bytes.length; i++) {
      const c = bytes[i]!;
      if (c === 10) this.line++;
      if (this.inString) {
        if (c === 10 && this.depth >= 2) {
          // JSON strings hold no raw line break: the element was torn (a writer died mid-line).
          // Report it and go on with the next element rather than lose the rest of the file.
          if (!this.tornElement()) return false;
          start = -1;
          continue;
        }
        if (this.escaped) this.escaped = false;
        else if (c === 92) this.escaped = true;
        else if (c === 34) this.inString = false;
        continue;
      }
      if (this.closed) {
        if (!isBlank(c) && !this.afterEndReported) {
          this.afterEndReported = true;
          if (!this.sink.problem(this.line, "content after the JSON array's end: ignored")) return false;
        }
        continue;
      }
      if (c === 34) {
        this.inString = true;
        if (this.depth === 1 && !this.stray()) return false;
      } else if (c === 123 || c === 91) {
        this.depth++;
        if (this.depth === 2) {
          start = i;
          this.elementLine = this.line;
          this.resyncing = false;
        }
      } else if (c === 125 || c === 93) {
        if (this.depth === 1) {
          if (this.resyncing) continue; // a bracket of the torn element's rest
          if (c === 93) {
            this.depth = 0;
            this.closed = true;
          } else if (!this.stray()) return false;
          continue;
        }
        this.depth--;
        if (this.depth === 1) {
          if (!this.endElement(bytes.subarray(start, i + 1))) return false;
          start = -1;
        }
      } else if (this.depth === 1 && c !== 44 && !isBlank(c) && !this.stray()) {
        return false;
      }
    }
    if (start >= 0 && this.depth >= 2) this.hold(bytes.subarray(start));
    return true;
  }

  /** The line of an element that never ended, if any. */
  unfinishedLine(): number | undefined {
    return this.depth >= 2 ? this.elementLine : undefined;
  }

  /** After a torn element: what is left of it until the next element starts is skipped quietly. */
  private resyncing = false;

  private tornElement(): boolean {
    const line = this.elementLine;
    this.depth = 1;
    this.inString = false;
    this.escaped = false;
    this.parts = [];
    this.heldBytes = 0;
    this.skipping = false;
    this.resyncing = true;
    return this.sink.problem(line, 'invalid event: torn array element (a line break inside a string): skipped');
  }

  private stray(): boolean {
    if (this.resyncing || this.strayReported) return true;
    this.strayReported = true;
    return this.sink.problem(this.line, 'invalid event: array element is not an object');
  }

  private hold(bytes: Buffer): void {
    this.heldBytes += bytes.length;
    if (this.skipping) return;
    if (this.heldBytes > this.maxBytes) {
      this.skipping = true;
      this.parts = [];
      return;
    }
    this.parts.push(Buffer.from(bytes));
  }

  private endElement(tail: Buffer): boolean {
    const size = this.heldBytes + tail.length;
    const skipped = this.skipping || size > this.maxBytes;
    const parts = this.parts;
    this.parts = [];
    this.heldBytes = 0;
    this.skipping = false;
    if (skipped) return this.sink.problem(this.elementLine, tooLongMessage(size, this.maxBytes, 'array element'));
    parts.push(tail);
    return this.sink.element(parts.length === 1 ? tail : Buffer.concat(parts, size), this.elementLine);
  }
}
