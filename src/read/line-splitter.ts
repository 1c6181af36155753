import { isUtf8 } from 'node:buffer';

/** Where `LineSplitter` hands its lines. Each returns false to stop the read. */
export interface LineSink {
  /** A complete line's text, without its `\n`; `last` for a final line with no `\n` after it. */
  line(text: string, line: number, last: boolean): boolean;
  /** A line that is not read: longer than the limit, or not UTF-8. */
  bad(line: number, message: string): boolean;
}

/** The message of a line (or array element) over `maxBytes`. */
export function tooLongMessage(bytes: number, maxBytes: number, what = 'line'): string {
  return `${what} of ${bytes} bytes is longer than the ${maxBytes}-byte limit: skipped`;
}

/** The message of a line that is not UTF-8. */
export const INVALID_UTF8_MESSAGE = 'invalid UTF-8: line skipped';

/**
 * Splits bytes into lines (UTF-8 text, `\n`-terminated) in time linear in the input. Lines are
 * found in the bytes (a `\n` byte is never part of a multi-byte character), so a line spanning
 * chunks is joined once, when it ends, and a line over `maxLineBytes` is only counted, never
 * held. The common case, a chunk of whole valid lines, is checked and decoded in one call each.
 */
export class LineSplitter {
  /** Lines seen so far. */
  lineNumber: number;
  private carry: Buffer[] = [];
  private carryBytes = 0;
  /** The current line is past the limit: its bytes are counted, not kept. */
  private skipping = false;

  constructor(
    private readonly maxLineBytes: number,
    private readonly sink: LineSink,
    /** Lines before the first byte fed (blank lines skipped while the format was sniffed). */
    linesBefore = 0,
  ) {
    this.lineNumber = linesBefore;
  }

  feed(chunk: Buffer): boolean {
    let from = 0;
    if (this.carryBytes > 0 || this.skipping) {
      const newline = chunk.indexOf(10);
      if (newline === -1) {
        this.hold(chunk);
        return true;
      }
      if (!this.endCarried(chunk.subarray(0, newline), false)) return false;
      from = newline + 1;
    }
    const lastNewline = chunk.lastIndexOf(10);
    if (lastNewline >= from) {
      if (!this.wholeLines(chunk, from, lastNewline)) return false;
      from = lastNewline + 1;
    }
    if (from < chunk.length) this.hold(chunk.subarray(from));
    return true;
  }

  /** The end of the input: a last line without `\n` goes to the sink with `last`. */
  end(): boolean {
    if (this.carryBytes === 0 && !this.skipping) return true;
    return this.endCarried(Buffer.alloc(0), true);
  }

  /** The lines of `chunk[from, end)`, `end` being a `\n`. */
  private wholeLines(chunk: Buffer, from: number, end: number): boolean {
    const region = chunk.subarray(from, end);
    if (region.length <= this.maxLineBytes && isUtf8(region)) {
      const text = region.toString('utf8');
      let start = 0;
      let newline = text.indexOf('\n');
      while (newline !== -1) {
        if (!this.sink.line(text.slice(start, newline), ++this.lineNumber, false)) return false;
        start = newline + 1;
        newline = text.indexOf('\n', start);
      }
      return this.sink.line(text.slice(start), ++this.lineNumber, false);
    }
    // Some line here is too long or not UTF-8: take them one at a time.
    let start = from;
    while (start <= end) {
      let newline = chunk.indexOf(10, start);
      if (newline === -1 || newline > end) newline = end;
      if (!this.oneLine(chunk.subarray(start, newline), ++this.lineNumber, false)) return false;
      start = newline + 1;
    }
    return true;
  }

  private oneLine(bytes: Buffer, line: number, last: boolean): boolean {
    if (bytes.length > this.maxLineBytes) return this.sink.bad(line, tooLongMessage(bytes.length, this.maxLineBytes));
    if (!isUtf8(bytes)) return this.sink.bad(line, INVALID_UTF8_MESSAGE);
    return this.sink.line(bytes.toString('utf8'), line, last);
  }

  private hold(bytes: Buffer): void {
    this.carryBytes += bytes.length;
    if (this.skipping) return;
    if (this.carryBytes > this.maxLineBytes) {
      this.skipping = true;
      this.carry = [];
      return;
    }
    // A copy: the source may reuse its buffer, and a small piece must not pin a big chunk.
    this.carry.push(Buffer.from(bytes));
  }

  private endCarried(tail: Buffer, last: boolean): boolean {
    const line = ++this.lineNumber;
    const size = this.carryBytes + tail.length;
    const skipped = this.skipping || size > this.maxLineBytes;
    const parts = this.carry;
    this.carry = [];
    this.carryBytes = 0;
    this.skipping = false;
    if (skipped) return this.sink.bad(line, tooLongMessage(size, this.maxLineBytes));
    parts.push(tail);
    return this.oneLine(Buffer.concat(parts, size), line, last);
  }
}
