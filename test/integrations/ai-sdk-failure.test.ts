/**
 * Issue 17 §1: optrail's own failure inside the AI SDK integration (a stubbed `startOp` whose ops
 * throw from every method) is counted in the pipeline, never thrown into the SDK: the program
 * gets the same result, the model and the tool run once each.
 */
import { describe, expect, it, vi } from 'vitest';
import { generateText, isStepCount } from 'ai';

/** Which ops the stub breaks: the operation's own op (its start throws), or those below it (every method throws). */
const stub = vi.hoisted(() => ({ breaks: 'children' as 'root' | 'children' }));

vi.mock('../../src/recording/open-op.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/recording/open-op.js')>();
  const broken = () => {
    throw new Error('stubbed optrail failure');
  };
  return {
    ...original,
    startOp: (...args: Parameters<typeof original.startOp>) => {
      const isRoot = args[0] === 'ai.generateText';
      if (isRoot && stub.breaks === 'root') throw new Error('stubbed startOp failure');
      if (isRoot) return original.startOp(...args);
      // the op "starts", then fails at everything, run() included (a contract break inside optrail)
      return new Proxy({}, { get: () => broken });
    },
  };
});

const { optrailTelemetry } = await import('../../integrations/ai-sdk/index.js');
const { tracer } = await import('../helpers.js');
const { toolLoopModel, weatherTool } = await import('./ai-sdk-mocks.js');

describe.each(['children', 'root'] as const)('optrail/ai-sdk: a stubbed internal failure of the %s ops', (breaks) => {
  it('is counted, never thrown into the SDK, and changes nothing the program sees', async () => {
    stub.breaks = breaks;
    const run = (integrations: ReturnType<typeof optrailTelemetry>[]) => {
      let toolRuns = 0;
      const model = toolLoopModel();
      return generateText({
        model,
        prompt: 'x',
        tools: { weather: weatherTool(async ({ city }) => ({ city, runs: ++toolRuns })) },
        stopWhen: isStepCount(2),
        telemetry: integrations.length > 0 ? { integrations } : { isEnabled: false },
      }).then((result) => ({ text: result.text, toolResults: result.steps[0]!.toolResults.map((r) => r.output), modelCalls: model.doGenerateCalls.length, toolRuns }));
    };
    const { pipeline } = tracer();
    const bare = await run([]);
    const traced = await pipeline.run(() => run([optrailTelemetry()]));
    expect(traced).toEqual(bare);
    expect(bare).toEqual({ text: 'Sunny', toolResults: [{ city: 'Lisbon', runs: 1 }], modelCalls: 2, toolRuns: 1 });
    expect(pipeline.metrics().internalErrors).toBeGreaterThan(0);
  });
});
