/**
 * Issue 17 §1, `ai` 6: its `TelemetryIntegration` is not supported (its events carry no call id,
 * it has no error or abort callback and no context wrappers: see docs/integrations.md). Given to
 * `ai` 6 by mistake, `optrailTelemetry()` must still change nothing of the call, open no op that
 * would never end, and say once why it records nothing.
 */
import { describe, expect, it } from 'vitest';
import { generateText, stepCountIs, tool, jsonSchema } from 'ai6';
import { MockLanguageModelV3 } from 'ai6/test';
import { op } from '../../src/recording/op.js';
import { optrailTelemetry } from '../../integrations/ai-sdk/index.js';
import { tracer } from '../helpers.js';
import { sequence } from './ai-sdk-mocks.js';

const usage = { inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 5, text: 5, reasoning: 0 } };

describe('optrail/ai-sdk given to ai 6', () => {
  it('changes nothing of the call, records nothing below the caller, and reports once that it needs ai 7', async () => {
    const { pipeline, events } = tracer();
    let turn = 0;
    const model = new MockLanguageModelV3({
      doGenerate: async () =>
        turn++ === 0
          ? { content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: '{"city":"Lisbon"}' }], finishReason: { unified: 'tool-calls', raw: undefined }, usage, warnings: [] }
          : { content: [{ type: 'text', text: 'Sunny' }], finishReason: { unified: 'stop', raw: undefined }, usage, warnings: [] },
    });
    const weather = tool({
      inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } } }),
      execute: async ({ city }: { city: string }) => ({ city, celsius: 24 }),
    });
    // TypeScript refuses it (ai 6's events lack callId and the rest): a JavaScript program, or a cast
    const integration = optrailTelemetry() as never;
    const agent = op('agent', async () =>
      (await generateText({ model, prompt: 'x', tools: { weather }, stopWhen: stepCountIs(2), experimental_telemetry: { integrations: [integration] } })).text,
    );
    expect(await pipeline.run(() => agent())).toBe('Sunny');
    expect(sequence(await events()).map((e) => [e[0], e[1]])).toEqual([
      ['op_start', 'agent'],
      ['op_end', 'agent'],
    ]);
    expect(pipeline.metrics().internalErrors).toBe(1);
    expect(pipeline.errors()).toEqual([expect.objectContaining({ source: 'internal:ai-sdk onStart', message: expect.stringContaining('optrailTelemetry needs ai 7') })]);
  });
});
