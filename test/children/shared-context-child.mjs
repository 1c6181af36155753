/**
 * A program that loads the BUILT package twice, as a mixed application does: ESM (`import`) and
 * CommonJS (`require`, as a CommonJS library inside the app would). argv: <scenario>
 *
 * - frames: an ESM `pipeline.run` calling ops, annotations and groups of the CommonJS copy and
 *   back; prints the recorded events as JSON.
 * - default: `setDefaultPipeline` through ESM, then a CommonJS op called outside any request;
 *   prints the recorded events as JSON.
 * - signal <out file>: a pipeline per copy with exit safety, then SIGTERM to itself; the process
 *   must still die of the signal (two copies each waiting for "the program's own handler" would
 *   keep it alive) with both files written.
 */
import { createRequire } from 'node:module';
import * as esm from 'optrail';
import { jsonlExporter, memoryExporter } from 'optrail/exporters';

const require = createRequire(import.meta.url);
const cjs = require('optrail');
const cjsExporters = require('optrail/exporters');
const [scenario, out] = process.argv.slice(2);

function summary(events) {
  return events.map((e) => ({ kind: e.kind, op: e.op_name, ctx: e.ctx, seq: e.seq, request: e.request_id, timestamp: e.timestamp, payload: e.payload }));
}

if (scenario === 'frames') {
  const memory = memoryExporter();
  const pipeline = esm.createPipeline({ exporters: [memory], exitSafety: false, logger: false });
  const cjsLeaf = cjs.op('cjs-leaf', async (x) => x * 2);
  const cjsMiddle = cjs.op('cjs-middle', async (x) => {
    cjs.annotate('from', 'cjs');
    const opName = cjs.currentOp()?.opName;
    return cjs.group('cjs-group', () => esmLeaf(x)).then((y) => ({ y, opName }));
  });
  const esmLeaf = esm.op('esm-leaf', async (x) => cjsLeaf(x + 1));
  const esmRoot = esm.op('esm-root', async (x) => cjsMiddle(x));
  const result = await pipeline.run(() => esmRoot(1), { requestId: 'mixed' });
  await pipeline.shutdown();
  process.stdout.write(JSON.stringify({ result, events: summary(memory.events) }) + '\n');
} else if (scenario === 'default') {
  const memory = memoryExporter();
  const pipeline = esm.createPipeline({ exporters: [memory], exitSafety: false, logger: false });
  esm.setDefaultPipeline(pipeline);
  const sameDefault = cjs.getDefaultPipeline() === pipeline;
  const result = await cjs.op('cjs-alone', async () => 'done')();
  await pipeline.shutdown();
  process.stdout.write(JSON.stringify({ sameDefault, result, events: summary(memory.events) }) + '\n');
} else if (scenario === 'signal') {
  const esmPipeline = esm.createPipeline({ exporters: [jsonlExporter({ path: `${out}.esm.jsonl` })], logger: false });
  const cjsPipeline = cjs.createPipeline({ exporters: [cjsExporters.jsonlExporter({ path: `${out}.cjs.jsonl` })], logger: false });
  esmPipeline.run(() => esm.op('esm-step', () => 1)(), { requestId: 'esm' });
  cjsPipeline.run(() => cjs.op('cjs-step', () => 2)(), { requestId: 'cjs' });
  // Kept alive as a program waiting for work; only the signal may end it. Should it survive
  // the signal (the defect this guards against), it says so and ends on its own.
  const survived = setTimeout(() => {
    process.stdout.write('survived SIGTERM\n');
    process.exit(7);
  }, 20_000);
  process.once('exit', () => clearTimeout(survived));
  process.kill(process.pid, 'SIGTERM');
} else {
  process.stderr.write(`unknown scenario ${scenario}\n`);
  process.exit(2);
}
