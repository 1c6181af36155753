/**
 * Issue 13 §6: reading a hostile file is safe and linear. Every bad stretch is an error for its
 * own line (file, line, what is wrong) and every valid event around it is kept.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, createWriteStream, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { TreeBuilder, buildTree } from '../views/tree.js';
import { expandInputs } from '../src/cli/inputs.js';
import { readEvents, type ReadProblem } from '../src/read/read-events.js';
import type { TraceEvent } from '../src/pipeline/exporter-types.js';
import { tempDir } from './helpers.js';

const root = join(import.meta.dirname, '..');
const fixture = (name: string) => join(root, 'test/fixtures', name);

/** One valid annotation event of request `request`, number `i` (its instant and seq grow with i). */
function eventLine(i: number, request = 'r'): string {
  const micros = String(i).padStart(6, '0');
  return JSON.stringify({ event_id: `${request}-${i}`, request_id: request, kind: 'annotation', op_name: null, ctx: [], timestamp: `2026-11-22T12:00:00.${micros}Z`, seq: i, payload: { key: 'k', value: i } });
}

const linesOf = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => eventLine(from + k));

async function readAll(source: Parameters<typeof readEvents>[0], options: Parameters<typeof readEvents>[1] = {}) {
  const problems: ReadProblem[] = [];
  const events = await lastValueFrom(readEvents(source, { ...options, onError: (p) => problems.push(p) }).pipe(toArray()));
  return { events, problems, values: events.map((e) => (e.payload as { value: number }).value) };
}

function optrail(args: string[], input?: string | Buffer) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', import.meta.resolve('tsx'), join(root, 'src/cli/main.ts'), ...args],
      { cwd: root, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(input ?? '');
  });
}

/** Writes `head`, a line of `size` bytes (a JSON object with one long string), then `tail`, as a stream: the long line is never held. */
async function writeWithLongLine(path: string, head: string, size: number, tail: string): Promise<void> {
  const out = createWriteStream(path);
  const write = (chunk: string | Buffer) => new Promise<void>((resolve) => (out.write(chunk) ? resolve() : out.once('drain', resolve)));
  await write(head);
  const open = '{"x":"';
  const close = '"}\n';
  await write(open);
  const block = Buffer.alloc(1024 * 1024, 'a');
  let left = size - open.length - close.length + 1; // the newline is not part of the line
  while (left > 0) {
    const n = Math.min(left, block.length);
    await write(n === block.length ? block : block.subarray(0, n));
    left -= n;
  }
  await write(close);
  await write(tail);
  await new Promise<void>((resolve) => out.end(resolve));
}

describe('long lines: linear time, bounded memory', () => {
  it('a 200 MB line between valid events is reported with its line and size and skipped, without being held; the events before and after are kept', async () => {
    const path = join(tempDir(), 'long.jsonl');
    const size = 200 * 1000 * 1000;
    await writeWithLongLine(path, linesOf(0, 2).join('\n') + '\n', size, linesOf(2, 4).join('\n') + '\n');
    const before = process.memoryUsage();
    let heldAtReport = 0;
    const problems: ReadProblem[] = [];
    const events = await lastValueFrom(
      readEvents(path, {
        onError: (p) => {
          const now = process.memoryUsage();
          heldAtReport = now.heapUsed + now.arrayBuffers - (before.heapUsed + before.arrayBuffers);
          problems.push(p);
        },
      }).pipe(toArray()),
    );
    expect(events.map((e) => e.seq)).toEqual([0, 1, 2, 3]);
    expect(problems).toEqual([{ source: path, line: 3, message: `line of ${size} bytes is longer than the 67108864-byte limit: skipped` }]);
    // When the line is reported it was read whole: a reader that held it would hold its 200 MB
    // here; the margin below that is for read chunks the GC has not collected yet.
    expect(heldAtReport).toBeLessThan(150 * 1000 * 1000);
  }, 120_000);
});

describe('deep nesting', () => {
  const deep = eventLine(9).replace('"value":9', `"value":${'['.repeat(200_000)}${']'.repeat(200_000)}`);

  it('a line nested 200,000 deep is an error for that line; the rest of the file is read', async () => {
    const text = [eventLine(0), deep, eventLine(1)].join('\n') + '\n';
    const { values, problems } = await readAll(Readable.from([text]), { sourceName: 'deep.jsonl' });
    expect(values).toEqual([0, 1]);
    expect(problems).toEqual([{ source: 'deep.jsonl', line: 2, message: 'invalid event: nested too deeply to read (the call stack ran out)' }]);
  });

  it('the same as an element of a JSON array', async () => {
    const text = `[\n${eventLine(0)},\n${deep},\n${eventLine(2)}\n]\n`;
    const { values, problems } = await readAll(Readable.from([text]));
    expect(values).toEqual([0, 2]);
    expect(problems).toEqual([{ source: '<stream>', line: 3, message: 'invalid event: nested too deeply to read (the call stack ran out)' }]);
  });
});

describe('invalid UTF-8 and content after an array', () => {
  it('a line with invalid UTF-8 is reported with its line and skipped (not repaired); the lines around it are kept', async () => {
    const bad = Buffer.from(eventLine(1).replace('"k"', '"k\u00e9"'));
    const at = bad.indexOf(0xc3);
    bad[at] = 0xff; // not a UTF-8 lead byte
    const bytes = Buffer.concat([Buffer.from(eventLine(0) + '\n'), bad, Buffer.from('\n' + eventLine(2) + '\n')]);
    for (const chunks of [[bytes], Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1))]) {
      const { values, problems } = await readAll(Readable.from(chunks));
      expect(values).toEqual([0, 2]);
      expect(problems).toEqual([{ source: '<stream>', line: 2, message: 'invalid UTF-8: line skipped' }]);
    }
  });

  it("content after a JSON array's end is reported with its line; the array's events are kept", async () => {
    const text = `[\n${eventLine(0)},\n${eventLine(1)}\n]\n${eventLine(2)}\n`;
    const { values, problems } = await readAll(Readable.from([text]));
    expect(values).toEqual([0, 1]);
    expect(problems).toEqual([{ source: '<stream>', line: 5, message: "content after the JSON array's end: ignored" }]);
  });

  it('a torn element in the middle of a pretty-printed JSON array is reported with its line; every element after it is kept', async () => {
    const pretty = (i: number) => JSON.stringify(JSON.parse(eventLine(i)), null, 2);
    const torn = pretty(1).slice(0, pretty(1).indexOf('"annotation"') + 4); // cut inside a string
    const text = `[\n${pretty(0)},\n${torn}\n${[2, 3, 4].map(pretty).join(',\n')}\n]\n`;
    const { values, problems } = await readAll(Readable.from([text]));
    expect(values).toEqual([0, 2, 3, 4]);
    expect(problems).toEqual([{ source: '<stream>', line: 2 + pretty(0).split('\n').length, message: 'invalid event: torn array element (a line break inside a string): skipped' }]);
  });
});

describe('damaged gzip', () => {
  const body = linesOf(0, 400).join('\n') + '\n';

  it('trailing garbage: every event is kept, the damage reported with its compressed offset (a file, and the CLI: exit 1, the events shown)', async () => {
    const dir = tempDir();
    const gz = gzipSync(body);
    const path = join(dir, 'garbage.jsonl.gz');
    writeFileSync(path, Buffer.concat([gz, Buffer.from('not gzip at all')]));
    const { values, problems } = await readAll(path);
    expect(values).toEqual(Array.from({ length: 400 }, (_, i) => i));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ source: path, line: 401, message: expect.stringMatching(/^damaged gzip stream at compressed byte \d+ \(incorrect header check\)/) });
    const damageAt = problems[0]!.offset!; // a byte offset in the file
    expect(damageAt).toBeGreaterThanOrEqual(gz.length);
    expect(damageAt).toBeLessThanOrEqual(gz.length + 2);

    const stats = await optrail(['stats', '--format', 'json', path]);
    expect(stats.code).toBe(1);
    expect(JSON.parse(stats.stdout)).toMatchObject({ events: 400, requests: 1 });
    expect(stats.stderr).toBe(`${path}:401: error: ${problems[0]!.message}\n`);
  });

  it('corruption in the middle: every event decoded before the damage is kept, the damage is reported with an offset at or after it', async () => {
    const first = gzipSync(linesOf(0, 200).join('\n') + '\n');
    const second = Buffer.from(gzipSync(linesOf(200, 400).join('\n') + '\n'));
    const corruptAt = Math.floor(second.length / 2);
    for (let i = corruptAt; i < corruptAt + 16; i++) second[i] = second[i]! ^ 0x5a;
    const path = join(tempDir(), 'middle.jsonl.gz');
    writeFileSync(path, Buffer.concat([first, second]));
    // What the bytes before the damage decode to: the events that must be kept.
    const intact = gunzipSync(second.subarray(0, corruptAt), { finishFlush: constants.Z_SYNC_FLUSH }).toString();
    const keptOfSecond = intact.split('\n').length - 1;
    const { values, problems } = await readAll(path);
    expect(values.slice(0, 200 + keptOfSecond)).toEqual(Array.from({ length: 200 + keptOfSecond }, (_, i) => i));
    const damage = problems.find((p) => p.offset !== undefined)!;
    expect(damage).toMatchObject({ source: path, message: expect.stringMatching(/^damaged gzip stream at compressed byte/) });
    expect(damage.torn).toBeUndefined();
    expect(damage.offset).toBeGreaterThanOrEqual(first.length + corruptAt);
  });

  it('a truncated gzip (a torn write) keeps every complete line it holds and says where it stops', async () => {
    const gz = gzipSync(body);
    const torn = gz.subarray(0, Math.floor(gz.length * 0.6));
    const path = join(tempDir(), 'torn.jsonl.gz');
    writeFileSync(path, torn);
    const complete = gunzipSync(torn, { finishFlush: constants.Z_SYNC_FLUSH }).toString().split('\n').length - 1;
    const { values, problems } = await readAll(path);
    expect(values).toEqual(Array.from({ length: complete }, (_, i) => i));
    expect(problems.at(-1)).toEqual({ source: path, line: complete + 1, torn: true, offset: torn.length, message: `truncated gzip stream at compressed byte ${torn.length}: the writer probably stopped mid-write` });
  });

  it('from a stream that cannot be read again the events read are a prefix and the damage is still reported', async () => {
    const gz = gzipSync(body);
    const { values, problems } = await readAll(Readable.from([Buffer.concat([gz, Buffer.from('garbage')])]));
    expect(values).toEqual(Array.from({ length: values.length }, (_, i) => i));
    expect(problems.at(-1)).toMatchObject({ message: expect.stringMatching(/^damaged gzip stream/), offset: expect.any(Number) });
  });
});

describe('directories', () => {
  it('a subdirectory named x.jsonl, a symlink loop and links to one file neither abort nor double the read', async () => {
    const dir = tempDir();
    const traces = join(dir, 'traces');
    mkdirSync(join(traces, 'x.jsonl'), { recursive: true });
    copyFileSync(fixture('agent-run.jsonl'), join(traces, 'x.jsonl', 'run.jsonl'));
    symlinkSync(traces, join(traces, 'loop')); // traces/loop -> traces
    symlinkSync(join(traces, 'x.jsonl', 'run.jsonl'), join(traces, 'same.jsonl'));
    // One file, by its first name in sorted order; the loop entered once, the directory named x.jsonl entered, not read.
    expect(expandInputs([traces])).toEqual([join(traces, 'same.jsonl')]);
    const golden = readFileSync(join(root, 'test/golden/agent-run.tree.txt'), 'utf8');
    expect(await optrail(['view', traces])).toEqual({ code: 0, stdout: golden, stderr: '' });
    expect(await optrail(['validate', traces])).toEqual({ code: 0, stdout: 'valid: 15 event(s), 0 problem(s)\n', stderr: '' });
  }, 60_000);
});

describe('one event counts once', () => {
  it('optrail validate reports duplicate event_ids and seq going backwards within a request, with file and line', async () => {
    const dir = tempDir();
    const a = join(dir, 'a.jsonl');
    const b = join(dir, 'b.jsonl');
    writeFileSync(a, [eventLine(0), eventLine(5), eventLine(3, 'r').replace('"r-3"', '"r-x"')].join('\n') + '\n');
    writeFileSync(b, eventLine(0) + '\n');
    const result = await optrail(['validate', a, b]);
    expect(result).toEqual({
      code: 1,
      stdout: 'invalid: 4 event(s), 2 problem(s)\n',
      stderr: [`${a}:3: error: seq 3 after 5 in request "r" (at ${a}:2)`, `${b}:1: error: duplicate event_id "r-0" (first at ${a}:1)`].map((l) => l + '\n').join(''),
    });
  }, 60_000);

  it('the same request read from two files, the same file twice, or doubled on stdin is one request in every view and in stats', async () => {
    const dir = tempDir();
    const a = join(dir, 'a.jsonl');
    const copy = join(dir, 'copy.jsonl');
    copyFileSync(fixture('agent-run.jsonl'), a);
    copyFileSync(fixture('agent-run.jsonl'), copy);
    const golden = readFileSync(join(root, 'test/golden/agent-run.tree.txt'), 'utf8');
    const grouped = readFileSync(join(root, 'test/golden/agent-run.grouped.txt'), 'utf8');
    const once = await optrail(['stats', '--format', 'json', a]);
    for (const inputs of [[a, copy], [a, a]]) {
      expect(await optrail(['view', ...inputs])).toEqual({ code: 0, stdout: golden, stderr: '' });
      expect(await optrail(['view', '--grouped', ...inputs])).toEqual({ code: 0, stdout: grouped, stderr: '' });
      expect(await optrail(['stats', '--format', 'json', ...inputs])).toEqual(once);
    }
    const text = readFileSync(a, 'utf8');
    expect(await optrail(['view', '-'], text + text)).toEqual({ code: 0, stdout: golden, stderr: '' });
    expect(await optrail(['stats', '--format', 'json', '-'], text + text)).toEqual(once);
  }, 120_000);

  it('TreeBuilder counts a copy of an event once, whether it follows it or the request is rebuilt', async () => {
    const events: TraceEvent[] = await lastValueFrom(readEvents(fixture('agent-run.jsonl')).pipe(toArray()));
    const expected = buildTree(events);
    const each = new TreeBuilder();
    for (const event of events) {
      each.add(event);
      each.add(event);
    }
    expect(each.build()).toEqual(expected);
    expect(each.duplicates).toBe(events.length);
    expect(buildTree([...events, ...events])).toEqual(expected);
    const twice = new TreeBuilder();
    for (const event of [...events, ...events]) twice.add(event);
    twice.rebuild([...events, ...events].filter((e) => twice.outOfOrder.has(e.request_id)));
    expect(twice.build()).toEqual(expected);
  });
});
