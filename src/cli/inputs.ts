import { createReadStream, readdirSync, statSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { concat, defer, type Observable } from 'rxjs';
import type { TraceEvent } from '../../schemas/trace-event.js';
import { readEvents, type ReadProblem } from '../read-events.js';

const TRACE_FILE = /\.(jsonl|ndjson|json)(\.gz)?$/;

/** Expands the command line's inputs: `-` is stdin, a directory is every trace file in it (sorted). */
export function expandInputs(inputs: string[]): string[] {
  const out: string[] = [];
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
    if (!isDir) {
      out.push(input);
      continue;
    }
    const files = readdirSync(input, { recursive: true, encoding: 'utf8' })
      .filter((name) => TRACE_FILE.test(name))
      .sort()
      .map((name) => join(input, name));
    out.push(...files);
  }
  return out;
}

/**
 * Every event of every input, in input order; problems go to `onProblem`. `progress: false`
 * draws no progress bar (a second read of the same files).
 */
export function readInputs(inputs: string[], onProblem: (problem: ReadProblem) => void, strict = false, progress = true): Observable<TraceEvent> {
  return concat(
    ...expandInputs(inputs).map((input) =>
      defer(() =>
        input === '-'
          ? readEvents(process.stdin, { sourceName: '<stdin>', onError: onProblem, strict })
          : readEvents(progress ? withProgress(input) : input, { onError: onProblem, strict, sourceName: input }),
      ),
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
