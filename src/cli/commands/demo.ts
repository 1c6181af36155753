import type { Command } from 'commander';
import { runDemo } from '../demo/run-demo.js';

/** `optrail demo`: trace a sample agent run and show its views. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('trace a sample agent run (no network), print its views, write JSONL and HTML')
    .option('--dir <dir>', 'where to write', 'traces')
    .action(async (options: { dir: string }) => {
      await runDemo(options.dir);
    });
}
