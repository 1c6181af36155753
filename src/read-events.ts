import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Observable } from 'rxjs';
import { parseOptions, ReadOptionsSchema } from '../schemas/options.js';
import type { TraceEvent } from '../schemas/trace-event.js';
import { validateEvent } from './event-validation.js';

/** A problem found while reading a stream: where, and what is wrong. */
export interface ReadProblem {
  /** The file name, or `sourceName`, or `<stream>`. */
  source: string;
  /** 1-based line (for JSON arrays: the line the element starts on). */
  line: number;
  message: string;
  /** True for a torn last line or a truncated gzip stream (a writer killed mid-write). */
  torn?: boolean;
}

/** The error a strict read fails with. */
export class TraceReadError extends Error {
  override name = 'TraceReadError';
  constructor(readonly problem: ReadProblem) {
    super(`${problem.source}:${problem.line}: ${problem.message}`);
  }
}

/** Options of `readEvents`. */
export interface ReadOptions {
  /** Stop at the first bad line with a `TraceReadError` (default `false`: report and skip it). A torn last line never stops a read. */
  strict?: boolean;
  /** Called for every bad line, torn line and truncated gzip stream. Default: nothing (count them yourself here). */
  onError?: (problem: ReadProblem) => void;
  /** Accept events of kinds this version does not know (default `false`: they are errors). */
  allowUnknownKinds?: boolean;
  /** Name used in problems when the source is not a path (default `<stream>`). */
  sourceName?: string;
}

/** What `readEvents` reads: a path, a Readable, or an async iterable of text or bytes. */
export type ReadSource = string | Readable | AsyncIterable<string | Uint8Array>;

/** Read and gunzip in 64 KiB chunks: fewer trips through the event loop than the 16 KiB default, without the cost of splitting huge strings. */
const READ_CHUNK_BYTES = 64 * 1024;

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

function isTruncatedGzip(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === 'Z_BUF_ERROR' || (error instanceof Error && /unexpected end of file/i.test(error.message));
}

/** Raw chunks of the source, gunzipped when its first bytes are the gzip magic. */
async function* decodedChunks(
  source: AsyncIterable<string | Uint8Array>,
  onTruncated: () => void,
): AsyncGenerator<string | Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  let head = first.value;
  // The magic is two bytes; a source may hand them over one at a time.
  while (typeof head !== 'string' && head.length < 2) {
    const more = await iterator.next();
    if (more.done) break;
    head = typeof more.value === 'string' ? Buffer.concat([head, Buffer.from(more.value)]) : Buffer.concat([head, more.value]);
  }
  const rest: AsyncIterable<string | Uint8Array> = {
    [Symbol.asyncIterator]: () => iterator,
  };
  const isGzip = typeof head !== 'string' && head.length >= 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1;
  if (!isGzip) {
    yield head;
    yield* rest;
    return;
  }
  const headBytes = head;
  async function* all() {
    yield headBytes;
    yield* rest;
  }
  const gunzip = Readable.from(all(), { objectMode: false }).pipe(createGunzip({ chunkSize: READ_CHUNK_BYTES }));
  try {
    for await (const chunk of gunzip) yield chunk as Uint8Array;
  } catch (error) {
    if (!isTruncatedGzip(error)) throw error;
    onTruncated();
  }
}

/** Splits a stream's text into top-level elements of a JSON array, with the line each starts on. */
class ArrayElementScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private line = 1;
  private element = '';
  private elementLine = 0;
  closed = false;

  constructor(private readonly onElement: (text: string, line: number) => void, private readonly onStray: (line: number) => void) {}

  feed(text: string): void {
    let start = this.depth >= 2 ? 0 : -1;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.line++;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92) this.escaped = true;
        else if (c === 34) this.inString = false;
        continue;
      }
      if (c === 34) {
        this.inString = true;
        if (this.depth === 1) this.onStray(this.line);
      } else if (c === 123 || c === 91) {
        this.depth++;
        if (this.depth === 2) {
          start = i;
          this.element = '';
          this.elementLine = this.line;
        }
      } else if (c === 125 || c === 93) {
        this.depth--;
        if (this.depth === 1) {
          this.onElement(this.element + text.slice(start, i + 1), this.elementLine);
          this.element = '';
          start = -1;
        } else if (this.depth === 0) {
          this.closed = true;
        }
      } else if (this.depth === 1 && c !== 44 && c !== 32 && c !== 9 && c !== 13 && c !== 10) {
        this.onStray(this.line);
      }
    }
    if (start >= 0 && this.depth >= 2) this.element += text.slice(start);
  }

  /** The line of an element that never ended, if any. */
  unfinishedLine(): number | undefined {
    return this.depth >= 2 ? this.elementLine : undefined;
  }
}

/**
 * Reads a recorded stream as an Observable of validated, frozen events.
 *
 * Accepts JSON Lines and single JSON arrays (operonx's final flush, pretty-printed or not),
 * plain or gzip (detected by magic bytes, concatenated members included). A bad line is
 * reported as `{ source, line, message }` to `onError` and skipped, and every valid event
 * around it is kept; `strict: true` stops at the first. A torn last line or a truncated gzip
 * stream (a writer killed mid-write) is reported with `torn: true` and never stops the read.
 *
 * @example
 * readEvents('traces/run.jsonl.gz', { onError: (p) => console.error(`${p.source}:${p.line}: ${p.message}`) })
 */
export function readEvents(source: ReadSource, options: ReadOptions = {}): Observable<TraceEvent> {
  parseOptions(ReadOptionsSchema, options, 'readEvents');
  const name = typeof source === 'string' ? source : (options.sourceName ?? '<stream>');
  return new Observable<TraceEvent>((subscriber) => {
    let stopped = false;
    let stream: Readable | undefined;

    const problem = (line: number, message: string, torn = false): boolean => {
      const found: ReadProblem = torn ? { source: name, line, message, torn } : { source: name, line, message };
      try {
        options.onError?.(found);
      } catch {
        // a throwing callback must not end the read
      }
      if (options.strict && !torn) {
        stopped = true;
        subscriber.error(new TraceReadError(found));
        return false;
      }
      return true;
    };

    const handleText = (text: string, line: number, last: boolean): boolean => {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        if (last) return problem(line, `torn last line (${text.length} characters): the writer probably stopped mid-write`, true);
        return problem(line, `invalid JSON: ${(error as Error).message}`);
      }
      const checked = validateEvent(value, options.allowUnknownKinds);
      if (!checked.ok) return problem(line, `invalid event: ${checked.message}`);
      subscriber.next(checked.event);
      return true;
    };

    const run = async () => {
      const raw: AsyncIterable<string | Uint8Array> =
        typeof source === 'string' ? (stream = createReadStream(source, { highWaterMark: READ_CHUNK_BYTES })) : source instanceof Readable ? (stream = source) : source;
      let truncatedGzip = false;
      const decoder = new TextDecoder('utf-8');
      let mode = 'unknown' as 'unknown' | 'lines' | 'array';
      let pending = '';
      let lineNumber = 0;
      let scanner: ArrayElementScanner | undefined;
      let strayReported = false;

      const feedLines = (text: string): boolean => {
        pending += text;
        let newline = pending.indexOf('\n');
        let from = 0;
        while (newline !== -1) {
          lineNumber++;
          let line = pending.slice(from, newline);
          if (line.endsWith('\r')) line = line.slice(0, -1);
          if (line.trim() !== '' && !handleText(line, lineNumber, false)) return false;
          from = newline + 1;
          newline = pending.indexOf('\n', from);
        }
        pending = pending.slice(from);
        return true;
      };

      const feed = (text: string): boolean => {
        if (mode === 'unknown') {
          pending += text;
          const firstChar = pending.trimStart()[0];
          if (firstChar === undefined) return true;
          text = pending;
          pending = '';
          if (firstChar === '[') {
            mode = 'array';
            scanner = new ArrayElementScanner(
              (element, line) => {
                if (!stopped) handleText(element, line, false);
              },
              (line) => {
                if (!strayReported && !stopped) {
                  strayReported = true;
                  problem(line, 'invalid event: array element is not an object');
                }
              },
            );
          } else {
            mode = 'lines';
          }
        }
        if (mode === 'array') {
          scanner!.feed(text);
          return !stopped;
        }
        return feedLines(text);
      };

      for await (const chunk of decodedChunks(raw, () => (truncatedGzip = true))) {
        if (stopped) return;
        const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
        if (!feed(text)) return;
      }
      if (!feed(decoder.decode())) return;
      if (mode === 'lines' && pending.trim() !== '') {
        lineNumber++;
        if (!handleText(pending.replace(/\r$/, ''), lineNumber, true)) return;
      } else if (mode === 'array') {
        const open = scanner!.unfinishedLine();
        if (open !== undefined) problem(open, 'torn JSON array: the last element never ended', true);
        else if (!scanner!.closed) problem(lineNumber || 1, 'torn JSON array: no closing "]"', true);
      }
      if (truncatedGzip) problem(Math.max(lineNumber, 1), 'truncated gzip stream: the writer probably stopped mid-write', true);
      if (!stopped) subscriber.complete();
    };

    run().catch((error: unknown) => {
      if (stopped) return;
      stopped = true;
      const message = error instanceof Error ? error.message : String(error);
      subscriber.error(new TraceReadError({ source: name, line: 0, message: `cannot read: ${message}` }));
    });

    return () => {
      stopped = true;
      stream?.destroy();
    };
  });
}
