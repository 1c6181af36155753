import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { pipelineFromEnvironment } from '../../../exporters/environment.js';
import type { Pipeline, ShutdownReport } from '../../pipeline/pipeline-types.js';
import { forCommand, replayInputs } from '../collect.js';
import { EXIT_INVALID_INPUT, EXIT_USAGE, exitCodeFor } from '../exit-codes.js';
import { lossOf, purposefulDrops } from '../../pipeline/loss.js';

/** What a `--pipeline` module may export, as default or as `pipeline`. */
type PipelineExport = Pipeline | (() => Pipeline | Promise<Pipeline>);

function isPipeline(value: unknown): value is Pipeline {
  return typeof value === 'object' && value !== null && typeof (value as Pipeline).replay === 'function' && typeof (value as Pipeline).shutdown === 'function';
}

/**
 * The pipeline a `--pipeline` module exports: its default export or its `pipeline` export, a
 * pipeline or a function (sync or async) making one. Throws a message naming the module.
 */
async function pipelineFromModule(path: string): Promise<Pipeline> {
  let module: { default?: unknown; pipeline?: unknown };
  try {
    module = await import(pathToFileURL(resolve(path)).href);
  } catch (error) {
    throw new Error(`cannot load ${path}: ${(error as Error).message}`);
  }
  // A CommonJS module's `module.exports` arrives as `default`; `exports.pipeline` as either.
  const candidates = [module.default, module.pipeline, (module.default as { pipeline?: unknown } | undefined)?.pipeline];
  for (const candidate of candidates) {
    const made = typeof candidate === 'function' ? await (candidate as Exclude<PipelineExport, Pipeline>)() : candidate;
    if (isPipeline(made)) return made;
  }
  throw new Error(`${path} exports no pipeline: export one made by createPipeline (or a function returning one) as default or as \`pipeline\``);
}

/**
 * `optrail replay <inputs...> [--pipeline <module>]`: pushes recordings through a pipeline's
 * processors into its exporters (`pipeline.replay`), as a program would, then shuts it down.
 * Without `--pipeline`, the pipeline `OPTRAIL_OUTPUT` / `OPTRAIL_ENDPOINT` configure.
 */
export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description("push recordings through a pipeline's processors and exporters (a module exporting createPipeline(...), or OPTRAIL_OUTPUT / OPTRAIL_ENDPOINT)")
    .argument('<inputs...>', 'files, directories, or - for stdin')
    .option('--pipeline <module>', 'an ES or CommonJS module whose default (or `pipeline`) export is a pipeline, or a function returning one')
    .action(async (inputs: string[], options: { pipeline?: string }) => {
      let pipeline: Pipeline | undefined;
      try {
        pipeline = options.pipeline === undefined ? pipelineFromEnvironment() : await pipelineFromModule(options.pipeline);
      } catch (error) {
        process.stderr.write(`optrail replay: ${(error as Error).message}\n`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      if (pipeline === undefined) {
        process.stderr.write('optrail replay: no pipeline: pass --pipeline <module>, or set OPTRAIL_OUTPUT or OPTRAIL_ENDPOINT\n');
        process.exitCode = EXIT_USAGE;
        return;
      }
      const replayed = await forCommand('replay', () => replayInputs(inputs, pipeline));
      const report = await pipeline.shutdown();
      if (!replayed) return;
      const lost = lossOf(report.metrics);
      const filtered = purposefulDrops(report.metrics);
      const through = options.pipeline ?? 'the environment pipeline';
      process.stderr.write(
        `replayed ${replayed.events} event(s) through ${through}` +
          (filtered > 0 ? `; ${filtered} dropped by its processors` : '') +
          (lost.total > 0 ? `; ${lost.text}` : '') +
          (report.timedOut ? '; its exporters did not finish in time' : '') +
          '\n',
      );
      process.exitCode = lost.total > 0 || report.timedOut ? EXIT_INVALID_INPUT : exitCodeFor(replayed.problems);
    });
}
