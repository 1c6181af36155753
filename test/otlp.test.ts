import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { lastValueFrom, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { otlpExporter, toOtlpJson } from '../exporters/otlp.js';
import { createPipeline } from '../src/pipeline/pipeline.js';
import { readEvents } from '../src/read/read-events.js';
import { spanIdFor, traceIdFor } from '../src/otlp/ids.js';
import { parseTimestampMicros } from '../src/wire/clock.js';
import type { TraceEvent } from '../src/pipeline/exporter-types.js';
import { tempDir } from './helpers.js';

const require = createRequire(import.meta.url);
// The generated protobuf code OpenTelemetry JS ships (otlp-transformer 0.57, from opentelemetry-proto).
const root = require('otlp-proto-generated/build/src/generated/root.js');
const ExportTraceServiceRequest = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);
const recorded = () => lastValueFrom(readEvents(fixture('agent-run.jsonl')).pipe(toArray()));

type Received = { contentType: string; body: Buffer };
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function collector(answers: number[] = []): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c) => chunks.push(c));
    request.on('end', () => {
      let body = Buffer.concat(chunks);
      if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const status = answers.shift() ?? 200;
      if (status === 200) received.push({ contentType: String(request.headers['content-type']), body });
      response.writeHead(status, status === 429 ? { 'Retry-After': '0' } : {});
      response.end(status === 200 ? '{}' : '');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, received };
}

/** Spans as the official generated code decodes them, with ids as hex. */
function decodeProtobuf(body: Buffer) {
  const message = ExportTraceServiceRequest.decode(body);
  const object = ExportTraceServiceRequest.toObject(message, { longs: String, bytes: String, defaults: false });
  const hex = (b64: string | undefined) => (b64 ? Buffer.from(b64, 'base64').toString('hex') : undefined);
  return object.resourceSpans.flatMap((rs: any) =>
    rs.scopeSpans.flatMap((ss: any) => ss.spans.map((s: any) => ({ ...s, traceId: hex(s.traceId), spanId: hex(s.spanId), parentSpanId: hex(s.parentSpanId) }))),
  );
}

function anyValueOf(value: any): unknown {
  if ('stringValue' in value) return value.stringValue;
  if ('boolValue' in value) return value.boolValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return value.doubleValue;
  return value;
}
const attrs = (span: any) => Object.fromEntries((span.attributes ?? []).map((a: any) => [a.key, anyValueOf(a.value)]));

async function send(encoding: 'json' | 'protobuf', events: TraceEvent[], answers: number[] = []) {
  const { url, received } = await collector(answers);
  const exporter = otlpExporter({ url, encoding, spoolDir: tempDir(), initialBackoffMs: 1, maxBackoffMs: 5, gzip: encoding === 'protobuf' });
  const pipeline = createPipeline({ exporters: [exporter], exitSafety: false, logger: false });
  await pipeline.replay(events);
  await pipeline.shutdown();
  return { received, exporter };
}

const expectedSpans = (requestId: string) => {
  const traceId = traceIdFor(requestId);
  const rootId = spanIdFor(requestId, 'main');
  const agentId = spanIdFor(requestId, 'main/agent#0');
  return { traceId, rootId, agentId };
};

describe('otlpExporter', () => {
  for (const encoding of ['json', 'protobuf'] as const) {
    it(`${encoding}: every request body decodes with the official OTLP definitions into the expected spans`, async () => {
      const { received, exporter } = await send(encoding, await recorded());
      expect(received.length).toBeGreaterThan(0);
      expect(received[0]!.contentType).toBe(encoding === 'json' ? 'application/json' : 'application/x-protobuf');
      const spans = received.flatMap((r) =>
        encoding === 'json'
          ? decodeProtobuf(ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(jsonToProtoObject(JSON.parse(r.body.toString())))).finish())
          : decodeProtobuf(r.body),
      );
      const byName = Object.fromEntries(spans.map((s: any) => [s.name, s]));
      const { traceId, rootId, agentId } = expectedSpans('run-1');
      expect(Object.keys(byName).sort()).toEqual(['agent', 'background_job', 'flaky_tool', 'group turn-0', 'llm', 'optrail.request', 'search']);
      for (const span of spans) expect(span.traceId).toBe(traceId);
      expect(byName['optrail.request'].spanId).toBe(rootId);
      expect(byName['optrail.request'].parentSpanId).toBeUndefined();
      expect(byName.agent).toMatchObject({ spanId: agentId, parentSpanId: rootId, kind: 1 });
      for (const child of ['search', 'flaky_tool', 'llm', 'background_job']) expect(byName[child].parentSpanId).toBe(agentId);
      expect(byName['group turn-0'].parentSpanId).toBe(rootId);
      expect(byName.flaky_tool.status).toEqual({ code: 2, message: 'timeout talking to <b>tool</b>' });
      expect(attrs(byName.flaky_tool)['error.type']).toBe('Error');
      expect(attrs(byName.llm)).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 12,
        'gen_ai.usage.output_tokens': 2,
        'optrail.cost_usd': 0.0000036,
      });
      expect(byName.llm.events.map((e: any) => e.name)).toEqual(['optrail.yield', 'optrail.yield']);
      expect(attrs(byName.agent)).toMatchObject({ 'optrail.annotation.user': 'ada', 'optrail.inputs': '{"question":"capital of Portugal?"}', 'optrail.outputs': '{"answer":"Lisbon"}' });
      expect(attrs(byName.background_job)['optrail.unfinished']).toBe(true);
      expect(attrs(byName['group turn-0'])).toMatchObject({ 'optrail.group.name': 'turn-0', 'optrail.group.turn_index': 0 });
      const events = await recorded();
      const micros = (kind: string) => parseTimestampMicros(events.find((e) => e.kind === kind && e.op_name === 'agent')!.timestamp);
      expect(BigInt(byName.agent.startTimeUnixNano)).toBe(BigInt(micros('op_start')) * 1000n);
      expect(BigInt(byName.agent.endTimeUnixNano)).toBe(BigInt(micros('op_end')) * 1000n);
      expect(exporter.stats().sentEvents).toBe(7);
    });
  }

  it('ids are stable across runs, and a cancelled op carries optrail.status', async () => {
    const events = await recorded();
    const a = toOtlpJson(events);
    const b = toOtlpJson(events);
    expect(a).toEqual(b);
    const cancelled = events.map((e) =>
      e.kind === 'op_end' && e.op_name === 'search' ? ({ ...e, payload: { ...e.payload, status: 'cancelled' } } as TraceEvent) : e,
    );
    const span = toOtlpJson(cancelled).resourceSpans[0]!.scopeSpans[0]!.spans.find((s) => s.name === 'search')!;
    expect(span.status).toEqual({ code: 0 });
    expect(span.attributes).toContainEqual({ key: 'optrail.status', value: { stringValue: 'cancelled' } });
  });

  it('a repeated annotation key becomes span events', () => {
    const base = { request_id: 'r', op_name: 'f', ctx: ['main', 'f#0'] };
    const t = (n: number) => `2026-11-22T12:00:00.00000${n}Z`;
    const events = [
      { ...base, event_id: 'r-0', kind: 'op_start', timestamp: t(1), seq: 0, payload: { inputs: {} } },
      { ...base, event_id: 'r-1', kind: 'annotation', timestamp: t(2), seq: 1, payload: { key: 'step', value: 1 } },
      { ...base, event_id: 'r-2', kind: 'annotation', timestamp: t(3), seq: 2, payload: { key: 'step', value: 2 } },
      { ...base, event_id: 'r-3', kind: 'op_end', timestamp: t(4), seq: 3, payload: { outputs: {}, status: 'ok', duration_ms: 0.003, yield_count: 0 } },
    ] as TraceEvent[];
    const span = toOtlpJson(events).resourceSpans[0]!.scopeSpans[0]!.spans.find((s) => s.name === 'f')!;
    expect(span.events.map((e) => e.attributes.map((a) => anyValueOf(a.value)))).toEqual([
      ['step', 1],
      ['step', 2],
    ]);
  });

  it("has the same field layout as a span from OpenTelemetry JS's own JSON serializer", async () => {
    const memory = new InMemorySpanExporter();
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
    const tracer = provider.getTracer('x');
    tracer.startActiveSpan('parent', (parent) => {
      tracer.startActiveSpan('child', (span) => {
        span.setAttribute('a', 'b');
        span.addEvent('e', { k: 1 });
        span.end();
      });
      parent.end();
    });
    const theirs = JSON.parse(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(memory.getFinishedSpans())!));
    const theirSpan = theirs.resourceSpans[0].scopeSpans.flatMap((s: any) => s.spans).find((s: any) => s.name === 'child');
    const ours = toOtlpJson(await recorded()).resourceSpans[0]!.scopeSpans[0]!.spans.find((s) => s.name === 'llm')!;
    const shape = (value: unknown): unknown =>
      Array.isArray(value) ? (value.length ? [shape(value[0])] : []) : value && typeof value === 'object' ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, shape((value as any)[k])])) : typeof value;
    const layout = (span: any) => {
      const { traceState: _t, ...rest } = span;
      return shape({ ...rest, attributes: [rest.attributes[0]], events: [rest.events[0]] });
    };
    expect(layout(ours)).toEqual(layout(theirSpan));
    expect(Object.keys(theirs.resourceSpans[0]).sort()).toEqual(expect.arrayContaining(['resource', 'scopeSpans']));
    await provider.shutdown();
    trace.disable();
    context.disable();
  });

  it("delivery follows at least OpenTelemetry's rules: 429 and 503 are retried", async () => {
    const { received, exporter } = await send('protobuf', await recorded(), [429, 503]);
    expect(exporter.stats().retries).toBe(2);
    expect(received.flatMap((r) => decodeProtobuf(r.body))).toHaveLength(7);
  });
});

/** OTLP/JSON (hex ids, string longs) → the object form protobufjs' fromObject takes (base64 bytes). */
function jsonToProtoObject(request: any): any {
  const b64 = (hex: string | undefined) => (hex ? Buffer.from(hex, 'hex').toString('base64') : undefined);
  return {
    ...request,
    resourceSpans: request.resourceSpans.map((rs: any) => ({
      ...rs,
      scopeSpans: rs.scopeSpans.map((ss: any) => ({
        ...ss,
        spans: ss.spans.map((s: any) => ({ ...s, traceId: b64(s.traceId), spanId: b64(s.spanId), parentSpanId: b64(s.parentSpanId) })),
      })),
    })),
  };
}
