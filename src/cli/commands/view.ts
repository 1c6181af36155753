import { DEFAULT_TEXT_WIDTH } from '../../base/defaults.js';
import type { Command } from 'commander';
import { ansi, plain, useColor } from '../../../views/colors.js';
import { renderGroupedText } from '../../../views/render-grouped.js';
import { renderTimelineText } from '../../../views/render-timeline.js';
import { renderTreeText } from '../../../views/render-tree.js';
import { timelineOf } from '../../../views/timeline.js';
import type { ReadProblem } from '../../read/read-events.js';
import { collectGroups, collectTrees, forCommand } from '../collect.js';
import { EXIT_USAGE, exitCodeFor } from '../exit-codes.js';

/** `optrail view`: the tree (default), timeline or grouped view of a recording. */
export function registerView(program: Command): void {
  program
    .command('view')
    .description('show a recording as a tree (default), a timeline or grouped turns')
    .argument('[inputs...]', 'files, directories, or - for stdin (default: stdin)')
    .option('--tree', 'the op tree (default)')
    .option('--timeline', 'a Gantt-style timeline')
    .option('--grouped', 'groups (turns, batches) with their totals')
    .option('--request <id>', 'only this request')
    .option('--format <format>', 'text or json', 'text')
    .action(async (inputs: string[], options: { timeline?: boolean; grouped?: boolean; request?: string; format: string }) => {
      if (options.format !== 'text' && options.format !== 'json') {
        process.stderr.write(`optrail view: --format must be text or json, got ${options.format}\n`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      const palette = useColor(process.stdout) ? ansi : plain;
      const width = process.stdout.columns ?? DEFAULT_TEXT_WIDTH;
      const asJson = (views: unknown) => JSON.stringify(views, null, 2) + '\n';
      let output: string;
      let problems: ReadProblem[];
      // No event is kept: big files are viewed without holding them in memory.
      if (options.grouped) {
        const collected = await forCommand('view', () => collectGroups(inputs, options.request));
        if (!collected) return;
        problems = collected.problems;
        const views = collected.views;
        output = options.format === 'json' ? asJson(views) : renderGroupedText(views, { palette });
      } else {
        const collected = await forCommand('view', () => collectTrees(inputs, options.request));
        if (!collected) return;
        problems = collected.problems;
        if (options.timeline) {
          const views = collected.views.map(timelineOf);
          output = options.format === 'json' ? asJson(views) : renderTimelineText(views, { palette, width });
        } else {
          output = options.format === 'json' ? asJson(collected.views) : renderTreeText(collected.views, { palette });
        }
      }
      process.stdout.write(output);
      process.exitCode = exitCodeFor(problems);
    });
}
