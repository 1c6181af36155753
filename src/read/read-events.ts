import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { Observable } from 'rxjs';
import { parseOptions, ReadOptionsSchema } from '../../schemas/options.js';
import type { TraceEvent } from '../../schemas/trace-event.js';
import { validateEvent } from '../wire/validation.js';
import { ArrayElementScanner, type ElementSink } from './array-scanner.js';
import { asBytes, decodedChunks, type GzipDamage } from './gzip-chunks.js';
import { READ_CHUNK_BYTES, READ_MAX_LINE_BYTES } from '../base/defaults.js';
import { LineSplitter, type LineSink } from './line-splitter.js';

/** A problem found while reading a stream: where, and what is wrong. */
export interface ReadProblem {
  /** The file name, or `sourceName`, or `<stream>`. */
  source: string;
  /** 1-based line (for JSON arrays: the line the element starts on). */
  line: number;
  message: string;
  /** True for a torn last line or a truncated gzip stream (a writer killed mid-write). */
  torn?: boolean;
  /** For a damaged or truncated gzip stream: the byte offset in the compressed file where it stops. */
  offset?: number;
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

/** What optrail's own readers (the CLI) add to `ReadOptions`; not public options. */
export interface ReadInternals {
  /** The longest line parsed, in bytes (default `READ_MAX_LINE_BYTES`, 64 MiB). */
  maxLineBytes?: number;
  /** Opens the source again from its start, to locate gzip damage exactly. Default: a path is reopened, a stream is not. */
  reopen?: () => AsyncIterable<string | Uint8Array>;
  /** Called with each event's line just before the event is emitted. */
  onEventLine?: (line: number) => void;
}

const isBlankByte = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

/** The message of a value nested deeper than the stack can walk (about 10,000 levels). */
const TOO_DEEP_MESSAGE = 'invalid event: nested too deeply to read (the call stack ran out)';

/**
 * Reads a recorded stream as an Observable of validated, frozen events.
 *
 * Accepts JSON Lines and single JSON arrays (operonx's final flush, pretty-printed or not),
 * plain or gzip (detected by magic bytes, concatenated members included). A bad line is
 * reported as `{ source, line, message }` to `onError` and skipped, and every valid event
 * around it is kept; `strict: true` stops at the first. Bad lines are: invalid JSON, an invalid
 * event, a value nested too deeply to walk, invalid UTF-8 (skipped, not repaired), and a line
 * over 64 MiB (skipped without being held). Content after a JSON array's `]` is reported. A torn
 * last line or a truncated gzip stream (a writer killed mid-write) is reported with `torn: true`
 * and never stops the read; a gzip stream damaged in the middle keeps every event before the
 * damage and is reported with its compressed `offset`. Time is linear in the input's size.
 *
 * @example
 * readEvents('traces/run.jsonl.gz', { onError: (p) => console.error(`${p.source}:${p.line}: ${p.message}`) })
 */
export function readEvents(source: ReadSource, options: ReadOptions = {}): Observable<TraceEvent> {
  parseOptions(ReadOptionsSchema, options, 'readEvents');
  return openEvents(source, options, {});
}

/** `readEvents` with the readers' own settings (`ReadInternals`); options are not checked. */
export function openEvents(source: ReadSource, options: ReadOptions, internals: ReadInternals): Observable<TraceEvent> {
  const name = typeof source === 'string' ? source : (options.sourceName ?? '<stream>');
  const maxLineBytes = internals.maxLineBytes ?? READ_MAX_LINE_BYTES;
  const onEventLine = internals.onEventLine;
  return new Observable<TraceEvent>((subscriber) => {
    let stopped = false;
    let stream: Readable | undefined;

    const problem = (line: number, message: string, torn = false, offset?: number): boolean => {
      const found: ReadProblem = { source: name, line, message };
      if (torn) found.torn = true;
      if (offset !== undefined) found.offset = offset;
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
        if (text.trim() === '') return true;
        if (last) return problem(line, `torn last line (${text.length} characters): the writer probably stopped mid-write`, true);
        return problem(line, `invalid JSON: ${(error as Error).message}`);
      }
      let checked: ReturnType<typeof validateEvent>;
      try {
        checked = validateEvent(value, options.allowUnknownKinds);
      } catch (error) {
        // JSON.parse takes any depth; walking it (freeze, schema) does not.
        return problem(line, error instanceof RangeError ? TOO_DEEP_MESSAGE : `invalid event: ${(error as Error).message}`);
      }
      if (!checked.ok) return problem(line, `invalid event: ${checked.message}`);
      onEventLine?.(line);
      subscriber.next(checked.event);
      return !stopped;
    };

    const lineSink: LineSink = { line: handleText, bad: (line, message) => problem(line, message) };
    const elementSink: ElementSink = {
      element: (bytes, line) => (isUtf8(bytes) ? handleText(bytes.toString('utf8'), line, false) : problem(line, 'invalid UTF-8: array element skipped')),
      problem: (line, message) => problem(line, message),
    };

    const run = async () => {
      const raw: AsyncIterable<string | Uint8Array> =
        typeof source === 'string' ? (stream = createReadStream(source, { highWaterMark: READ_CHUNK_BYTES })) : source instanceof Readable ? (stream = source) : source;
      const reopenRaw = internals.reopen ?? (typeof source === 'string' ? () => createReadStream(source, { highWaterMark: READ_CHUNK_BYTES }) : undefined);
      let damage: GzipDamage | undefined;
      let parser: LineSplitter | ArrayElementScanner | undefined;
      let blankLines = 0;
      let atStart = true;

      /** Picks the format at the first byte that is not blank; returns the bytes from there, or undefined while all is blank. */
      const sniff = (chunk: Buffer): Buffer | undefined => {
        let i = 0;
        if (atStart && chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3; // a UTF-8 byte order mark
        atStart = false;
        for (; i < chunk.length && isBlankByte(chunk[i]!); i++) if (chunk[i] === 10) blankLines++;
        if (i === chunk.length) return undefined;
        parser = chunk[i] === 0x5b ? new ArrayElementScanner(maxLineBytes, elementSink, blankLines) : new LineSplitter(maxLineBytes, lineSink, blankLines);
        return i === 0 ? chunk : chunk.subarray(i);
      };

      const reopen = reopenRaw && (() => asBytes(reopenRaw()));
      for await (const chunk of decodedChunks(asBytes(raw), reopen, (found) => (damage = found))) {
        if (stopped) return;
        const bytes = parser === undefined ? sniff(chunk) : chunk;
        if (bytes !== undefined && !parser!.feed(bytes)) return;
        if (stopped) return;
      }
      const cutShort = damage !== undefined && !damage.truncated;
      let lines = blankLines;
      if (parser instanceof LineSplitter) {
        if (!cutShort && !parser.end()) return;
        lines = parser.lineNumber;
      } else if (parser instanceof ArrayElementScanner) {
        lines = parser.currentLine;
        const open = parser.unfinishedLine();
        if (cutShort) {
          // the damage report below says where the read stopped
        } else if (open !== undefined) problem(open, 'torn JSON array: the last element never ended', true);
        else if (!parser.closed) problem(lines, 'torn JSON array: no closing "]"', true);
      }
      if (damage?.truncated) {
        problem(Math.max(lines, 1), `truncated gzip stream at compressed byte ${damage.offset}: the writer probably stopped mid-write`, true, damage.offset);
      } else if (damage !== undefined) {
        const line = parser instanceof LineSplitter ? lines + 1 : Math.max(lines, 1);
        if (!problem(line, `damaged gzip stream at compressed byte ${damage.offset} (${damage.reason}): every event before it is kept, nothing after it can be read`, false, damage.offset)) return;
      }
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
