import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { groupedExporter } from '../../../exporters/grouped-exporter.js';
import { htmlExporter } from '../../../exporters/html-exporter.js';
import { jsonlExporter } from '../../../exporters/jsonl.js';
import { timelineExporter } from '../../../exporters/timeline-exporter.js';
import { treeExporter } from '../../../exporters/tree-exporter.js';
import { fileMediaStore } from '../../delivery/file-media-store.js';
import { createPipeline } from '../../pipeline/pipeline.js';
import { readEvents } from '../../read/read-events.js';
import { agent } from './agent.js';
import { summarize } from './summary.js';

/**
 * Traces one run of the demo agent into `<dir>/<request_id>.jsonl.gz`, prints its tree,
 * timeline and grouped views, writes `<dir>/<request_id>.html`, and prints a summary read back
 * from the file, with what was lost (exit code 1 when anything was). Returns the paths written,
 * or `undefined` when nothing could be written.
 */
export async function runDemo(dir = 'traces'): Promise<{ jsonl: string; html: string } | undefined> {
  const exporter = jsonlExporter({ dir }, { gzip: true });
  const views = [treeExporter(), timelineExporter(), groupedExporter()];
  const pipeline = createPipeline({ exporters: [exporter, ...views], mediaStore: fileMediaStore({ dir: join(dir, 'media') }) });
  const question = 'What is the capital of Portugal, and what is the weather there?';
  const result = await pipeline.run(() => agent({ question }));
  const report = await pipeline.shutdown();
  const [jsonl] = exporter.paths();
  if (jsonl === undefined) {
    // Nothing could be written (the directory cannot be made, the disk is full): say what was lost.
    process.stdout.write(`answer: ${result.answer}\n\n${summarize([], `nothing written to ${dir}`, report)}\n`);
    process.exitCode = 1;
    return undefined;
  }
  const events = await lastValueFrom(readEvents(jsonl).pipe(toArray()));
  const html = jsonl.replace(/\.jsonl\.gz$/, '.html');
  const page = htmlExporter({ path: html, title: `optrail demo · ${events[0]?.request_id ?? ''}` });
  page.export(events);
  await page.shutdown!();
  process.stdout.write(`answer: ${result.answer}\n\n${summarize(events, jsonl, report)}\nhtml     ${html}\n`);
  if (report.lost.total > 0) process.exitCode = 1;
  return { jsonl, html };
}
