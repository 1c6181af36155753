import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { jsonlExporter } from '../../../exporters/jsonl.js';
import { otlpExporter, toOtlpJson } from '../../../exporters/otlp.js';
import { toChromeTrace } from '../../../views/chrome-trace.js';
import { renderHtml } from '../../../views/html.js';
import { safeUrl } from '../../delivery/http-post.js';
import { createPipeline } from '../../pipeline/pipeline.js';
import type { ReadProblem } from '../../read/read-events.js';
import { collect, forCommand, replayInputs } from '../collect.js';
import { EXIT_INVALID_INPUT, EXIT_NOT_DELIVERED, EXIT_USAGE, exitCodeFor } from '../exit-codes.js';

const TARGETS = ['jsonl', 'jsonl.gz', 'chrome', 'html', 'otlp-json', 'otlp'] as const;



/** `optrail convert <inputs...> --to jsonl|jsonl.gz|chrome|html -o OUT`. */
export function registerConvert(program: Command): void {
  program
    .command('convert')
    .description('convert recordings to JSON Lines (plain or gzip), Chrome Trace JSON, the HTML viewer, OTLP/JSON, or send them to an OTLP endpoint')
    .argument('<inputs...>', 'files, directories, or - for stdin')
    .requiredOption('--to <target>', `one of ${TARGETS.join(', ')}`)
    .option('-o, --output <file>', 'where to write (every target but otlp)')
    .option('--endpoint <url>', 'with --to otlp: the OTLP/HTTP traces endpoint', 'http://localhost:4318/v1/traces')
    .option('--encoding <encoding>', 'with --to otlp: json or protobuf', 'json')
    .option('--service-name <name>', 'with --to otlp / otlp-json: service.name', 'optrail')
    .action(async (inputs: string[], options: { to: string; output?: string; endpoint: string; encoding: string; serviceName: string }) => {
      if (!(TARGETS as readonly string[]).includes(options.to)) {
        process.stderr.write(`optrail convert: --to must be one of ${TARGETS.join(', ')}, got ${options.to}\n`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      if (options.to !== 'otlp' && !options.output) {
        process.stderr.write(`optrail convert: --to ${options.to} needs -o <file>\n`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      const output = options.output ?? '';
      if (options.to === 'otlp' && options.encoding !== 'json' && options.encoding !== 'protobuf') {
        process.stderr.write(`optrail convert: --encoding must be json or protobuf\n`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      if (options.to === 'otlp') {
        // Streamed: events go to the endpoint as they are read, none kept.
        const exporter = otlpExporter({ url: options.endpoint, encoding: options.encoding as 'json' | 'protobuf', serviceName: options.serviceName, maxRetries: 3 });
        const pipeline = createPipeline({ exporters: [exporter], exitSafety: false, logger: false });
        const replayed = await forCommand('convert', () => replayInputs(inputs, pipeline));
        const report = await pipeline.shutdown();
        if (!replayed) return;
        const details = report.metrics.exporters[exporter.name]!.details!;
        const spooled = details.spoolEvents ?? 0;
        const refused = details.rejectedEvents ?? 0;
        const lost = Object.values(report.metrics.dropped).reduce((a, b) => a + b, 0);
        const undelivered = [
          spooled > 0 ? `${spooled} waiting in the spool (sent again by the next upload to this endpoint)` : '',
          refused > 0 ? `${refused} refused by the endpoint` : '',
          lost > 0 ? `${lost} event(s) lost (${Object.entries(report.metrics.dropped).map(([why, n]) => `${n} ${why}`).join(', ')})` : '',
        ].filter(Boolean);
        process.stderr.write(`sent ${details.sentEvents} span(s) to ${safeUrl(options.endpoint)}; ${undelivered.length > 0 ? undelivered.join('; ') : 'nothing waiting'}\n`);
        // The logger is off (the report is the output): say why, once per distinct failure.
        if (undelivered.length > 0) for (const error of report.errors) process.stderr.write(`  reason: ${error.message}${error.count > 1 ? ` (${error.count}×)` : ''}\n`);
        process.exitCode = undelivered.length > 0 ? EXIT_NOT_DELIVERED : exitCodeFor(replayed.problems);
        return;
      }
      let written: number;
      let problems: ReadProblem[];
      if (options.to === 'jsonl' || options.to === 'jsonl.gz') {
        // Streamed: lines are written as they are read, none kept, so any size converts.
        const pipeline = createPipeline({ exporters: [jsonlExporter({ path: output }, { gzip: options.to === 'jsonl.gz' })], exitSafety: false });
        const replayed = await forCommand('convert', () => replayInputs(inputs, pipeline));
        await pipeline.shutdown();
        if (!replayed) return;
        ({ events: written, problems } = replayed);
      } else {
        // Chrome trace, HTML and OTLP/JSON documents are built from every event at once.
        const collected = await forCommand('convert', () => collect(inputs));
        if (!collected) return;
        const { events } = collected;
        if (options.to === 'chrome') writeFileSync(output, JSON.stringify(toChromeTrace(events)));
        else if (options.to === 'html') writeFileSync(output, renderHtml(events, { title: `optrail · ${inputs.join(' ')}` }));
        else writeFileSync(output, JSON.stringify(toOtlpJson(events, options.serviceName)));
        written = events.length;
        problems = collected.problems;
      }
      process.stderr.write(`wrote ${written} event(s) to ${output}\n`);
      process.exitCode = exitCodeFor(problems);
    });
}
