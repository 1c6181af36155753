/**
 * Issue 17 §1, the hostile side: what the program, the SDK or the model throw at the AI SDK
 * integration never breaks the program, leaves no op open and no state behind, and leaks no secret.
 */
import { describe, expect, it } from 'vitest';
import { generateText, isStepCount, streamText, tool, jsonSchema } from 'ai';
import { convertArrayToReadableStream, MockLanguageModelV4 } from 'ai/test';
import { op } from '../../src/recording/op.js';
import { serializeEvent } from '../../src/wire/serialize.js';
import { optrailTelemetry } from '../../integrations/ai-sdk/index.js';
import type { TraceEvent } from '../../src/pipeline/exporter-types.js';
import { tracer } from '../helpers.js';
import { sequence, streamModel, textModel, textStreamParts, toolLoopModel, USAGE, weatherTool } from './ai-sdk-mocks.js';

const G = 'main/agent#0/ai.generateText#0';

/** Every op_start has its one op_end: nothing is left open. */
function expectAllEnded(events: readonly TraceEvent[]): void {
  const open = new Map<string, number>();
  for (const e of events) {
    const key = e.ctx.join('/');
    if (e.kind === 'op_start') open.set(key, (open.get(key) ?? 0) + 1);
    if (e.kind === 'op_end') open.set(key, (open.get(key) ?? 0) - 1);
  }
  expect([...open].filter(([, n]) => n !== 0)).toEqual([]);
}

/** An object every read of which throws (a hostile event). */
const hostile = new Proxy(
  {},
  {
    get() {
      throw new Error('hostile getter');
    },
    has() {
      throw new Error('hostile has');
    },
    ownKeys() {
      throw new Error('hostile keys');
    },
  },
);

describe('optrail/ai-sdk: hostile programs, models and SDK sequences', () => {
  it("a user's tool that throws: its op ends error with the thrown error, the loop goes on, the model gets the error", async () => {
    const { pipeline, events } = tracer();
    const model = toolLoopModel();
    const agent = op('agent', async () =>
      generateText({
        model,
        prompt: 'x',
        tools: {
          weather: weatherTool(async () => {
            throw new RangeError('no weather for Lisbon');
          }),
        },
        stopWhen: isStepCount(2),
        telemetry: { integrations: [optrailTelemetry()] },
      }),
    );
    expect((await pipeline.run(() => agent())).text).toBe('Sunny');
    const all = await events();
    expect(sequence(all).filter((e) => e[1] === 'ai.tool.weather')).toEqual([
      ['op_start', 'ai.tool.weather', `${G}/ai.step#0/ai.tool.weather#0`, { tool_call_id: 'call-1', input: { city: 'Lisbon' } }],
      ['op_end', 'ai.tool.weather', `${G}/ai.step#0/ai.tool.weather#0`, { status: 'error', outputs: {}, error: 'RangeError: no weather for Lisbon' }],
    ]);
    expect(JSON.stringify(model.doGenerateCalls[1]!.prompt)).toContain('no weather for Lisbon');
    expect(sequence(all).at(-2)).toEqual(['op_end', 'ai.generateText', G, { status: 'ok', outputs: { text: 'Sunny', finish_reason: 'stop', steps: 2 } }]);
    expectAllEnded(all);
  });

  it('an abort while a streamed tool runs: the tool op, the step and the operation end cancelled', async () => {
    const { pipeline, events } = tracer();
    const controller = new AbortController();
    const model = new MockLanguageModelV4({
      doStream: async () => ({
        stream: convertArrayToReadableStream([
          { type: 'stream-start', warnings: [] },
          { type: 'tool-call', toolCallId: 'call-1', toolName: 'weather', input: '{"city":"Lisbon"}' },
          { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage: USAGE },
        ]),
      }),
    });
    const slow = tool({
      inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } } }),
      execute: (_input, { abortSignal }) =>
        new Promise((_resolve, reject) => {
          abortSignal!.addEventListener('abort', () => reject(abortSignal!.reason), { once: true });
          controller.abort(); // the user gives up while the tool runs
        }),
    });
    const chat = op('chat', async () => {
      const result = streamText({ model, prompt: 'x', tools: { weather: slow }, abortSignal: controller.signal, telemetry: { integrations: [optrailTelemetry()] } });
      for await (const _part of result.fullStream) {
        // read to the end
      }
    });
    await pipeline.run(() => chat());
    const all = await events();
    const ends = sequence(all).filter((e) => e[0] === 'op_end' && e[1] !== 'chat');
    expect(ends.map((e) => [e[1], (e[3] as { status: string }).status])).toEqual([
      ['ai.languageModelCall', 'ok'],
      ['ai.tool.weather', 'cancelled'],
      ['ai.step', 'cancelled'],
      ['ai.streamText', 'cancelled'],
    ]);
    expectAllEnded(all);
  });

  it('a stream that errors mid-answer: the model call, the step and the operation end error; the text read so far is kept by the program', async () => {
    const { pipeline, events } = tracer();
    const failure = new Error('connection reset');
    const model = new MockLanguageModelV4({
      doStream: async () => ({
        stream: new ReadableStream({
          start(c) {
            for (const part of textStreamParts(['Hel']).slice(0, 4)) c.enqueue(part);
            c.error(failure);
          },
        }),
      }),
    });
    const errors: unknown[] = [];
    const chat = op('chat', async () => {
      const result = streamText({ model, prompt: 'x', onError: ({ error }) => void errors.push(error), telemetry: { integrations: [optrailTelemetry()] } });
      let text = '';
      for await (const chunk of result.textStream) text += chunk;
      return text;
    });
    await expect(pipeline.run(() => chat())).rejects.toBe(failure);
    const all = await events();
    const ends = sequence(all).filter((e) => e[0] === 'op_end' && e[1] !== 'chat');
    const error = { status: 'error', outputs: {}, error: 'Error: connection reset' };
    expect(ends.map((e) => [e[1], e[3]])).toEqual([
      ['ai.languageModelCall', error],
      ['ai.step', error],
      ['ai.streamText', error],
    ]);
    expectAllEnded(all);
  });

  it("an error thrown by the user's prepareStep on the second step: the first step stays ok, the operation ends error", async () => {
    const { pipeline, events } = tracer();
    const failure = new Error('prepareStep failed');
    const agent = op('agent', async () =>
      generateText({
        model: toolLoopModel(),
        prompt: 'x',
        tools: { weather: weatherTool(async () => ({ temp: 20 })) },
        stopWhen: isStepCount(2),
        prepareStep: ({ stepNumber }) => {
          if (stepNumber === 1) throw failure;
          return undefined;
        },
        onStepEnd: () => {
          throw new Error("the user's own callback throws too");
        },
        telemetry: { integrations: [optrailTelemetry()] },
      }),
    );
    await expect(pipeline.run(() => agent())).rejects.toBe(failure);
    const all = await events();
    expect(sequence(all).filter((e) => e[0] === 'op_end').map((e) => [e[1], (e[3] as { status: string }).status])).toEqual([
      ['ai.languageModelCall', 'ok'],
      ['ai.tool.weather', 'ok'],
      ['ai.step', 'ok'],
      ['ai.generateText', 'error'],
      ['agent', 'error'],
    ]);
    expectAllEnded(all);
  });

  it('the integration registered twice for one call: every op once, the usage once', async () => {
    const once = tracer();
    const twice = tracer();
    const telemetry = optrailTelemetry();
    const call = (integrations: ReturnType<typeof optrailTelemetry>[]) =>
      op('agent', async () =>
        generateText({ model: toolLoopModel(), prompt: 'x', tools: { weather: weatherTool(async () => ({ temp: 20 })) }, stopWhen: isStepCount(2), telemetry: { integrations } }),
      )();
    await once.pipeline.run(() => call([optrailTelemetry()]));
    await twice.pipeline.run(() => call([telemetry, telemetry]));
    const strip = (events: readonly TraceEvent[]) => sequence(events).map(([kind, name, ctx]) => [kind, name, ctx]);
    expect(strip(await twice.events())).toEqual(strip(await once.events()));
    expect(twice.pipeline.metrics().internalErrors).toBe(0);
  });

  it('callbacks out of order, repeated, or for calls never started: no throw, no duplicate op, usage kept, the lost ones counted', async () => {
    const { pipeline, events } = tracer();
    const t = optrailTelemetry();
    const usage = { inputTokens: 7, outputTokens: 2, totalTokens: 9, inputTokenDetails: {}, outputTokenDetails: {} };
    await pipeline.run(async () => {
      t.onStepEnd!({ callId: 'never-started', stepNumber: 0 } as never); // lost: counted
      t.onStart!({ callId: 'c1', operationId: 'ai.generateText', provider: 'p', modelId: 'm' } as never);
      t.onStart!({ callId: 'c1', operationId: 'ai.generateText', provider: 'p', modelId: 'm' } as never); // repeated
      t.onStepStart!({ callId: 'c1', stepNumber: 0 } as never);
      t.onStepStart!({ callId: 'c1', stepNumber: 0 } as never); // repeated
      // the model call's end without its start: its usage is still recorded
      t.onLanguageModelCallEnd!({ callId: 'c1', provider: 'p.chat', modelId: 'm', finishReason: 'stop', usage, content: [] } as never);
      t.onLanguageModelCallEnd!({ callId: 'c1', provider: 'p.chat', modelId: 'm', finishReason: 'stop', usage, content: [] } as never);
      t.onStepStart!({ callId: 'c1', stepNumber: 1 } as never); // step 0 never ended
      t.onEnd!({ callId: 'c1', text: 'done', finishReason: 'stop', steps: [] } as never);
      t.onEnd!({ callId: 'c1', text: 'done', finishReason: 'stop', steps: [] } as never); // repeated: ignored
      t.onError!({ callId: 'c1', error: new Error('late') } as never); // after the end: ignored
    });
    const got = sequence(await events());
    expect(got.map(([kind, name, ctx, detail]) => [kind, name, ctx, kind === 'op_end' ? (detail as { status: string }).status : undefined])).toEqual([
      ['op_start', 'ai.generateText', 'main/ai.generateText#0', undefined],
      ['op_start', 'ai.step', 'main/ai.generateText#0/ai.step#0', undefined],
      ['op_start', 'ai.languageModelCall', 'main/ai.generateText#0/ai.step#0/ai.languageModelCall#0', undefined],
      ['llm_usage', 'ai.languageModelCall', 'main/ai.generateText#0/ai.step#0/ai.languageModelCall#0', undefined],
      ['op_end', 'ai.languageModelCall', 'main/ai.generateText#0/ai.step#0/ai.languageModelCall#0', 'ok'],
      // a new step while step 0 is open: step 0's end never came, so it ends cancelled
      ['op_end', 'ai.step', 'main/ai.generateText#0/ai.step#0', 'cancelled'],
      ['op_start', 'ai.step', 'main/ai.generateText#0/ai.step#1', undefined],
      ['op_end', 'ai.step', 'main/ai.generateText#0/ai.step#1', 'cancelled'],
      ['op_end', 'ai.generateText', 'main/ai.generateText#0', 'ok'],
    ]);
    expect(pipeline.metrics().internalErrors).toBe(1); // the end of a call never started
  });

  it('every telemetry method returns normally on an event whose every read throws, and counts the failure', async () => {
    const { pipeline } = tracer();
    const t = optrailTelemetry() as Record<string, unknown>;
    const callbacks = Object.keys(t).filter((k) => k.startsWith('on'));
    expect(callbacks.length).toBeGreaterThan(10);
    const results = await pipeline.run(async () => {
      const returned = callbacks.map((k) => (t[k] as (e: unknown) => unknown)(hostile));
      // the context wrappers still run the SDK's work, once, and hand back its result and its error
      let runs = 0;
      const options = new Proxy({ execute: async () => ++runs }, { get: (target, key) => (key === 'execute' ? target.execute : (() => { throw new Error('hostile'); })()) });
      const model = await (t.executeLanguageModelCall as (o: unknown) => PromiseLike<number>)(options);
      const toolRun = await (t.executeTool as (o: unknown) => PromiseLike<number>)(options);
      const failure = new Error('the tool failed');
      const rejected = await Promise.resolve(
        (t.executeTool as (o: unknown) => PromiseLike<never>)({ callId: 'x', toolCallId: 'y', execute: () => Promise.reject(failure) }),
      ).catch((e: unknown) => e);
      return { returned, model, toolRun, runs, rejected, failure };
    });
    expect(results.returned.every((r) => r === undefined)).toBe(true);
    expect([results.model, results.toolRun, results.runs]).toEqual([1, 2, 2]);
    expect(results.rejected).toBe(results.failure);
    expect(pipeline.metrics().internalErrors).toBeGreaterThanOrEqual(callbacks.length);
  });

  it('__proto__ as a tool name, a tool call id and an output key: recorded as data, no prototype touched', async () => {
    const { pipeline, events } = tracer();
    const model = new MockLanguageModelV4({
      doGenerate: async () => ({
        content: [{ type: 'tool-call', toolCallId: '__proto__', toolName: '__proto__', input: '{"city":"Lisbon"}' }],
        finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
        usage: USAGE,
        warnings: [],
      }),
    });
    // (the SDK itself refuses a tool input with a __proto__ key; a tool's output may have one)
    const output = JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}') as object;
    const tools = Object.fromEntries([['__proto__', weatherTool(async () => output)]]);
    await pipeline.run(() => generateText({ model, prompt: 'x', tools, telemetry: { integrations: [optrailTelemetry()] } }));
    const all = await events();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const toolOps = sequence(all).filter((e) => e[1] === 'ai.tool.__proto__');
    expect(toolOps.map((e) => e[0])).toEqual(['op_start', 'op_end']);
    expect(toolOps[0]![3]).toEqual({ tool_call_id: '__proto__', input: { city: 'Lisbon' } });
    const outputs = (toolOps[1]![3] as { outputs: object }).outputs;
    expect(Object.getPrototypeOf(outputs)).toBe(Object.prototype);
    expect(Object.keys(outputs)).toEqual(['__proto__', 'constructor']);
    expectAllEnded(all);
  });

  it('a huge tool output: the program gets all of it, the event keeps a bounded, marked cut', async () => {
    const { pipeline, events } = tracer();
    const huge = { report: 'x'.repeat(5_000_000), rows: Array.from({ length: 100_000 }, (_, i) => i) };
    let received: unknown;
    const agent = op('agent', async () =>
      generateText({
        model: toolLoopModel(),
        prompt: 'x',
        tools: { weather: weatherTool(async () => huge) },
        stopWhen: isStepCount(2),
        onStepEnd: (step) => {
          if (step.stepNumber === 0) received = step.toolResults[0]?.output;
        },
        telemetry: { integrations: [optrailTelemetry()] },
      }),
    );
    await pipeline.run(() => agent());
    expect(received).toBe(huge);
    const toolEnd = (await events()).find((e) => e.kind === 'op_end' && e.op_name === 'ai.tool.weather')!;
    const line = serializeEvent(toolEnd);
    expect(line.length).toBeLessThan(100_000);
    const outputs = (toolEnd.payload as unknown as { outputs: { report: string; rows: unknown[] } }).outputs;
    expect(outputs.report.length).toBeLessThan(40_000);
    expect(outputs.report).toMatch(/x+.*truncated/);
    expect(outputs.rows.length).toBeLessThanOrEqual(257);
  });

  it('a provider or model id holding a credential: redacted in every event, the model still priced by its name', async () => {
    const { pipeline, events } = tracer();
    const KEY = 'sk-proj-' + 'Zx81QpL0mVb3Rt6YwK2nHs9Dg4Fc7Ej1Au5';
    const model = new MockLanguageModelV4({
      provider: `proxy-${KEY}.chat`,
      modelId: `gpt-4o-mini?key=${KEY}`,
      doGenerate: async () => ({ content: [{ type: 'text', text: `echo ${KEY}` }], finishReason: { unified: 'stop', raw: 'stop' }, usage: USAGE, warnings: [] }),
    });
    const result = await pipeline.run(() => generateText({ model, prompt: `use ${KEY}`, telemetry: { integrations: [optrailTelemetry()] } }));
    expect(result.text).toBe(`echo ${KEY}`); // the program's own values are untouched
    const out = (await events()).map(serializeEvent).join('\n');
    expect(out).not.toContain(KEY.slice(8, 20));
    expect(out).toContain('<redacted>');
  });

  it('concurrent calls under one op: each its own operation, steps and usage, never mixed', async () => {
    const { pipeline, events } = tracer();
    const t = optrailTelemetry();
    const agent = op('agent', async () =>
      Promise.all([
        generateText({ model: textModel('one', 'model-a'), prompt: 'a', telemetry: { integrations: [t] } }),
        streamText({ model: streamModel(['two']), prompt: 'b', telemetry: { integrations: [t] } }).text,
        generateText({ model: textModel('three', 'model-c'), prompt: 'c', telemetry: { integrations: [t] } }),
      ]),
    );
    expect((await pipeline.run(() => agent())).map((r) => (typeof r === 'string' ? r : r.text))).toEqual(['one', 'two', 'three']);
    const all = await events();
    const usageByRoot = all
      .filter((e) => e.kind === 'llm_usage')
      .map((e) => [e.ctx[2], (e.payload as { model: string }).model])
      .sort();
    expect(usageByRoot).toEqual([
      ['ai.generateText#0', 'model-a-2025'],
      ['ai.generateText#1', 'model-c-2025'],
      ['ai.streamText#0', 'mock-model-2025'],
    ]);
    expectAllEnded(all);
  });

  it('calls the SDK never ends are forgotten past maxOpenCalls: their ops end cancelled and the loss is counted', async () => {
    const { pipeline, events } = tracer();
    const t = optrailTelemetry({ maxOpenCalls: 2 });
    await pipeline.run(async () => {
      for (const callId of ['a', 'b', 'c']) {
        t.onStart!({ callId, operationId: 'ai.streamText' } as never);
        t.onStepStart!({ callId, stepNumber: 0 } as never);
      }
      t.onEnd!({ callId: 'c', text: '' } as never);
      t.onEnd!({ callId: 'b', text: '' } as never);
      t.onEnd!({ callId: 'a', text: '' } as never); // forgotten already: not recorded twice
    });
    const got = sequence(await events()).filter((e) => e[0] === 'op_end');
    expect(got.map((e) => [e[2], (e[3] as { status: string }).status])).toEqual([
      ['main/ai.streamText#0/ai.step#0', 'cancelled'],
      ['main/ai.streamText#0', 'cancelled'],
      ['main/ai.streamText#2/ai.step#0', 'cancelled'],
      ['main/ai.streamText#2', 'ok'],
      ['main/ai.streamText#1/ai.step#0', 'cancelled'],
      ['main/ai.streamText#1', 'ok'],
    ]);
    expect(pipeline.metrics().internalErrors).toBe(1);
  });
});

describe('optrailTelemetry options', () => {
  it('a wrong option is a TypeError naming it, at creation', () => {
    expect(() => optrailTelemetry({ maxOpenCalls: 0 })).toThrow(/^optrailTelemetry: invalid options: maxOpenCalls: /);
    expect(() => optrailTelemetry({ maxOpenCall: 5 } as never)).toThrow(/optrailTelemetry: invalid options: \(options\): Unrecognized key: "maxOpenCall"/);
    expect(() => optrailTelemetry({ maxOpenCalls: 1.5 })).toThrow(TypeError);
    expect(Object.keys(optrailTelemetry({ maxOpenCalls: 1 })).length).toBeGreaterThan(10);
  });
});
