import type { OtlpAnyValue, OtlpEvent, OtlpExportRequest, OtlpKeyValue, OtlpSpan } from './types.js';

/**
 * A minimal protobuf writer for the OTLP trace messages optrail sends
 * (opentelemetry-proto `ExportTraceServiceRequest`). Field numbers follow
 * opentelemetry/proto/trace/v1/trace.proto and common/v1/common.proto; tests decode the output
 * with the generated code OpenTelemetry JS ships.
 */
class Writer {
  private readonly parts: Buffer[] = [];
  private size = 0;

  private push(buffer: Buffer): void {
    this.parts.push(buffer);
    this.size += buffer.length;
  }

  private varint(value: bigint): void {
    let v = BigInt.asUintN(64, value);
    const bytes: number[] = [];
    while (v > 0x7fn) {
      bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    bytes.push(Number(v));
    this.push(Buffer.from(bytes));
  }

  private tag(field: number, wire: number): void {
    this.varint(BigInt((field << 3) | wire));
  }

  uint(field: number, value: number | bigint): void {
    if (value === 0 || value === 0n) return;
    this.tag(field, 0);
    this.varint(BigInt(value));
  }

  /** Always written, zero included (a member of a oneof is present even when 0). */
  int64(field: number, value: bigint): void {
    this.tag(field, 0);
    this.varint(value);
  }

  bool(field: number, value: boolean): void {
    this.tag(field, 0);
    this.varint(value ? 1n : 0n);
  }

  fixed64(field: number, value: bigint): void {
    const buffer = Buffer.alloc(8);
    buffer.writeBigUInt64LE(BigInt.asUintN(64, value));
    this.tag(field, 1);
    this.push(buffer);
  }

  fixed32(field: number, value: number): void {
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32LE(value >>> 0);
    this.tag(field, 5);
    this.push(buffer);
  }

  double(field: number, value: number): void {
    const buffer = Buffer.alloc(8);
    buffer.writeDoubleLE(value);
    this.tag(field, 1);
    this.push(buffer);
  }

  bytes(field: number, value: Buffer): void {
    this.tag(field, 2);
    this.varint(BigInt(value.length));
    this.push(value);
  }

  string(field: number, value: string | undefined): void {
    if (value === undefined || value === '') return;
    this.bytes(field, Buffer.from(value, 'utf8'));
  }

  message(field: number, write: (w: Writer) => void): void {
    const inner = new Writer();
    write(inner);
    this.bytes(field, inner.finish());
  }

  finish(): Buffer {
    return Buffer.concat(this.parts, this.size);
  }
}

function anyValue(w: Writer, value: OtlpAnyValue): void {
  if ('stringValue' in value) w.bytes(1, Buffer.from(value.stringValue, 'utf8'));
  else if ('boolValue' in value) w.bool(2, value.boolValue);
  else if ('intValue' in value) w.int64(3, BigInt(value.intValue));
  else if ('doubleValue' in value) w.double(4, value.doubleValue);
  else if ('arrayValue' in value) w.message(5, (a) => value.arrayValue.values.forEach((v) => a.message(1, (x) => anyValue(x, v))));
  else if ('kvlistValue' in value) w.message(6, (l) => value.kvlistValue.values.forEach((kv) => l.message(1, (x) => keyValue(x, kv))));
}

function keyValue(w: Writer, kv: OtlpKeyValue): void {
  w.string(1, kv.key);
  w.message(2, (v) => anyValue(v, kv.value));
}

function event(w: Writer, e: OtlpEvent): void {
  w.fixed64(1, BigInt(e.timeUnixNano));
  w.string(2, e.name);
  for (const kv of e.attributes) w.message(3, (x) => keyValue(x, kv));
  w.uint(4, e.droppedAttributesCount);
}

function span(w: Writer, s: OtlpSpan): void {
  w.bytes(1, Buffer.from(s.traceId, 'hex'));
  w.bytes(2, Buffer.from(s.spanId, 'hex'));
  if (s.parentSpanId) w.bytes(4, Buffer.from(s.parentSpanId, 'hex'));
  w.string(5, s.name);
  w.uint(6, s.kind);
  w.fixed64(7, BigInt(s.startTimeUnixNano));
  w.fixed64(8, BigInt(s.endTimeUnixNano));
  for (const kv of s.attributes) w.message(9, (x) => keyValue(x, kv));
  w.uint(10, s.droppedAttributesCount);
  for (const e of s.events) w.message(11, (x) => event(x, e));
  w.uint(12, s.droppedEventsCount);
  w.uint(14, s.droppedLinksCount);
  w.message(15, (x) => {
    x.string(2, s.status.message);
    x.uint(3, s.status.code);
  });
  w.fixed32(16, s.flags);
}

/** An OTLP/JSON export request as protobuf bytes (`Content-Type: application/x-protobuf`). */
export function encodeProtobuf(request: OtlpExportRequest): Buffer {
  const w = new Writer();
  for (const rs of request.resourceSpans) {
    w.message(1, (r) => {
      r.message(1, (res) => {
        for (const kv of rs.resource.attributes) res.message(1, (x) => keyValue(x, kv));
        res.uint(2, rs.resource.droppedAttributesCount);
      });
      for (const ss of rs.scopeSpans) {
        r.message(2, (s) => {
          s.message(1, (scope) => {
            scope.string(1, ss.scope.name);
            scope.string(2, ss.scope.version);
          });
          for (const sp of ss.spans) s.message(2, (x) => span(x, sp));
        });
      }
    });
  }
  return w.finish();
}
