/**
 * A traced program that leaves two rejections unhandled: a Promise subclass (an SDK's promise)
 * and a native promise, each returned by an op. Node must still report both as
 * `unhandledRejection`, as it does without tracing. Prints one JSON line when the loop is empty.
 */
import { memoryExporter } from '../../exporters/memory.js';
import { op } from '../../src/recording/op.js';
import { createPipeline } from '../../src/pipeline/pipeline.js';

class ApiPromise<T> extends Promise<T> {
  withResponse(): string {
    return 'extra API';
  }
}

const memory = memoryExporter();
const pipeline = createPipeline({ exporters: [memory], exitSafety: false, logger: false });
const unhandled: string[] = [];
let sdkPromise: unknown;
process.on('unhandledRejection', (reason) => unhandled.push((reason as Error).message));

const sdk = op('sdk', () => ApiPromise.reject(new Error('sdk failed')) as ApiPromise<never>);
const native = op('native', async () => {
  throw new Error('native failed');
});

let subclassIsCallersOwn = false;
pipeline.run(() => {
  sdkPromise = sdk();
  subclassIsCallersOwn = sdkPromise instanceof ApiPromise && (sdkPromise as ApiPromise<never>).withResponse() === 'extra API';
  void native();
});

let printed = false;
process.on('beforeExit', () => {
  if (printed) return;
  printed = true;
  void pipeline.flush().then(() => {
    const ends = memory.events
      .filter((e) => e.kind === 'op_end')
      .map((e) => {
        const p = e.payload as { status: string; thenable?: boolean; error?: { message: string } };
        return p.error ? { op: e.op_name, status: p.status, message: p.error.message } : { op: e.op_name, status: p.status, thenable: p.thenable };
      });
    process.stdout.write(JSON.stringify({ unhandled, subclassIsCallersOwn, ends }) + '\n');
  });
});
