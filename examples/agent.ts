/**
 * `npm run demo`: trace one run of a small agent and show what was recorded.
 * Writes traces/<request_id>.jsonl.gz, then reads it back to summarize it.
 */
import { lastValueFrom, toArray } from 'rxjs';
import { jsonlExporter } from '../exporters/index.js';
import { createPipeline, fileMediaStore, readEvents } from '../src/index.js';
import { agent } from './lib/agent.js';
import { summarize } from './lib/summary.js';

const exporter = jsonlExporter({ dir: 'traces' }, { gzip: true });
const pipeline = createPipeline({ exporters: [exporter], mediaStore: fileMediaStore({ dir: 'traces/media' }) });

const question = 'What is the capital of Portugal, and what is the weather there?';
const result = await pipeline.run(() => agent({ question }));
const report = await pipeline.shutdown();

const [path] = exporter.paths();
const events = await lastValueFrom(readEvents(path!).pipe(toArray()));
console.log(`answer: ${result.answer}\n`);
console.log(summarize(events, path!, report));
