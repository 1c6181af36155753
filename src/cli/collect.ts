import { lastValueFrom, toArray } from 'rxjs';
import type { TraceEvent } from '../../schemas/trace-event.js';
import type { ReadProblem } from '../read-events.js';
import { EXIT_USAGE } from './exit-codes.js';
import { formatProblem, readInputs } from './inputs.js';

/** Reads every input into memory, printing problems to stderr; returns the events and the problem count. */
export async function collect(inputs: string[], requestId?: string): Promise<{ events: TraceEvent[]; problems: ReadProblem[] }> {
  const problems: ReadProblem[] = [];
  const events = await lastValueFrom(
    readInputs(inputs, (problem) => {
      problems.push(problem);
      process.stderr.write(formatProblem(problem) + '\n');
    }).pipe(toArray()),
  );
  return { events: requestId === undefined ? events : events.filter((e) => e.request_id === requestId), problems };
}

/**
 * `collect` for a command: on an input that cannot be read at all, prints
 * `optrail <command>: <message>`, sets exit code 2 and returns `undefined`.
 */
export async function collectForCommand(command: string, inputs: string[], requestId?: string) {
  try {
    return await collect(inputs, requestId);
  } catch (error) {
    process.stderr.write(`optrail ${command}: ${(error as Error).message}\n`);
    process.exitCode = EXIT_USAGE;
    return undefined;
  }
}
