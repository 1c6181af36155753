/**
 * Child process: the cost of `optrail/ai-sdk` per AI SDK call. argv: <side> <iterations> <reps> [shape]
 * side: bare (no telemetry integration) | request (bare, inside a pipeline's request: what
 * AsyncLocalStorage costs every promise once optrail is in use, whatever is traced) | noop (an integration whose every method does nothing:
 * the SDK's own telemetry work, without optrail's) | optrail (`optrailTelemetry()` per call, inside
 * a pipeline's request, no-op exporter); shape: text (default: generateText, one step, one model
 * call) | tools (a two-step tool loop: 2 steps, 2 model calls, 1 tool) | stream (streamText, read
 * to the end). The model is `MockLanguageModelV4` from `ai/test`, so what is measured is the SDK's
 * own work and optrail's on top of it. Prints one JSON line:
 * `{ nsPerCall: number[], delivered, attempted, eventsPerCall }` (`delivered` events, `attempted` calls).
 */
import { generateText, isStepCount, jsonSchema, streamText, tool, type Telemetry } from 'ai';
import { convertArrayToReadableStream, MockLanguageModelV4 } from 'ai/test';
import { createPipeline, type Exporter } from '../../index.js';
import { optrailTelemetry } from '../../integrations/ai-sdk/index.js';
import { measure } from '../lib/stats.js';

const [side, iterationsText, repsText, shape = 'text'] = process.argv.slice(2) as [string, string, string, string?];
const iterations = Number(iterationsText);
const reps = Number(repsText);
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

const usage = { inputTokens: { total: 120, noCache: 100, cacheRead: 20, cacheWrite: 0 }, outputTokens: { total: 30, text: 30, reasoning: 0 } };
const finish = { unified: 'stop', raw: 'stop' } as const;
let turn = 0;
const model = new MockLanguageModelV4({
  provider: 'openai.chat',
  modelId: 'gpt-4o-mini',
  doGenerate: async () =>
    shape === 'tools' && turn++ % 2 === 0
      ? { content: [{ type: 'tool-call', toolCallId: `call-${turn}`, toolName: 'weather', input: '{"city":"Lisbon"}' }], finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage, warnings: [] }
      : { content: [{ type: 'text', text: 'It is sunny in Lisbon, 24 °C.' }], finishReason: finish, usage, warnings: [] },
  doStream: async () => ({
    stream: convertArrayToReadableStream([
      { type: 'stream-start', warnings: [] },
      { type: 'text-start', id: 't' },
      ...['It is ', 'sunny in ', 'Lisbon, ', '24 °C.'].map((delta) => ({ type: 'text-delta' as const, id: 't', delta })),
      { type: 'text-end', id: 't' },
      { type: 'finish', finishReason: finish, usage },
    ]),
  }),
});
const tools = {
  weather: tool<{ city: string }, unknown, {}>({
    inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } } }),
    execute: async ({ city }) => ({ city, celsius: 24 }),
  }),
};
const messages = [{ role: 'user' as const, content: 'What is the weather in Lisbon?' }];

function call(integrations: Telemetry[] | undefined): Promise<unknown> {
  // the mock keeps every call's options: forget them, or the heap grows with the run
  model.doGenerateCalls.length = 0;
  model.doStreamCalls.length = 0;
  const telemetry = integrations === undefined ? undefined : { integrations };
  if (shape === 'stream') return Promise.resolve(streamText({ model, messages, telemetry }).text);
  if (shape === 'tools') return generateText({ model, messages, tools, stopWhen: isStepCount(2), telemetry });
  return generateText({ model, messages, telemetry });
}

async function calls(integrations: Telemetry[] | undefined): Promise<void> {
  for (let i = 0; i < iterations; i++) await call(integrations);
}

let delivered = 0;
let results: number[];
if (side === 'optrail') {
  const counting: Exporter = { name: 'noop', export: (b) => void (delivered += b.length), exportSync: (b) => void (delivered += b.length) };
  const pipeline = createPipeline({ exporters: [counting], exitSafety: false });
  const integrations = [optrailTelemetry()];
  results = await measure(reps, iterations, () => pipeline.run(() => calls(integrations)));
  await pipeline.shutdown();
  delivered -= reps + 1; // minus each request's end marker
} else if (side === 'request') {
  const pipeline = createPipeline({ exporters: [{ name: 'noop', export: () => undefined }], exitSafety: false });
  results = await measure(reps, iterations, () => pipeline.run(() => calls(undefined)));
  await pipeline.shutdown();
} else if (side === 'noop') {
  const nothing = () => undefined;
  const noop: Telemetry = {
    executeLanguageModelCall: (options) => options.execute(),
    executeTool: (options) => options.execute(),
  };
  for (const key of Object.keys(optrailTelemetry())) if (key.startsWith('on')) (noop as Record<string, unknown>)[key] = nothing;
  results = await measure(reps, iterations, () => calls([noop]));
} else {
  results = await measure(reps, iterations, () => calls(undefined));
}
const attempted = iterations * (reps + 1);
process.stdout.write(JSON.stringify({ nsPerCall: results, delivered, attempted, eventsPerCall: delivered / attempted }) + '\n');
