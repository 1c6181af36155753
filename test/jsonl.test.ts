import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { jsonlExporter, requestFileName } from '../exporters/jsonl.js';
import { op } from '../src/recording/op.js';
import { createPipeline } from '../src/pipeline/pipeline.js';
import { readEvents } from '../src/read/read-events.js';
import { encodeBatch, serializeBatch, serializeEvent } from '../src/wire/serialize.js';
import type { TraceEvent } from '../src/pipeline/exporter-types.js';
import { tempDir } from './helpers.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);
const quiet = { exitSafety: false, logger: false } as const;

async function readFile(path: string): Promise<TraceEvent[]> {
  return lastValueFrom(readEvents(path).pipe(toArray()));
}

describe('jsonlExporter and the byte-for-byte round trip', () => {
  it('replaying a file into jsonlExporter gives the same bytes back', async () => {
    const out = join(tempDir(), 'copy.jsonl');
    const pipeline = createPipeline({ exporters: [jsonlExporter({ path: out })], ...quiet });
    await pipeline.replay(readEvents(fixture('optrail-example.jsonl')));
    await pipeline.shutdown();
    expect(readFileSync(out)).toEqual(readFileSync(fixture('optrail-example.jsonl')));
  });

  it('the same round trip through gzip', async () => {
    const out = join(tempDir(), 'copy.jsonl.gz');
    const pipeline = createPipeline({ exporters: [jsonlExporter({ path: out }, { gzip: true })], ...quiet });
    await pipeline.replay(readEvents(fixture('optrail-example.jsonl')));
    await pipeline.shutdown();
    const raw = readFileSync(out);
    expect([raw[0], raw[1]]).toEqual([0x1f, 0x8b]);
    expect(gunzipSync(raw)).toEqual(readFileSync(fixture('optrail-example.jsonl')));
  });

  it('operonx input is written in optrail form: wire field order, 6-digit timestamps, payload keys kept', async () => {
    const out = join(tempDir(), 'converted.jsonl');
    const pipeline = createPipeline({ exporters: [jsonlExporter({ path: out })], ...quiet });
    await pipeline.replay(readEvents(fixture('operonx-python.jsonl')));
    await pipeline.shutdown();
    expect(readFileSync(out, 'utf8').split('\n')[0]).toBe(
      '{"event_id":"req-1-0","request_id":"req-1","kind":"group_start","op_name":null,"ctx":[],"timestamp":"2026-05-05T12:00:00.000000Z","seq":0,"payload":{"name":"turn-0","turn_index":0}}',
    );
  });

  it('serializes any string safely: quotes, newlines, control characters, lone surrogates', () => {
    const nasty = 'a"b\\c\nd\u0001e\ud800f</script>';
    const event = Object.freeze({
      event_id: nasty,
      request_id: 'r',
      kind: 'annotation',
      op_name: nasty,
      ctx: [nasty],
      timestamp: '2026-11-22T12:00:00.000001Z',
      seq: 0,
      payload: { key: nasty, value: nasty },
    }) as TraceEvent;
    const line = serializeEvent(event);
    expect(line).not.toContain('\n');
    const parsed = JSON.parse(line);
    expect(parsed.op_name).toBe(JSON.parse(JSON.stringify(nasty)));
    expect(Object.keys(parsed)).toEqual(['event_id', 'request_id', 'kind', 'op_name', 'ctx', 'timestamp', 'seq', 'payload']);
  });


  it('encodeBatch gives exactly the UTF-8 of the lines, across piece joins and buffer growth, and the next call reuses the buffer', () => {
    const texts = ['plain', 'é', '日本語のテキスト', '🙂 emoji', 'x'.repeat(5000), '\ud800 lone', 'a"b\\c\nd'];
    const events = Array.from({ length: 3000 }, (_, i) =>
      Object.freeze({
        event_id: `r-${i}`,
        request_id: 'r',
        kind: 'annotation',
        op_name: 'op',
        ctx: Object.freeze(['main', `op#${i}`]),
        timestamp: '2026-11-22T12:00:00.000001Z',
        seq: i,
        payload: Object.freeze({ key: 'k', value: texts[i % texts.length]!.repeat(1 + (i % 3)) }),
      }) as TraceEvent,
    );
    const expected = Buffer.from(serializeBatch(events), 'utf8');
    expect(expected.length).toBeGreaterThan(2 * 256 * 1024); // the scratch buffer had to grow
    const encoded = encodeBatch(events);
    expect(encoded.equals(expected)).toBe(true);
    const kept = Buffer.from(encoded);
    const small = encodeBatch(events.slice(0, 2));
    expect(small.toString('utf8')).toBe(serializeBatch(events.slice(0, 2)));
    expect(kept.equals(expected)).toBe(true);
    expect(encodeBatch([]).length).toBe(0);
  });
  it('dir mode writes one file per request and no request id can leave the directory', async () => {
    const dir = tempDir();
    const pipeline = createPipeline({ exporters: [jsonlExporter({ dir }, { gzip: true })], ...quiet });
    const f = op('f', () => 1);
    for (const id of ['01JD3Q8Z5V6W7X8Y9Z0A1B2C3D', '../../etc/passwd', '/abs/path', '..', 'a/b']) pipeline.run(() => f(), { requestId: id });
    await pipeline.shutdown();
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(5);
    expect(files).toContain('01JD3Q8Z5V6W7X8Y9Z0A1B2C3D.jsonl.gz');
    for (const file of files) expect(file).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*\.jsonl\.gz$/);
    expect(requestFileName('../../etc/passwd')).toMatch(/^etc_passwd-[0-9a-f]{12}$/);
    expect(requestFileName('a/b')).not.toBe(requestFileName('a_b'));
    const events = await readFile(join(dir, `${requestFileName('../../etc/passwd')}.jsonl.gz`));
    expect(events.map((e) => e.request_id)).toEqual(['../../etc/passwd', '../../etc/passwd', '../../etc/passwd']);
  });

  it('rotates into numbered parts past rotateBytes, losing nothing', async () => {
    const dir = tempDir();
    const path = join(dir, 'trace.jsonl');
    const exporter = jsonlExporter({ path }, { rotateBytes: 2000 });
    const pipeline = createPipeline({ exporters: [exporter], batch: { maxEvents: 4 }, ...quiet });
    const f = op('f', (i: number) => i);
    pipeline.run(() => {
      for (let i = 0; i < 50; i++) f(i);
    }, { requestId: 'r' });
    await pipeline.shutdown();
    const parts = exporter.paths();
    expect(parts.length).toBeGreaterThan(3);
    expect(parts[1]).toBe(join(dir, 'trace.1.jsonl'));
    const all: TraceEvent[] = [];
    for (const part of parts) all.push(...(await readFile(part)));
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 101 }, (_, i) => i)); // and the request's end
  });

  it('exportSync overtaking queued gzip batches keeps batch order', async () => {
    const path = join(tempDir(), 'order.jsonl.gz');
    const exporter = jsonlExporter({ path }, { gzip: true });
    const events = (await readFile(fixture('optrail-example.jsonl'))) as TraceEvent[];
    void exporter.export(events.slice(0, 2));
    void exporter.export(events.slice(2, 3));
    exporter.exportSync!(events.slice(3));
    // Everything is on disk right after the synchronous call, in order.
    const text = gunzipSync(readFileSync(path)).toString();
    expect(text).toBe(readFileSync(fixture('optrail-example.jsonl'), 'utf8'));
    await exporter.flush!();
    await exporter.shutdown!();
    expect(gunzipSync(readFileSync(path)).toString()).toBe(readFileSync(fixture('optrail-example.jsonl'), 'utf8'));
  });

  it('a write failure is counted on the exporter, not thrown at the program', async () => {
    const dir = tempDir();
    const pipeline = createPipeline({ exporters: [jsonlExporter({ path: join(dir, 'missing-parent-is-a-file', 'x.jsonl') })], ...quiet });
    // make the parent a file so mkdir fails
    writeFileSync(join(dir, 'missing-parent-is-a-file'), 'x');
    const f = op('f', () => 'still works');
    expect(pipeline.run(() => f())).toBe('still works');
    await pipeline.flush();
    expect(pipeline.metrics().exporters.jsonl!.failures).toBe(1);
    expect(pipeline.metrics().dropped).toEqual({ 'export_failed:jsonl': 3 });
    expect(existsSync(join(dir, 'missing-parent-is-a-file', 'x.jsonl'))).toBe(false);
  });
});
