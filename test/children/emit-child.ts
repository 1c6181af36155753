/**
 * A traced program for the exit-safety tests. argv: <out file> <mode> <events>
 * mode: signal (wait for a signal), exit (process.exit right away), natural (end the loop),
 * forever (keep emitting until killed).
 */
import { jsonlExporter } from '../../exporters/jsonl.js';
import { op } from '../../src/recording/op.js';
import { createPipeline } from '../../src/pipeline/pipeline.js';

const [out, mode, countText] = process.argv.slice(2) as [string, string, string];
const count = Number(countText);
const pipeline = createPipeline({
  exporters: [jsonlExporter({ path: out }, { gzip: out.endsWith('.gz') })],
  logger: false,
});
const step = op('step', (i: number) => ({ i }));

pipeline.run(() => {
  for (let i = 0; i < count; i++) step(i);
}, { requestId: 'child' });

if (mode === 'signal') {
  process.stdout.write(`ready ${count * 2 + 1}\n`); // and the request's end
  setInterval(() => {}, 1000);
} else if (mode === 'exit') {
  process.exit(0);
} else if (mode === 'forever') {
  let i = count;
  process.stdout.write('ready\n');
  const tick = () => {
    pipeline.run(() => {
      for (let k = 0; k < 200; k++) step(i++);
    }, { requestId: 'child' });
    setImmediate(tick);
  };
  tick();
}
