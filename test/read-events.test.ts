import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { openEvents, readEvents, TraceReadError, type ReadProblem } from '../src/read/read-events.js';
import type { TraceEvent } from '../src/pipeline/exporter-types.js';
import { tempDir } from './helpers.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);
const exampleLines = readFileSync(fixture('optrail-example.jsonl'), 'utf8').trimEnd().split('\n');

async function readAll(source: Parameters<typeof readEvents>[0], options: Parameters<typeof readEvents>[1] = {}) {
  const problems: ReadProblem[] = [];
  const events = await lastValueFrom(readEvents(source, { ...options, onError: (p) => problems.push(p) }).pipe(toArray()));
  return { events, problems };
}

describe('readEvents', () => {
  it('reads the wire-format examples, validated and frozen', async () => {
    const { events, problems } = await readAll(fixture('optrail-example.jsonl'));
    expect(problems).toEqual([]);
    expect(events.map((e) => e.kind)).toEqual(['op_start', 'op_start', 'llm_usage', 'op_end', 'op_end']);
    expect(Object.isFrozen(events[0]!.payload)).toBe(true);
    expect(Object.isFrozen((events[0]!.payload as any).inputs)).toBe(true);
  });

  it('reports bad lines with file, line and what is wrong, and keeps every valid event around them', async () => {
    const dir = tempDir();
    const path = join(dir, 'corrupt.jsonl');
    const lines = [
      exampleLines[0],
      '{"not json',
      exampleLines[1],
      exampleLines[2]!.replace('"kind":"llm_usage"', '"kind":"llm_usagez"'),
      exampleLines[3]!.replace('"status":"ok"', '"status":"fine"'),
      '',
      exampleLines[4],
    ];
    writeFileSync(path, lines.join('\n') + '\n');
    const { events, problems } = await readAll(path);
    expect(events.map((e) => e.seq)).toEqual([0, 1, 4]);
    expect(problems.map((p) => [p.source, p.line, p.message])).toEqual([
      [path, 2, expect.stringMatching(/^invalid JSON: /)],
      [path, 4, 'invalid event: unknown kind "llm_usagez"'],
      [path, 5, 'invalid event: payload.status: Invalid option: expected one of "ok"|"error"|"cancelled"'],
    ]);
  });

  it('strict mode stops at the first bad line with a TraceReadError', async () => {
    const source = Readable.from([exampleLines[0] + '\n{"kind":"op_start"}\n' + exampleLines[1] + '\n']);
    const seen: TraceEvent[] = [];
    const error = await new Promise<unknown>((resolve) =>
      readEvents(source, { strict: true, sourceName: 'stdin' }).subscribe({ next: (e) => seen.push(e), error: resolve }),
    );
    expect(error).toBeInstanceOf(TraceReadError);
    expect((error as TraceReadError).message).toMatch(/^stdin:2: invalid event: /);
    expect(seen).toHaveLength(1);
  });

  it('tolerates a torn last line (a killed writer), even in strict mode, and reports it', async () => {
    const text = exampleLines.slice(0, 3).join('\n') + '\n' + exampleLines[3]!.slice(0, 40);
    const { events, problems } = await readAll(Readable.from([Buffer.from(text)]), { strict: true });
    expect(events).toHaveLength(3);
    expect(problems).toEqual([{ source: '<stream>', line: 4, message: expect.stringMatching(/^torn last line/), torn: true }]);
  });

  it('detects gzip by magic bytes (not by name), including concatenated members and chunk splits', async () => {
    const dir = tempDir();
    const path = join(dir, 'no-gz-suffix.log');
    const first = gzipSync(exampleLines.slice(0, 2).join('\n') + '\n');
    const second = gzipSync(exampleLines.slice(2).join('\n') + '\n');
    writeFileSync(path, Buffer.concat([first, second]));
    const { events, problems } = await readAll(path);
    expect(problems).toEqual([]);
    expect(events).toHaveLength(5);
    const all = Buffer.concat([first, second]);
    const chunks = Array.from({ length: all.length }, (_, i) => all.subarray(i, i + 1));
    expect((await readAll(Readable.from(chunks))).events).toHaveLength(5);
  });

  it('keeps what a truncated gzip stream holds and reports the truncation', async () => {
    const body = Array.from({ length: 200 }, (_, i) => exampleLines[i % 5]).join('\n') + '\n';
    const zipped = gzipSync(body, { level: 1 });
    const torn = zipped.subarray(0, Math.floor(zipped.length * 0.8));
    const { events, problems } = await readAll(Readable.from([torn]));
    expect(events.length).toBeGreaterThan(0);
    expect(events.length).toBeLessThan(200);
    expect(problems.at(-1)).toMatchObject({ torn: true, message: expect.stringMatching(/truncated gzip stream/) });
  });

  it("reads operonx's Python spacing and fraction-less timestamps", async () => {
    const { events, problems } = await readAll(fixture('operonx-python.jsonl'));
    expect(problems).toEqual([]);
    expect(events.map((e) => [e.kind, e.timestamp])).toEqual([
      ['group_start', '2026-05-05T12:00:00Z'],
      ['op_start', '2026-05-05T12:00:00.123456Z'],
      ['op_yield', '2026-05-05T12:00:00.123470Z'],
    ]);
    expect(events[1]!.payload).toEqual({ inputs: { x: 5 }, media_refs: [] });
  });

  it("reads operonx's pretty-printed JSON array, with element line numbers for errors", async () => {
    const { events, problems } = await readAll(fixture('operonx-array.json'));
    expect(problems).toEqual([]);
    expect(events.map((e) => e.kind)).toEqual(['op_start', 'op_yield', 'op_end']);
    expect((events[1]!.payload as any).yielded.note).toBe('a } and a ] inside "a string"');
    const broken = readFileSync(fixture('operonx-array.json'), 'utf8').replace('"status": "ok"', '"status": 7');
    const result = await readAll(Readable.from([broken]));
    expect(result.events).toHaveLength(2);
    expect(result.problems).toEqual([{ source: '<stream>', line: 22, message: expect.stringMatching(/^invalid event: payload\.status/) }]);
  });

  it('a torn JSON array keeps its complete elements', async () => {
    const text = readFileSync(fixture('operonx-array.json'), 'utf8');
    const cut = text.slice(0, text.indexOf('"req-2-2"'));
    const { events, problems } = await readAll(Readable.from([cut]));
    expect(events).toHaveLength(2);
    expect(problems).toEqual([{ source: '<stream>', line: 22, message: 'torn JSON array: the last element never ended', torn: true }]);
  });

  it('unknown kinds are errors unless the caller asks for leniency', async () => {
    const line = exampleLines[0]!.replace('"kind":"op_start"', '"kind":"span_link"');
    expect((await readAll(Readable.from([line + '\n']))).problems).toHaveLength(1);
    const lenient = await readAll(Readable.from([line + '\n']), { allowUnknownKinds: true });
    expect(lenient.events.map((e) => e.kind)).toEqual(['span_link']);
  });

  it('reads async iterables of strings split mid-character and mid-line', async () => {
    const text = exampleLines[0]!.replace('What is 2+2?', 'héllo — 日本') + '\n';
    const bytes = Buffer.from(text);
    async function* pieces() {
      for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7);
    }
    const event = await firstValueFrom(readEvents(pieces()));
    expect((event.payload as any).inputs.question).toBe('héllo — 日本');
  });

  it('a missing file errors with its name', async () => {
    await expect(lastValueFrom(readEvents('/nonexistent/x.jsonl'))).rejects.toThrow(/\/nonexistent\/x\.jsonl:0: cannot read: ENOENT/);
  });
});

describe('line splitting in bytes (issue 13 §6)', () => {
  const event = (i: number) =>
    JSON.stringify({ event_id: `r-${i}`, request_id: 'r', kind: 'annotation', op_name: null, ctx: [], timestamp: '2026-11-22T12:00:00.000001Z', seq: i, payload: { key: 'k', value: i } });
  type Piece = { kind: 'event' } | { kind: 'pad'; size: number } | { kind: 'utf8' } | { kind: 'blank' };
  const limit = 300;

  it('any chunking gives the same events and problems: lines over the limit skipped with their size, invalid UTF-8 skipped, lines counted', async () => {
    const piece = fc.oneof(
      fc.constant<Piece>({ kind: 'event' }),
      fc.integer({ min: 250, max: 1000 }).map((size): Piece => ({ kind: 'pad', size })),
      fc.constant<Piece>({ kind: 'utf8' }),
      fc.constant<Piece>({ kind: 'blank' }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 12 }), fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 8 }), async (pieces, cuts) => {
        const lines: Buffer[] = [];
        const expectedValues: number[] = [];
        const expectedProblems: Array<[number, string]> = [];
        pieces.forEach((p, index) => {
          const line = index + 1;
          if (p.kind === 'event') {
            lines.push(Buffer.from(event(index)));
            expectedValues.push(index);
          } else if (p.kind === 'pad') {
            lines.push(Buffer.from(`{"p":"${'é'.repeat(Math.floor((p.size - 8) / 2))}"}`));
            const size = lines.at(-1)!.length;
            expectedProblems.push([line, size > limit ? `line of ${size} bytes is longer than the ${limit}-byte limit: skipped` : 'invalid event: missing "kind"']);
          } else if (p.kind === 'utf8') {
            lines.push(Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xe2, 0x28, 0xa1]), Buffer.from('"}')]));
            expectedProblems.push([line, 'invalid UTF-8: line skipped']);
          } else lines.push(Buffer.from('  '));
        });
        const bytes = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
        const chunks: Buffer[] = [];
        for (let at = 0, k = 0; at < bytes.length; k++) {
          const n = cuts[k % cuts.length]!;
          chunks.push(bytes.subarray(at, at + n));
          at += n;
        }
        const problems: ReadProblem[] = [];
        const events = await lastValueFrom(openEvents(Readable.from(chunks), { onError: (p) => problems.push(p) }, { maxLineBytes: limit }).pipe(toArray()));
        expect(events.map((e) => (e.payload as { value: number }).value)).toEqual(expectedValues);
        expect(problems.map((p) => [p.line, p.message])).toEqual(expectedProblems);
      }),
      { numRuns: 150 },
    );
  });

  it('a line of exactly the limit is read; one byte more is skipped', async () => {
    const line = event(0);
    const padded = (extra: number) => line.slice(0, -1) + ' '.repeat(extra) + '}';
    const read = async (text: string) => {
      const problems: ReadProblem[] = [];
      const events = await lastValueFrom(openEvents(Readable.from([text]), { onError: (p) => problems.push(p) }, { maxLineBytes: 200 }).pipe(toArray()));
      return { events: events.length, problems: problems.map((p) => p.message) };
    };
    expect(await read(padded(200 - line.length) + '\n')).toEqual({ events: 1, problems: [] });
    expect(await read(padded(201 - line.length) + '\n')).toEqual({ events: 0, problems: ['line of 201 bytes is longer than the 200-byte limit: skipped'] });
  });
});
