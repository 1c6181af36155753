/**
 * Child process: client calls that the program handles in different ways (or not at all), all at
 * once, traced or not, and what Node saw of their rejections. argv: <client: openai|openai6|anthropic>
 * <traced: 0|1> <fixture server url> <refused url> [crash].
 *
 * Each scenario makes one call whose response carries the scenario's name as its request id (the
 * fixture server's `x-fixture-request-id`), so each unhandled rejection is told apart by the
 * error's `requestID` (the refused connection has none). Scenarios: `unawaited` (a failing call,
 * its promise dropped), `refused` (the same, connection refused), `unawaited-ok` (a successful
 * call dropped), `asResponse-dropped` (the promise of its `asResponse()` dropped), `awaited`
 * (awaited in a try), `late` (handled only once Node reported it unhandled: one
 * `rejectionHandled`), `unwrapped` (the SDK helpers' path, `_thenUnwrap`, then awaited).
 *
 * Prints one JSON line at `beforeExit`: `{ unhandled: { scenario: n }, handled: n,
 * ops: { scenario: [statuses] } }`. With `crash`, only `unawaited` runs and no listener is
 * installed: the unhandled rejection ends the process, as Node does by default.
 */
import { memoryExporter } from '../../exporters/memory.js';
import { traceAnthropic } from '../../integrations/anthropic/index.js';
import { traceOpenAI } from '../../integrations/openai/index.js';
import { setDefaultPipeline } from '../../src/pipeline/default-pipeline.js';
import { createPipeline } from '../../src/pipeline/pipeline.js';

const [kind, tracedFlag, url, refused, crash] = process.argv.slice(2) as string[];
const traced = tracedFlag === '1';
const memory = memoryExporter();
const pipeline = createPipeline({ exporters: [memory], exitSafety: false, logger: false });
setDefaultPipeline(pipeline); // every call below is outside any request: a request of this pipeline

const unhandled: Record<string, number> = {};
let handled = 0;
/** Run when Node reports the `late` scenario's rejection unhandled. */
let onLate: (() => void) | undefined;
if (crash === undefined) {
  process.on('unhandledRejection', (reason) => {
    const scenario = String((reason as { requestID?: unknown })?.requestID ?? 'refused');
    unhandled[scenario] = (unhandled[scenario] ?? 0) + 1;
    if (scenario === 'late') onLate?.();
  });
  process.on('rejectionHandled', () => handled++);
}

const anthropic = kind === 'anthropic';
const prefix = anthropic ? 'anthropic' : 'openai';
/** One call: the scenario's name is its model (to find its op) and its response's request id. */
let call: (scenario: string, fixture: string, baseURL?: string) => any;
// Only the client asked for is loaded (each takes a second or more under tsx).
if (anthropic) {
  const { default: Anthropic } = await import('@anthropic-ai/sdk');
  call = (scenario, fixture, baseURL = url) => {
    const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL, maxRetries: 0 });
    if (traced) traceAnthropic(client);
    return client.messages.create({ model: scenario, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-fixture': fixture, 'x-fixture-request-id': scenario } });
  };
} else {
  const { default: OpenAI } = (kind === 'openai' ? await import('openai') : await import('openai6')) as typeof import('openai');
  call = (scenario, fixture, baseURL = url) => {
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${baseURL}/v1`, maxRetries: 0 });
    if (traced) traceOpenAI(client);
    return client.chat.completions.create({ model: scenario, messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-fixture': fixture, 'x-fixture-request-id': scenario } });
  };
}
const failing = `${prefix}/error-500`;

const scenarios: Record<string, () => unknown> = {
  unawaited: () => void call('unawaited', failing),
  refused: () => void call('refused', failing, refused),
  'unawaited-ok': () => void call('unawaited-ok', anthropic ? 'anthropic/message' : 'openai/chat'),
  'asResponse-dropped': () => void call('asResponse-dropped', failing).asResponse(),
  awaited: async () => {
    try {
      await call('awaited', failing);
    } catch {
      // handled
    }
  },
  late: () => {
    const promise = call('late', failing);
    onLate = () => promise.then(undefined, () => undefined);
  },
  unwrapped: async () => {
    try {
      await call('unwrapped', failing)._thenUnwrap((data: unknown) => data);
    } catch {
      // handled
    }
  },
};

if (crash !== undefined) scenarios.unawaited!();
else for (const run of Object.values(scenarios)) run();

process.once('beforeExit', async () => {
  await pipeline.flush();
  const ops: Record<string, string[]> = {};
  const byCtx = new Map<string, string>();
  for (const event of memory.events) {
    const payload = event.payload as { inputs?: { model?: string }; status?: string };
    const key = `${event.request_id} ${event.ctx.join('/')}`;
    if (event.kind === 'op_start') {
      byCtx.set(key, payload.inputs?.model ?? '?');
      (ops[payload.inputs?.model ?? '?'] ??= []).push('start');
    } else if (event.kind === 'op_end') (ops[byCtx.get(key) ?? '?'] ??= []).push(payload.status!);
  }
  process.stdout.write(JSON.stringify({ unhandled, handled, ops }) + '\n');
  await pipeline.shutdown();
});
