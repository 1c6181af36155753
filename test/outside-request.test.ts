import { afterEach, describe, expect, it } from 'vitest';
import { getDefaultPipeline, setDefaultPipeline } from '../src/pipeline/default-pipeline.js';
import { group } from '../src/recording/group.js';
import { op } from '../src/recording/op.js';
import { installRunnerLookup } from '../src/recording/outside-request.js';
import { outline, tracer } from './helpers.js';

// The recording layer knows no pipeline: a call outside any request asks the installed lookup
// (docs/architecture.md, "Two inversions"). Whatever the lookup does, the traced program runs as
// it would untraced.
describe('a call outside any request', () => {
  afterEach(() => {
    setDefaultPipeline(undefined);
    installRunnerLookup(getDefaultPipeline);
  });

  it('runs bare, once, with its own result and throw, when the lookup throws', async () => {
    installRunnerLookup(() => {
      throw new Error('broken lookup');
    });
    let calls = 0;
    const add = op('add', (a: number, b: number) => (calls++, a + b));
    const fail = op('fail', () => {
      throw new RangeError('its own');
    });
    expect(add(2, 3)).toBe(5);
    expect(calls).toBe(1);
    expect(() => fail()).toThrow(new RangeError('its own'));
    expect(group('g', () => 'inside')).toBe('inside');
    await expect(op('later', async () => 'awaited')()).resolves.toBe('awaited');
  });

  it('runs bare when the lookup finds no runner', () => {
    installRunnerLookup(() => undefined);
    expect(op('f', () => 'plain')()).toBe('plain');
  });

  it('is recorded in the default pipeline once setDefaultPipeline is called, even with no entry loaded to install the lookup', async () => {
    installRunnerLookup(() => undefined); // as if the package's entry never ran
    const { pipeline, events } = tracer();
    setDefaultPipeline(pipeline);
    expect(op('top', (x: number) => x * 2)(21)).toBe(42);
    expect(outline(await events())).toEqual(['op_start top main/top#0', 'op_end top main/top#0']);
  });
});
