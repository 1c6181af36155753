import type { Command } from 'commander';
import type { ReadProblem } from '../../read-events.js';
import { EXIT_INVALID_INPUT, EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import { formatProblem, readInputs } from '../inputs.js';

/** `optrail validate [inputs...]`: every problem as file:line; exit 1 when there is any. */
export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check trace files against the wire format; print each problem as file:line: message')
    .argument('[inputs...]', 'files, directories, or - for stdin (default: stdin)')
    .option('--quiet', 'print only the summary line')
    .action(async (inputs: string[], options: { quiet?: boolean }) => {
      const problems: ReadProblem[] = [];
      let events = 0;
      const onProblem = (problem: ReadProblem) => {
        problems.push(problem);
        if (!options.quiet) process.stderr.write(formatProblem(problem) + '\n');
      };
      try {
        await new Promise<void>((resolve, reject) =>
          readInputs(inputs, onProblem).subscribe({ next: () => void events++, complete: resolve, error: reject }),
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
