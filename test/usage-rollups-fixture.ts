/**
 * Events for the usage rollup tests (test/usage-rollups*.test.ts): a run with two priced models
 * and one without a price, and the hostile usage events. Times are `seq` milliseconds after the
 * marbles' base instant, so durations read as whole milliseconds.
 */
import type { TraceEvent } from '../src/pipeline/exporter-types.js';
import { ev } from './processors/marbles.js';

type Payload = Record<string, unknown>;
const at = (seq: number) => ({ at: seq * 1000 });
const ctxOf = (...ops: string[]) => ['main', ...ops.map((op) => `${op}#0`)];

export function opStart(request: string, seq: number, ops: string[]): TraceEvent {
  return ev('op_start', ops[ops.length - 1]!, seq, { inputs: {} }, { request, ctx: ctxOf(...ops), ...at(seq) });
}
export function opEnd(request: string, seq: number, ops: string[], durationMs: number, status = 'ok'): TraceEvent {
  return ev('op_end', ops[ops.length - 1]!, seq, { outputs: {}, status, duration_ms: durationMs, yield_count: 0 }, { request, ctx: ctxOf(...ops), ...at(seq) });
}
export function usage(request: string, seq: number, ops: readonly string[], payload: Payload): TraceEvent {
  return ops.length === 0
    ? ev('llm_usage', null, seq, payload, { request, ctx: [], ...at(seq) })
    : ev('llm_usage', ops[ops.length - 1]!, seq, payload, { request, ctx: ctxOf(...ops), ...at(seq) });
}
export function groupMarker(request: string, seq: number, kind: 'group_start' | 'group_end', name: string): TraceEvent {
  return ev(kind, null, seq, kind === 'group_start' ? { name } : { name, status: 'ok' }, { request, ...at(seq) });
}

/** gpt-4o with cache reads and reasoning, Claude with cache writes, a local model with no price; rerank calls two models. */
export function twoModelsOneUnknown(request = 'run-2'): TraceEvent[] {
  const agent = ['agent'];
  return [
    opStart(request, 0, agent),
    groupMarker(request, 1, 'group_start', 'turn-0'),
    opStart(request, 2, ['agent', 'plan']),
    usage(request, 3, ['agent', 'plan'], {
      model: 'gpt-4o-2024-08-06',
      provider: 'openai',
      request_model: 'gpt-4o',
      response_model: 'gpt-4o-2024-08-06',
      prompt_tokens: 1200,
      completion_tokens: 300,
      total_tokens: 1500,
      cache_read_tokens: 1000,
      reasoning_tokens: 100,
      cost_usd: 0.0045,
      cost_source: 'price_table',
    }),
    opEnd(request, 4, ['agent', 'plan'], 2),
    opStart(request, 5, ['agent', 'answer']),
    usage(request, 6, ['agent', 'answer'], {
      model: 'claude-sonnet-4',
      provider: 'anthropic',
      prompt_tokens: 2000,
      completion_tokens: 500,
      total_tokens: 2500,
      cache_read_tokens: 200,
      cache_write_tokens: 1500,
      cost_usd: 0.0135,
      cost_source: 'price_table',
    }),
    opEnd(request, 7, ['agent', 'answer'], 2),
    groupMarker(request, 8, 'group_end', 'turn-0'),
    groupMarker(request, 9, 'group_start', 'turn-1'),
    opStart(request, 10, ['agent', 'rerank']),
    usage(request, 11, ['agent', 'rerank'], { model: 'my-local-model', prompt_tokens: 100, completion_tokens: 10, total_tokens: 110, cost_usd: 0, cost_unknown: true }),
    usage(request, 12, ['agent', 'rerank'], { model: 'gpt-4o-2024-08-06', provider: 'openai', prompt_tokens: 50, completion_tokens: 5, total_tokens: 55, cost_usd: 0.0002, cost_source: 'caller' }),
    opEnd(request, 13, ['agent', 'rerank'], 3),
    groupMarker(request, 14, 'group_end', 'turn-1'),
    opEnd(request, 15, agent, 15),
  ];
}
