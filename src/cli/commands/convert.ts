import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { jsonlExporter } from '../../../exporters/jsonl.js';
import { toChromeTrace } from '../../../exporters/views/chrome-trace.js';
import { renderHtml } from '../../../exporters/views/html.js';
import { createPipeline } from '../../pipeline.js';
import { collectForCommand } from '../collect.js';
import { EXIT_INVALID_INPUT, EXIT_OK, EXIT_USAGE } from '../exit-codes.js';

const TARGETS = ['jsonl', 'jsonl.gz', 'chrome', 'html'] as const;

/** `optrail convert <inputs...> --to jsonl|jsonl.gz|chrome|html -o OUT`. */
export function registerConvert(program: Command): void {
  program
    .command('convert')
    .description('convert recordings to JSON Lines (plain or gzip), Chrome Trace JSON or a self-contained HTML viewer')
    .argument('<inputs...>', 'files, directories, or - for stdin')
    .requiredOption('--to <target>', `one of ${TARGETS.join(', ')}`)
    .requiredOption('-o, --output <file>', 'where to write')
    .action(async (inputs: string[], options: { to: string; output: string }) => {
      if (!(TARGETS as readonly string[]).includes(options.to)) {
        process.stderr.write(`optrail convert: --to must be one of ${TARGETS.join(', ')}, got ${options.to}\n`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      const collected = await collectForCommand('convert', inputs);
      if (!collected) return;
      const { events, problems } = collected;
      if (options.to === 'chrome') writeFileSync(options.output, JSON.stringify(toChromeTrace(events)));
      else if (options.to === 'html') writeFileSync(options.output, renderHtml(events, { title: `optrail · ${inputs.join(' ')}` }));
      else {
        const pipeline = createPipeline({ exporters: [jsonlExporter({ path: options.output }, { gzip: options.to === 'jsonl.gz' })], exitSafety: false });
        await pipeline.replay(events);
        await pipeline.shutdown();
      }
      process.stderr.write(`wrote ${events.length} event(s) to ${options.output}\n`);
      process.exitCode = problems.some((p) => !p.torn) ? EXIT_INVALID_INPUT : EXIT_OK;
    });
}
