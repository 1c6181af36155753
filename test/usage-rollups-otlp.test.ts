/**
 * Issue 17 §4 in OTLP: the span of an op with LLM usage carries its own calls in the OpenTelemetry
 * GenAI conventions (open-telemetry/semantic-conventions-genai, model/gen-ai/registry.yaml); the
 * root span and group spans carry the rollups as `optrail.usage.*`. Exact attributes.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { toOtlpJson } from '../exporters/otlp.js';
import { encodeProtobuf } from '../src/otlp/protobuf.js';
import type { OtlpKeyValue, OtlpSpan } from '../src/otlp/types.js';
import type { TraceEvent } from '../src/pipeline/exporter-types.js';
import { groupMarker, opEnd, opStart, twoModelsOneUnknown, usage } from './usage-rollups-fixture.js';

const require = createRequire(import.meta.url);
const root = require('otlp-proto-generated/build/src/generated/root.js');
const ExportTraceServiceRequest = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

const USAGE_KEY = /^(gen_ai\.|optrail\.usage\.|optrail\.llm\.|optrail\.cost)/;
function spans(events: TraceEvent[]): Record<string, OtlpSpan> {
  return Object.fromEntries(toOtlpJson(events).resourceSpans[0]!.scopeSpans[0]!.spans.map((s) => [s.name, s]));
}
/** The usage attributes of a span, in order, as `[key, value]`. */
const usageOf = (span: OtlpSpan) => span.attributes.filter((a) => USAGE_KEY.test(a.key)).map((a: OtlpKeyValue) => [a.key, a.value]);
const int = (intValue: number) => ({ intValue });
const str = (stringValue: string) => ({ stringValue });
const dbl = (doubleValue: number) => ({ doubleValue });

describe('OTLP usage attributes', () => {
  it('each op span: its own calls with the GenAI names; the root and each group: the rollups', () => {
    const byName = spans(twoModelsOneUnknown());
    expect(usageOf(byName.plan!)).toEqual([
      ['gen_ai.operation.name', str('chat')],
      ['gen_ai.request.model', str('gpt-4o')],
      ['gen_ai.response.model', str('gpt-4o-2024-08-06')],
      ['gen_ai.provider.name', str('openai')],
      ['gen_ai.usage.input_tokens', int(1200)],
      ['gen_ai.usage.output_tokens', int(300)],
      ['gen_ai.usage.cache_read.input_tokens', int(1000)],
      ['gen_ai.usage.reasoning.output_tokens', int(100)],
      ['optrail.cost_usd', dbl(0.0045)],
    ]);
    expect(usageOf(byName.answer!)).toEqual([
      ['gen_ai.operation.name', str('chat')],
      ['gen_ai.request.model', str('claude-sonnet-4')],
      ['gen_ai.provider.name', str('anthropic')],
      ['gen_ai.usage.input_tokens', int(2000)],
      ['gen_ai.usage.output_tokens', int(500)],
      ['gen_ai.usage.cache_read.input_tokens', int(200)],
      ['gen_ai.usage.cache_creation.input_tokens', int(1500)],
      ['optrail.cost_usd', dbl(0.0135)],
    ]);
    // Two calls to two models: the sums, no model or provider claimed, both models listed.
    expect(usageOf(byName.rerank!)).toEqual([
      ['gen_ai.operation.name', str('chat')],
      ['gen_ai.usage.input_tokens', int(150)],
      ['gen_ai.usage.output_tokens', int(15)],
      ['optrail.cost_usd', dbl(0.0002)],
      ['optrail.cost_unknown', { boolValue: true }],
      ['optrail.llm.calls', int(2)],
      ['optrail.llm.models', { arrayValue: { values: [str('my-local-model'), str('gpt-4o-2024-08-06')] } }],
    ]);
    expect(usageOf(byName.agent!)).toEqual([]); // its children's calls are theirs: a backend sums gen_ai.* over spans
    const byModel = (models: object[]) => ['optrail.usage.by_model', str(JSON.stringify(models))];
    const model = (name: string, calls: number, input: number, output: number, cacheRead: number, cacheWrite: number, reasoning: number, cost: number, unknown: number) => ({
      model: name,
      calls,
      input_tokens: input,
      output_tokens: output,
      total_tokens: input + output,
      cache_read_input_tokens: cacheRead,
      cache_creation_input_tokens: cacheWrite,
      reasoning_output_tokens: reasoning,
      cost_usd: cost,
      cost_unknown_calls: unknown,
    });
    expect(usageOf(byName['optrail.request']!)).toEqual([
      ['optrail.usage.calls', int(4)],
      ['optrail.usage.input_tokens', int(3350)],
      ['optrail.usage.output_tokens', int(815)],
      ['optrail.usage.total_tokens', int(4165)],
      ['optrail.usage.cache_read.input_tokens', int(1200)],
      ['optrail.usage.cache_creation.input_tokens', int(1500)],
      ['optrail.usage.reasoning.output_tokens', int(100)],
      ['optrail.usage.cost_usd', dbl(0.0045 + 0.0135 + 0.0002)],
      ['optrail.usage.cost_unknown_calls', int(1)],
      byModel([
        model('claude-sonnet-4', 1, 2000, 500, 200, 1500, 0, 0.0135, 0),
        model('gpt-4o-2024-08-06', 2, 1250, 305, 1000, 0, 100, 0.0045 + 0.0002, 0),
        model('my-local-model', 1, 100, 10, 0, 0, 0, 0, 1),
      ]),
    ]);
    expect(usageOf(byName['group turn-1']!)).toEqual([
      ['optrail.usage.calls', int(2)],
      ['optrail.usage.input_tokens', int(150)],
      ['optrail.usage.output_tokens', int(15)],
      ['optrail.usage.total_tokens', int(165)],
      ['optrail.usage.cache_read.input_tokens', int(0)],
      ['optrail.usage.cache_creation.input_tokens', int(0)],
      ['optrail.usage.reasoning.output_tokens', int(0)],
      ['optrail.usage.cost_usd', dbl(0.0002)],
      ['optrail.usage.cost_unknown_calls', int(1)],
      byModel([model('gpt-4o-2024-08-06', 1, 50, 5, 0, 0, 0, 0.0002, 0), model('my-local-model', 1, 100, 10, 0, 0, 0, 0, 1)]),
    ]);
    expect(usageOf(byName['group turn-0']!).slice(0, 2)).toEqual([
      ['optrail.usage.calls', int(2)],
      ['optrail.usage.input_tokens', int(3200)],
    ]);
  });

  it('usage at request level and of an op that never ended: in the root; the unfinished span carries its own', () => {
    const r = 'h';
    const byName = spans([
      usage(r, 0, [], { model: 'outside', prompt_tokens: 7, completion_tokens: 3, total_tokens: 10, cost_usd: 0.02 }),
      opStart(r, 1, ['stream']),
      usage(r, 2, ['stream'], { model: 'm', prompt_tokens: 4, completion_tokens: 1, total_tokens: 5, cost_usd: 0, cost_unknown: true }),
    ]);
    expect(byName.stream!.attributes).toContainEqual({ key: 'optrail.unfinished', value: { boolValue: true } });
    expect(usageOf(byName.stream!)).toEqual([
      ['gen_ai.operation.name', str('chat')],
      ['gen_ai.request.model', str('m')],
      ['gen_ai.usage.input_tokens', int(4)],
      ['gen_ai.usage.output_tokens', int(1)],
      ['optrail.cost_usd', dbl(0)],
      ['optrail.cost_unknown', { boolValue: true }],
    ]);
    const rootUsage = Object.fromEntries(usageOf(byName['optrail.request']!));
    expect(rootUsage).toMatchObject({ 'optrail.usage.calls': int(2), 'optrail.usage.total_tokens': int(15), 'optrail.usage.cost_usd': dbl(0.02), 'optrail.usage.cost_unknown_calls': int(1) });
  });

  it('a model named __proto__ is one model of the rollup; old five-field events and cached_prompt_tokens read as in the views', () => {
    const r = 'p';
    const byName = spans([
      opStart(r, 0, ['llm']),
      usage(r, 1, ['llm'], { model: '__proto__', prompt_tokens: 10, completion_tokens: 1, total_tokens: 11, cost_usd: 0.5, cached_prompt_tokens: 8 }),
      usage(r, 2, ['llm'], { model: 'constructor', prompt_tokens: 2, completion_tokens: 2, total_tokens: 4, cost_usd: 0.25 }),
      opEnd(r, 3, ['llm'], 3),
    ]);
    expect(usageOf(byName.llm!).slice(0, 4)).toEqual([
      ['gen_ai.operation.name', str('chat')],
      ['gen_ai.usage.input_tokens', int(12)],
      ['gen_ai.usage.output_tokens', int(3)],
      ['gen_ai.usage.cache_read.input_tokens', int(8)],
    ]);
    const models = JSON.parse(Object.fromEntries(usageOf(byName['optrail.request']!))['optrail.usage.by_model'].stringValue);
    expect(models.map((m: { model: string; calls: number; cache_read_input_tokens: number }) => [m.model, m.calls, m.cache_read_input_tokens])).toEqual([
      ['__proto__', 1, 8],
      ['constructor', 1, 0],
    ]);
    expect(Object.getPrototypeOf(models[0])).toBe(Object.prototype);
  });

  it('huge counts are doubles, not int64s that wrap: the protobuf encoding decodes to the same numbers', () => {
    const r = 'big';
    const huge = { model: 'm', prompt_tokens: 1e300, completion_tokens: 2 ** 62, total_tokens: 1e300, cost_usd: 1 };
    const request = toOtlpJson([opStart(r, 0, ['llm']), usage(r, 1, ['llm'], huge), opEnd(r, 2, ['llm'], 2), groupMarker(r, 3, 'group_start', 'g'), groupMarker(r, 4, 'group_end', 'g')]);
    const llm = request.resourceSpans[0]!.scopeSpans[0]!.spans.find((s) => s.name === 'llm')!;
    expect(usageOf(llm).slice(2, 4)).toEqual([
      ['gen_ai.usage.input_tokens', dbl(1e300)],
      ['gen_ai.usage.output_tokens', int(2 ** 62)],
    ]);
    const decoded = ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(encodeProtobuf(request)), { longs: String, defaults: false });
    const attrs = decoded.resourceSpans[0].scopeSpans[0].spans.find((s: { name: string }) => s.name === 'llm').attributes;
    const value = (key: string) => attrs.find((a: { key: string }) => a.key === key).value;
    expect(value('gen_ai.usage.input_tokens')).toEqual({ doubleValue: 1e300 });
    expect(value('gen_ai.usage.output_tokens')).toEqual({ intValue: String(2n ** 62n) });
  });
});
