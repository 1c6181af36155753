import { createReadStream, readdirSync, realpathSync, statSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { concatMap, defer, from, type Observable } from 'rxjs';
import type { TraceEvent } from '../../schemas/trace-event.js';
import { openEvents, type ReadProblem } from '../read/read-events.js';

const TRACE_FILE = /\.(jsonl|ndjson|json)(\.gz)?$/;

/** `cannot read: <why>` for a path, as readEvents words it. */
function unreadable(path: string, error: unknown): ReadProblem {
  return { source: path, line: 0, message: `cannot read: ${(error as Error).message}` };
}

/**
 * The trace files under `dir`, relative to it: regular files (or links to them) whose names look
 * like traces, at any depth. Directories are entered once each by their real path, so a symlink
 * loop ends and a linked directory is not read twice; a directory named `x.jsonl` is entered, not
 * read. Entries that cannot be read go to `onProblem`.
 */
function traceFilesUnder(dir: string, onProblem: (problem: ReadProblem) => void): string[] {
  const found: string[] = [];
  const entered = new Set<string>();
  const walk = (relative: string) => {
    const path = relative === '' ? dir : join(dir, relative);
    let names: string[];
    try {
      const real = realpathSync(path);
      if (entered.has(real)) return;
      entered.add(real);
      names = readdirSync(path);
    } catch (error) {
      onProblem(unreadable(path, error));
      return;
    }
    for (const name of names) {
      const child = relative === '' ? name : join(relative, name);
      let stats;
      try {
        stats = statSync(join(dir, child));
      } catch (error) {
        if (TRACE_FILE.test(name)) onProblem(unreadable(join(dir, child), error)); // a broken link, a file gone meanwhile
        continue;
      }
      if (stats.isDirectory()) walk(child);
      else if (stats.isFile() && TRACE_FILE.test(name)) found.push(child);
    }
  };
  walk('');
  return found.sort().map((name) => join(dir, name));
}

/**
 * Expands the command line's inputs: `-` is stdin, a directory is every trace file in it (sorted,
 * see `traceFilesUnder`). A file reached twice (named twice, or through a link) is read once: the
 * first time. Entries of a directory that cannot be read go to `onProblem` (default: ignored).
 */
export function expandInputs(inputs: string[], onProblem: (problem: ReadProblem) => void = () => {}): string[] {
  const out: string[] = [];
  const files = new Set<string>();
  const add = (path: string) => {
    let real = path;
    try {
      real = realpathSync(path);
    } catch {
      // readEvents reports a missing file with its name
    }
    if (files.has(real)) return;
    files.add(real);
    out.push(path);
  };
  for (const input of inputs.length > 0 ? inputs : ['-']) {
    if (input === '-') {
      out.push(input);
      continue;
    }
    let isDir = false;
    try {
      isDir = statSync(input).isDirectory();
    } catch {
      isDir = false; // readEvents reports a missing file with its name
    }
    if (isDir) traceFilesUnder(input, onProblem).forEach(add);
    else add(input);
  }
  return out;
}

/**
 * Every event of every input, in input order; problems go to `onProblem`. `progress: false`
 * draws no progress bar (a second read of the same files). `onEventAt` is told the file and line
 * of each event just before it is emitted.
 */
export function readInputs(
  inputs: string[],
  onProblem: (problem: ReadProblem) => void,
  strict = false,
  progress = true,
  onEventAt?: (source: string, line: number) => void,
): Observable<TraceEvent> {
  // concatMap over the list, not concat(...list): a spread of 120,000+ inputs overflows the stack.
  return from(expandInputs(inputs, onProblem)).pipe(
    concatMap((input) =>
      defer(() => {
        const onEventLine = onEventAt && ((line: number) => onEventAt(input === '-' ? '<stdin>' : input, line));
        return input === '-'
          ? openEvents(process.stdin, { sourceName: '<stdin>', onError: onProblem, strict }, { onEventLine })
          : openEvents(progress ? withProgress(input) : input, { onError: onProblem, strict, sourceName: input }, { onEventLine, reopen: () => createReadStream(input) });
      }),
    ),
  );
}

/** `file:line: message` as the CLI prints problems. */
export function formatProblem(problem: ReadProblem): string {
  return `${problem.source}:${problem.line}: ${problem.torn ? 'warning' : 'error'}: ${problem.message}`;
}

/** Inputs above this size get a progress bar on stderr when stderr is a terminal. */
const PROGRESS_MIN_BYTES = 4 * 1024 * 1024;

/** The file itself, or (big file, stderr a TTY) a stream of it that draws a progress bar on stderr. */
function withProgress(path: string): string | PassThrough {
  let size = 0;
  try {
    size = statSync(path).size;
  } catch {
    return path; // readEvents reports it
  }
  if (size < PROGRESS_MIN_BYTES || !process.stderr.isTTY) return path;
  let read = 0;
  let drawn = -1;
  const meter = new PassThrough();
  meter.on('data', (chunk: Buffer) => {
    read += chunk.length;
    const percent = Math.floor((read / size) * 100);
    if (percent === drawn) return;
    drawn = percent;
    const width = 30;
    const filled = Math.round((percent / 100) * width);
    process.stderr.write(`\r${path} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent}%${percent === 100 ? '\n' : ''}`);
  });
  createReadStream(path).on('error', (error) => meter.destroy(error)).pipe(meter);
  return meter;
}
