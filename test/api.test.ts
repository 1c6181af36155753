import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { annotate } from '../src/recording/annotate.js';
import { group } from '../src/recording/group.js';
import { recordLlmUsage } from '../src/recording/llm-usage.js';
import { fileMediaStore } from '../src/delivery/file-media-store.js';
import { op } from '../src/recording/op.js';
import { recordMedia } from '../src/recording/record-media.js';
import { outline, tempDir, tracer } from './helpers.js';

describe('annotate, recordLlmUsage, group, recordMedia', () => {
  it('annotate goes to the current op, or to the request at top level; nothing outside a request', async () => {
    const { pipeline, events } = tracer();
    annotate('ignored', 1);
    const f = op('f', () => annotate('score', { v: 0.9 }));
    pipeline.run(() => {
      annotate('user', 'ada');
      f();
    }, { requestId: 'r', metadata: { tenant: 't1' } });
    const got = await events();
    expect(got.map((e) => [e.kind, e.op_name, e.ctx, e.payload])).toEqual([
      ['annotation', null, [], { key: 'tenant', value: 't1' }],
      ['annotation', null, [], { key: 'user', value: 'ada' }],
      ['op_start', 'f', ['main', 'f#0'], { inputs: {} }],
      ['annotation', 'f', ['main', 'f#0'], { key: 'score', value: { v: 0.9 } }],
      ['op_end', 'f', ['main', 'f#0'], expect.objectContaining({ status: 'ok' })],
    ]);
  });

  it('recordLlmUsage emits llm_usage before the op_end; unknown cost is flagged, not a silent $0', async () => {
    const { pipeline, events } = tracer();
    const llm = op('llm', () => {
      recordLlmUsage({ model: 'gpt-4o-mini', promptTokens: 12, completionTokens: 3, costUsd: 0.0000036, provider: 'openai' });
      recordLlmUsage({ model: 'local', promptTokens: 5, completionTokens: Number.NaN, reasoningTokens: 2 });
      return 'x';
    });
    pipeline.run(() => llm());
    const got = await events();
    expect(outline(got)).toEqual(['op_start llm main/llm#0', 'llm_usage llm main/llm#0', 'llm_usage llm main/llm#0', 'op_end llm main/llm#0']);
    expect(got[1]!.payload).toEqual({
      model: 'gpt-4o-mini',
      prompt_tokens: 12,
      completion_tokens: 3,
      total_tokens: 15,
      cost_usd: 0.0000036,
      cost_source: 'caller',
      provider: 'openai',
    });
    expect(got[2]!.payload).toEqual({
      model: 'local',
      prompt_tokens: 5,
      completion_tokens: 0,
      total_tokens: 5,
      cost_usd: 0,
      cost_unknown: true,
      reasoning_tokens: 2,
    });
  });

  it('group wraps sync and async work, nests, closes on throw, and metadata cannot rename it', async () => {
    const { pipeline, events } = tracer();
    const work = op('work', async () => 1);
    await pipeline.run(async () => {
      await group('turn-0', async () => {
        await work();
        group('inner', () => 2);
      }, { turn_index: 0, name: 'hijack' });
      expect(() =>
        group('failing', () => {
          throw new Error('x');
        }),
      ).toThrow('x');
    });
    const got = await events();
    expect(outline(got)).toEqual([
      'group_start - ',
      'op_start work main/work#0',
      'op_end work main/work#0',
      'group_start - ',
      'group_end - ',
      'group_end - ',
      'group_start - ',
      'group_end - ',
    ]);
    expect(got.filter((e) => e.kind.startsWith('group')).map((e) => e.payload)).toEqual([
      { name: 'turn-0', turn_index: 0 },
      { name: 'inner' },
      { name: 'inner', status: 'ok' },
      { name: 'turn-0', status: 'ok' },
      { name: 'failing' },
      { name: 'failing', status: 'ok' },
    ]);
  });

  it('shutdown closes groups still open as truncated', async () => {
    const { pipeline, memory } = tracer();
    pipeline.run(() => {
      void group('forever', () => new Promise(() => {}));
    });
    const report = await pipeline.shutdown();
    expect(report.truncatedGroups).toBe(1);
    // The run settled with the group open: the request's end is marked once shutdown closed it.
    expect(memory.events.map((e) => [e.kind, e.payload])).toEqual([
      ['group_start', { name: 'forever' }],
      ['group_end', { name: 'forever', status: 'truncated' }],
      ['annotation', { key: 'optrail.request_end', value: { status: 'ok', duration_ms: expect.any(Number), open: 0 } }],
    ]);
  });

  it('recordMedia stores bytes content-addressed and atomically, and emits only a reference', async () => {
    const dir = tempDir();
    const store = fileMediaStore({ dir });
    const { pipeline, events } = tracer({ mediaStore: store });
    const bytes = new Uint8Array([137, 80, 78, 71, 1, 2, 3]);
    const digest = createHash('sha256').update(bytes).digest('hex');
    const describe = op('describe', () => recordMedia(bytes, { mime: 'image/png' }));
    const handle = pipeline.run(() => describe());
    expect(handle).toBe(`sha256:${digest}`);
    expect(recordMedia(bytes, { mime: 'image/png' })).toBeUndefined(); // outside a request
    const got = await events();
    expect(got[1]!.kind).toBe('media_ref');
    expect(got[1]!.payload).toEqual({ handle, mime: 'image/png', size_bytes: 7 });
    expect(new Uint8Array(readFileSync(join(dir, digest.slice(0, 2), digest)))).toEqual(bytes);
    expect(await store.get(handle!)).toEqual(bytes);
    expect(pipeline.metrics().media).toEqual({ written: 1, failed: 0, pendingBytes: 0 });
  });

  it('a failing media store is counted, never thrown', async () => {
    const { pipeline, events } = tracer({
      mediaStore: {
        put: () => ({ handle: 'h', written: Promise.reject(new Error('disk full')) }),
        get: async () => undefined,
      },
    });
    const f = op('f', () => recordMedia('hello', { mime: 'text/plain' }));
    expect(pipeline.run(() => f())).toBe('h');
    await events();
    expect(pipeline.metrics().media.failed).toBe(1);
    expect(pipeline.errors()).toEqual([expect.objectContaining({ source: 'media', message: 'disk full' })]);
  });
});
