/**
 * OpenTelemetry JS set up as its users run it: BasicTracerProvider, BatchSpanProcessor with its
 * defaults, AsyncLocalStorage context. Exporters: a no-op one, and a JSON Lines file exporter
 * that serializes everything each span recorded.
 */
import { writeSync, openSync, closeSync } from 'node:fs';
import { context, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';

const SUCCESS = 0;

export class CountingExporter implements SpanExporter {
  exported = 0;
  export(spans: ReadableSpan[], done: (r: { code: number }) => void): void {
    this.exported += spans.length;
    done({ code: SUCCESS });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export class JsonlSpanExporter extends CountingExporter {
  private readonly fd: number;
  constructor(path: string) {
    super();
    this.fd = openSync(path, 'a');
  }
  override export(spans: ReadableSpan[], done: (r: { code: number }) => void): void {
    let text = '';
    for (const span of spans) {
      const ctx = span.spanContext();
      text +=
        JSON.stringify({
          name: span.name,
          trace_id: ctx.traceId,
          span_id: ctx.spanId,
          parent_span_id: span.parentSpanContext?.spanId,
          start: span.startTime,
          end: span.endTime,
          attributes: span.attributes,
          status: span.status,
          events: span.events,
        }) + '\n';
    }
    writeSync(this.fd, text);
    super.export(spans, done);
  }
  override shutdown(): Promise<void> {
    closeSync(this.fd);
    return Promise.resolve();
  }
}

export function otelTracer(exporter: SpanExporter): { tracer: Tracer; provider: BasicTracerProvider } {
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
  trace.setGlobalTracerProvider(provider);
  return { tracer: trace.getTracer('bench'), provider };
}
