/**
 * Issue 17 §1, review 17 item 3: a tool call id names a tool run within one step only. Providers
 * that number tool calls per response reuse `call_0` in every step, and a buggy one may give two
 * calls of one response the same id: each run is still its own op, with its own inner ops and its
 * own output, whether the SDK's events are the SDK's objects or its copies (`recordInputs: false`),
 * and whether the integration is registered once or twice.
 */
import { describe, expect, it } from 'vitest';
import { generateText, isStepCount } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { op } from '../../src/recording/op.js';
import { optrailTelemetry } from '../../integrations/ai-sdk/index.js';
import type { TraceEvent } from '../../src/pipeline/exporter-types.js';
import { tracer } from '../helpers.js';
import { sequence, USAGE, weatherTool } from './ai-sdk-mocks.js';

const G = 'main/ai.generateText#0';
const TOOL_CALLS = { unified: 'tool-calls', raw: 'tool_calls' } as const;
const toolCall = (toolCallId: string, city: string) => ({ type: 'tool-call' as const, toolCallId, toolName: 'weather', input: JSON.stringify({ city }) });
const answer = { content: [{ type: 'text' as const, text: 'done' }], finishReason: { unified: 'stop', raw: 'stop' } as const, usage: USAGE, warnings: [] };

/** A model answering with `steps` (each the tool calls of one response), then "done". */
function modelCalling(steps: Array<ReturnType<typeof toolCall>[]>): MockLanguageModelV4 {
  let n = 0;
  return new MockLanguageModelV4({
    provider: 'mock.chat',
    modelId: 'm',
    doGenerate: async () => {
      const content = steps[n++];
      return content === undefined ? answer : { content, finishReason: TOOL_CALLS, usage: USAGE, warnings: [] };
    },
  });
}

/** The tool ops and the ops inside them: `[kind, ctx below the operation, inputs or outputs]`. */
function toolEvents(events: readonly TraceEvent[]): unknown[] {
  return sequence(events)
    .filter(([, name]) => name === 'ai.tool.weather' || name === 'lookup')
    .map(([kind, , ctx, detail]) => [kind, ctx.slice(G.length + 1), kind === 'op_end' ? (detail as { outputs: unknown }).outputs : detail]);
}

/**
 * Two calls of one response with the same id, Lisbon's finishing after Porto's (Lisbon's lookup
 * waits for Porto's run to return: no timer), run through `integrations`.
 */
async function duplicateInOneStep(integrations: ReturnType<typeof optrailTelemetry>[], recordInputs?: false) {
  const traced = tracer();
  let portoReturned!: () => void;
  const porto = new Promise<void>((resolve) => (portoReturned = resolve));
  const lookup = op('lookup', async (city: string) => {
    if (city === 'Lisbon') await porto;
    return city;
  });
  const weather = weatherTool(async ({ city }) => {
    const found = await lookup(city);
    if (city === 'Porto') portoReturned();
    return found;
  });
  const result = await traced.pipeline.run(() =>
    generateText({
      model: modelCalling([[toolCall('dup', 'Lisbon'), toolCall('dup', 'Porto')]]),
      prompt: 'x',
      tools: { weather },
      stopWhen: isStepCount(2),
      telemetry: { integrations, ...(recordInputs === false ? { recordInputs } : {}) },
    }),
  );
  expect(result.steps[0]!.toolResults.map((r) => r.output)).toEqual(['Lisbon', 'Porto']);
  return { ...traced, all: await traced.events() };
}

describe('optrail/ai-sdk: tool call ids are per step', () => {
  it.each([
    ['the SDK objects', undefined],
    ['copies (recordInputs: false)', false],
  ] as const)('an id reused in every step (call_0), the events %s: each step has its tool op, the inner op() nests under it, nothing reported', async (_name, recordInputs) => {
    const { pipeline, events } = tracer();
    const lookup = op('lookup', async (city: string) => city);
    await pipeline.run(() =>
      generateText({
        model: modelCalling([[toolCall('call_0', 'Lisbon')], [toolCall('call_0', 'Porto')]]),
        prompt: 'x',
        tools: { weather: weatherTool(({ city }) => lookup(city)) },
        stopWhen: isStepCount(3),
        telemetry: { integrations: [optrailTelemetry()], ...(recordInputs === false ? { recordInputs } : {}) },
      }),
    );
    const input = (city: string) => (recordInputs === false ? {} : { input: { city } });
    expect(toolEvents(await events())).toEqual([
      ['op_start', 'ai.step#0/ai.tool.weather#0', { tool_call_id: 'call_0', ...input('Lisbon') }],
      ['op_start', 'ai.step#0/ai.tool.weather#0/lookup#0', { args: ['Lisbon'] }],
      ['op_end', 'ai.step#0/ai.tool.weather#0/lookup#0', { value: 'Lisbon' }],
      ['op_end', 'ai.step#0/ai.tool.weather#0', { value: 'Lisbon' }],
      ['op_start', 'ai.step#1/ai.tool.weather#0', { tool_call_id: 'call_0', ...input('Porto') }],
      ['op_start', 'ai.step#1/ai.tool.weather#0/lookup#0', { args: ['Porto'] }],
      ['op_end', 'ai.step#1/ai.tool.weather#0/lookup#0', { value: 'Porto' }],
      ['op_end', 'ai.step#1/ai.tool.weather#0', { value: 'Porto' }],
    ]);
    expect(pipeline.metrics().internalErrors).toBe(0);
  });

  /** Both runs of the duplicate id, each its own op with its own lookup and output, children ending first. */
  const distinctRuns = (input: (city: string) => Record<string, unknown>) => [
    ['op_start', 'ai.step#0/ai.tool.weather#0', { tool_call_id: 'dup', ...input('Lisbon') }],
    ['op_start', 'ai.step#0/ai.tool.weather#0/lookup#0', { args: ['Lisbon'] }],
    ['op_start', 'ai.step#0/ai.tool.weather#1', { tool_call_id: 'dup', ...input('Porto') }],
    ['op_start', 'ai.step#0/ai.tool.weather#1/lookup#0', { args: ['Porto'] }],
    ['op_end', 'ai.step#0/ai.tool.weather#1/lookup#0', { value: 'Porto' }],
    // Porto's return releases Lisbon's lookup, whose end comes before the end of Porto's run
    ['op_end', 'ai.step#0/ai.tool.weather#0/lookup#0', { value: 'Lisbon' }],
    ['op_end', 'ai.step#0/ai.tool.weather#1', { value: 'Porto' }],
    ['op_end', 'ai.step#0/ai.tool.weather#0', { value: 'Lisbon' }],
  ];

  it('two calls of one response with the same id: two tool ops, each with its own inner op and output, no error', async () => {
    const { pipeline, all } = await duplicateInOneStep([optrailTelemetry()]);
    expect(toolEvents(all)).toEqual(distinctRuns((city) => ({ input: { city } })));
    expect(pipeline.metrics().internalErrors).toBe(0);
  });

  it('the same under recordInputs: false (the events are copies): two ops, each ended by its own end, the duplicate reported once', async () => {
    const { pipeline, all } = await duplicateInOneStep([optrailTelemetry()], false);
    expect(toolEvents(all)).toEqual(distinctRuns(() => ({})));
    expect(pipeline.metrics().internalErrors).toBe(1);
    expect(pipeline.errors()).toEqual([
      expect.objectContaining({ source: 'internal:ai-sdk onToolExecutionEnd', message: expect.stringContaining('toolCallId "dup" names 2 tool runs in step 0') }),
    ]);
  });

  it.each([
    ['the SDK objects', undefined, 0],
    ['copies (recordInputs: false)', false, 1],
  ] as const)('registered twice, the events %s: every op once, as registered once', async (_name, recordInputs, errors) => {
    const t = optrailTelemetry();
    const once = await duplicateInOneStep([optrailTelemetry()], recordInputs);
    const twice = await duplicateInOneStep([t, t], recordInputs);
    const strip = (events: readonly TraceEvent[]) => sequence(events).map(([kind, name, ctx]) => [kind, name, ctx]);
    expect(strip(twice.all)).toEqual(strip(once.all));
    expect(toolEvents(twice.all)).toEqual(toolEvents(once.all));
    expect(twice.pipeline.metrics().internalErrors).toBe(errors);
  });
});
