import { Command, CommanderError } from 'commander';
import { registerConvert } from './commands/convert.js';
import { registerDemo } from './commands/demo.js';
import { registerReceive } from './commands/receive.js';
import { registerReplay } from './commands/replay.js';
import { registerStats } from './commands/stats.js';
import { registerValidate } from './commands/validate.js';
import { registerView } from './commands/view.js';
import { EXIT_USAGE } from './exit-codes.js';
import { VERSION } from '../base/version.js';

/** The `optrail` command line (docs/cli.md). */
export function buildProgram(): Command {
  const program = new Command('optrail')
    .description('view, convert, validate and replay optrail trace streams')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerView(program);
  registerStats(program);
  registerConvert(program);
  registerReplay(program);
  registerValidate(program);
  registerReceive(program);
  registerDemo(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    process.stderr.write(`optrail: ${(error as Error).message}\n`);
    process.exitCode = EXIT_USAGE;
  }
}

await main(process.argv);
