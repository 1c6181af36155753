import { readdirSync, statSync } from 'node:fs';
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

/** Every event of every input, in input order; problems go to `onProblem`. */
export function readInputs(inputs: string[], onProblem: (problem: ReadProblem) => void, strict = false): Observable<TraceEvent> {
  return concat(
    ...expandInputs(inputs).map((input) =>
      defer(() =>
        input === '-'
          ? readEvents(process.stdin, { sourceName: '<stdin>', onError: onProblem, strict })
          : readEvents(input, { onError: onProblem, strict }),
      ),
    ),
  );
}

/** `file:line: message` as the CLI prints problems. */
export function formatProblem(problem: ReadProblem): string {
  return `${problem.source}:${problem.line}: ${problem.torn ? 'warning' : 'error'}: ${problem.message}`;
}
