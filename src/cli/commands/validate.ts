import type { Command } from 'commander';
import type { ReadProblem } from '../../read/read-events.js';
import { EXIT_INVALID_INPUT, EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import { formatProblem, readInputs } from '../inputs.js';
import { StreamChecks, type EventPlace } from '../stream-checks.js';

/**
 * `optrail validate [inputs...]`: every problem as file:line (bad lines, duplicate event ids,
 * seq going backwards within a request); exit 1 when there is any.
 */
export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check trace files against the wire format (and for duplicate event ids, seq going backwards); print each problem as file:line: message')
    .argument('[inputs...]', 'files, directories, or - for stdin (default: stdin)')
    .option('--quiet', 'print only the summary line')
    .action(async (inputs: string[], options: { quiet?: boolean }) => {
      const problems: ReadProblem[] = [];
      let events = 0;
      const onProblem = (problem: ReadProblem) => {
        problems.push(problem);
        if (!options.quiet) process.stderr.write(formatProblem(problem) + '\n');
      };
      const checks = new StreamChecks();
      const place: EventPlace = { source: '', line: 0 };
      const at = (source: string, line: number) => {
        place.source = source;
        place.line = line;
      };
      try {
        await new Promise<void>((resolve, reject) =>
          readInputs(inputs, onProblem, false, true, at).subscribe({
            next: (event) => {
              events++;
              for (const message of checks.check(event, place)) onProblem({ source: place.source, line: place.line, message });
            },
            complete: resolve,
            error: reject,
          }),
        );
      } catch (error) {
        process.stderr.write(`optrail validate: ${(error as Error).message}\n`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      const verdict = problems.length === 0 ? 'valid' : 'invalid';
      process.stdout.write(`${verdict}: ${events} event(s), ${problems.length} problem(s)\n`);
      process.exitCode = problems.length === 0 ? EXIT_OK : EXIT_INVALID_INPUT;
    });
}
