/**
 * Issue 14 §8: the receiver survives hostile clients. Gzip bombs, bodies at and past the limit,
 * slow sockets, duplicate-id memory and who may connect without a key. Survival and memory are
 * measured on a receiver in its own process (test/children/receiver-child.ts).
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type ClientRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { gzipSync, createGzip } from 'node:zlib';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver, type ReceiverOptions } from '../receiver/receiver.js';
import { BodyChunks } from '../receiver/body-chunks.js';
import { startChild } from './child-process.js';
import { tempDir } from './helpers.js';

const root = join(import.meta.dirname, '..');
const MiB = 1024 * 1024;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function receiver(options: Partial<ReceiverOptions> = {}): Promise<Receiver & { out: string }> {
  const out = tempDir('optrail-hostile-');
  const started = await startReceiver({ outDir: out, ...options });
  cleanups.push(() => started.close());
  return Object.assign(started, { out });
}

/** One valid event line (no newline) with this id. */
function eventLine(id: string, seq = 0): string {
  return JSON.stringify({
    event_id: id,
    request_id: 'hostile',
    kind: 'annotation',
    op_name: 'agent',
    ctx: ['main', 'agent#0'],
    timestamp: '2026-11-23T20:22:59.301357Z',
    seq,
    payload: { key: 'k', value: 'v' },
  });
}

interface Answer {
  status: number;
  body: string;
}

/** POSTs `body` with node:http; `chunked` leaves out Content-Length. */
function post(url: string, body: Buffer, headers: Record<string, string> = {}, chunked = false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'Content-Type': 'application/x-ndjson', ...(chunked ? {} : { 'Content-Length': String(body.length) }), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A gzip body of `inflated` bytes of newlines (or of `byte`), compressed in 1 MiB chunks (the test never holds the inflated bytes). */
async function newlineBomb(inflated: number, byte = '\n'): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const parts: Buffer[] = [];
  gzip.on('data', (d: Buffer) => parts.push(d));
  const done = new Promise((resolve) => gzip.on('end', resolve));
  const chunk = Buffer.alloc(MiB, byte);
  for (let left = inflated; left > 0; left -= chunk.length) {
    if (!gzip.write(left >= chunk.length ? chunk : chunk.subarray(0, left))) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end();
  await done;
  return Buffer.concat(parts);
}

/** A receiver in a child process: its url, and `stop()` giving its counters and peak RSS. */
async function childReceiver(options: Partial<ReceiverOptions> = {}) {
  const out = tempDir('optrail-hostile-child-');
  const { child, firstLine, exited } = startChild('test/children/receiver-child.ts', [out, JSON.stringify(options)]);
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const ready = JSON.parse(await firstLine) as { url: string; maxRssBytes: number };
  return {
    ...ready,
    out,
    exited,
    async stop() {
      child.kill('SIGTERM');
      const result = await exited;
      const last = result.stdout.trim().split('\n').at(-1)!;
      return { ...result, ...(JSON.parse(last) as { stats: Record<string, number>; maxRssBytes: number }) };
    },
  };
}

describe('gzip bombs', () => {
  it('a 249 KiB body inflating to 250 MiB of newlines gets 413, and the receiver keeps serving', async () => {
    const bomb = await newlineBomb(250 * MiB);
    expect(bomb.length).toBeLessThan(250 * 1024);
    const child = await childReceiver();
    expect(await post(child.url, bomb, { 'Content-Encoding': 'gzip' })).toMatchObject({ status: 413 });
    const ok = await post(child.url, Buffer.from(`${eventLine('after-bomb')}\n`));
    expect(ok).toEqual({ status: 200, body: JSON.stringify({ accepted: 1, duplicates: 0, invalid: 0 }) });
    const stopped = await child.stop();
    expect(stopped.code).toBe(0);
    expect(stopped.stats).toMatchObject({ tooLarge: 1, accepted: 1, batches: 1 });
    expect(readFileSync(join(child.out, 'hostile.jsonl'), 'utf8')).toBe(`${eventLine('after-bomb')}\n`);
  });

  it('20 concurrent bombs: every one gets 413, and the peak RSS stays far below their inflated size', async () => {
    const bomb = await newlineBomb(250 * MiB);
    const child = await childReceiver();
    const answers = await Promise.all(Array.from({ length: 20 }, () => post(child.url, bomb, { 'Content-Encoding': 'gzip' })));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(413));
    expect(await post(child.url, Buffer.from(`${eventLine('after-bombs')}\n`))).toMatchObject({ status: 200 });
    const stopped = await child.stop();
    expect(stopped.code).toBe(0);
    expect(stopped.stats).toMatchObject({ tooLarge: 20, accepted: 1 });
    const peakMiB = (stopped.maxRssBytes / MiB).toFixed(0);
    const baseMiB = (child.maxRssBytes / MiB).toFixed(0);
    console.log(`receiver peak RSS under 20 concurrent 250 MiB gzip bombs: ${peakMiB} MiB (${baseMiB} MiB once listening)`);
    // 20 inflated bombs are 5000 MiB; even 20 bodies at the 16 MiB limit would be 320 MiB.
    expect(stopped.maxRssBytes - child.maxRssBytes).toBeLessThan(256 * MiB);
  });
});

describe('the bodies held at once are bounded across requests', () => {
  it('lines nested too deeply to validate are invalid lines, not failed requests: the held bytes go back and the receiver keeps accepting', async () => {
    const r = await receiver({ maxBodyBytes: 1 * MiB, maxHeldBodyBytes: 1 * MiB });
    // A well-formed event whose payload value nests 20,000 deep: validating and freezing it runs out of stack.
    const deep = eventLine('deep').replace('"value":"v"', `"value":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`);
    const hostile = Buffer.from(`${deep}\n${eventLine('beside-the-deep-one')}\n${' '.repeat(500_000)}\n`);
    for (let i = 0; i < 5; i++) expect((await post(r.url, hostile)).status).toBe(200); // 5 × 520 KB through a 1 MiB budget
    expect(r.stats.invalid).toBe(5);
    expect(await post(r.url, Buffer.from(`${eventLine('after-the-deep-ones')}\n`))).toMatchObject({ status: 200 });
    expect(r.stats.accepted).toBe(2);
  });


  it('20 concurrent bombs of a non-blank byte: each is 413 or 503, and the peak RSS stays under the held-bytes budget', async () => {
    const bomb = await newlineBomb(250 * MiB, 'a');
    const child = await childReceiver({ maxHeldBodyBytes: 64 * MiB });
    const answers = await Promise.all(Array.from({ length: 20 }, () => post(child.url, bomb, { 'Content-Encoding': 'gzip' })));
    expect(answers.every((a) => a.status === 413 || a.status === 503)).toBe(true);
    expect(await post(child.url, Buffer.from(`${eventLine('after-a-bombs')}\n`))).toMatchObject({ status: 200 });
    const stopped = await child.stop();
    expect(stopped.code).toBe(0);
    expect(stopped.stats.tooLarge! + stopped.stats.busy!).toBe(20);
    console.log(
      `receiver peak RSS under 20 concurrent 250 MiB gzip bombs of "a" (64 MiB held at most): ${(stopped.maxRssBytes / MiB).toFixed(0)} MiB ` +
        `(${(child.maxRssBytes / MiB).toFixed(0)} MiB once listening)`,
    );
    // Without the budget, 20 bodies at the 16 MiB limit are held at once (320 MiB, measured 430 MiB of RSS).
    expect(stopped.maxRssBytes - child.maxRssBytes).toBeLessThan(200 * MiB);
  });

  it('a body that would pass maxHeldBodyBytes gets 503 with Retry-After while another is held, and goes through after', async () => {
    const r = await receiver({ maxBodyBytes: 1000, maxHeldBodyBytes: 1000, rememberExisting: false });
    // In front of the receiver: its 'data' listener runs after the receiver's, so once it has seen
    // 800 bytes of the first body, the receiver holds them.
    let firstHeld!: () => void;
    const held = new Promise<void>((resolve) => (firstHeld = resolve));
    const front = createServer((req, res) => {
      r.handle(req, res);
      let seen = 0;
      req.on('data', (d: Buffer) => (seen += d.length) >= 800 && firstHeld());
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => front.close(() => resolve())));
    const url = `http://127.0.0.1:${(front.address() as { port: number }).port}/v1/events`;
    const padded = (id: string, size: number) => Buffer.from(`${eventLine(id)}\n`.padEnd(size, ' '));

    let first!: ClientRequest;
    const firstAnswer = new Promise<Answer>((resolve, reject) => {
      first = httpRequest(url, { method: 'POST' }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      });
      first.on('error', reject);
    });
    first.write(padded('held-first', 800));
    await held;
    const refused = await new Promise<{ status: number; retryAfter?: string; body: string }>((resolve, reject) => {
      const req = httpRequest(url, { method: 'POST' }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'], body: text }));
      });
      req.on('error', reject);
      req.end(padded('held-second', 500));
    });
    expect(refused).toEqual({ status: 503, retryAfter: '1', body: JSON.stringify({ error: 'busy: the bodies in flight hold 1000 bytes, retry' }) });
    first.end();
    expect(await firstAnswer).toEqual({ status: 200, body: JSON.stringify({ accepted: 1, duplicates: 0, invalid: 0 }) });
    expect(await post(url, padded('held-second', 500))).toEqual({ status: 200, body: JSON.stringify({ accepted: 1, duplicates: 0, invalid: 0 }) });
    expect(r.stats).toMatchObject({ busy: 1, accepted: 2 });
  });
});

describe('body limits hold compressed or not', () => {
  const limit = 2000;
  /** A body of exactly `size` bytes: valid event lines padded with newlines (only newlines when too short). */
  function bodyOf(size: number, tag: string): { body: Buffer; events: number } {
    const line = `${eventLine(`${tag}-0`)}\n`;
    if (size < line.length) return { body: Buffer.alloc(size, '\n'), events: 0 };
    return { body: Buffer.concat([Buffer.from(line), Buffer.alloc(size - line.length, '\n')]), events: 1 };
  }

  it('exactly max-body-bytes is accepted and one byte more is refused, plain, chunked and gzip', async () => {
    const r = await receiver({ maxBodyBytes: limit });
    const cases: Array<{ name: string; encode: (b: Buffer) => Buffer; headers: Record<string, string>; chunked: boolean }> = [
      { name: 'plain', encode: (b: Buffer) => b, headers: {}, chunked: false },
      { name: 'chunked', encode: (b: Buffer) => b, headers: {}, chunked: true },
      { name: 'gzip', encode: (b: Buffer) => gzipSync(b), headers: { 'Content-Encoding': 'gzip' }, chunked: false },
      { name: 'gzip-chunked', encode: (b: Buffer) => gzipSync(b), headers: { 'Content-Encoding': 'gzip' }, chunked: true },
    ];
    for (const c of cases) {
      const exact = bodyOf(limit, `${c.name}-exact`);
      expect(await post(r.url, c.encode(exact.body), c.headers, c.chunked), c.name).toEqual({
        status: 200,
        body: JSON.stringify({ accepted: 1, duplicates: 0, invalid: 0 }),
      });
      const over = bodyOf(limit + 1, `${c.name}-over`);
      expect(await post(r.url, c.encode(over.body), c.headers, c.chunked), c.name).toEqual({
        status: 413,
        body: JSON.stringify({ error: `body larger than ${limit} bytes` }),
      });
    }
    expect(r.stats).toMatchObject({ accepted: 4, tooLarge: 4, batches: 4 });
    expect(readFileSync(join(r.out, 'hostile.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).event_id)).toEqual([
      'plain-exact-0',
      'chunked-exact-0',
      'gzip-exact-0',
      'gzip-chunked-exact-0',
    ]);
  });

  it('a gzip body whose compressed bytes pass the limit is refused even when it inflates to less', async () => {
    const r = await receiver({ maxBodyBytes: limit });
    // A gzip stream followed by junk it never reads: the compressed size is what crosses the limit.
    const body = Buffer.concat([gzipSync(Buffer.from(`${eventLine('junk-0')}\n`)), Buffer.alloc(limit)]);
    expect(await post(r.url, body, { 'Content-Encoding': 'gzip' }, true)).toMatchObject({ status: 413 });
    expect(r.stats).toMatchObject({ accepted: 0, tooLarge: 1 });
  });

  it('property: 413 exactly when the inflated body passes the limit, whatever its size and encoding', async () => {
    const r = await receiver({ maxBodyBytes: limit, rememberExisting: false });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 3 * limit }), fc.boolean(), fc.boolean(), async (size, gzip, chunked) => {
        const { body, events } = bodyOf(size, `p${n++}`);
        const headers: Record<string, string> = gzip ? { 'Content-Encoding': 'gzip' } : {};
        const answer = await post(r.url, gzip ? gzipSync(body) : body, headers, chunked);
        if (size > limit) expect(answer.status).toBe(413);
        else expect(answer).toEqual({ status: 200, body: JSON.stringify({ accepted: events, duplicates: 0, invalid: 0 }) });
      }),
      { numRuns: 120 },
    );
  });
});

describe('a body is held compactly', () => {
  const lines = (b: Buffer) => b.toString('utf8').split('\n').filter((l) => l.trim() !== '');
  it('property: the lines held are the lines sent, whatever the chunking, in at most the bytes sent', () => {
    const chunk = fc.oneof(
      fc.uint8Array({ maxLength: 9000 }).map((a) => Buffer.from(a)),
      fc.integer({ min: 1, max: 70_000 }).map((n) => Buffer.alloc(n, '\n')),
      fc.string({ maxLength: 50 }).map((t) => Buffer.from(t)),
    );
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 40 }), (chunks) => {
        const held = new BodyChunks();
        let costs = 0;
        for (const c of chunks) {
          const cost = held.cost(c);
          expect(held.add(c)).toBe(cost);
          costs += cost;
        }
        expect(held.bytes).toBe(costs);
        const sent = Buffer.concat(chunks);
        expect(costs).toBeLessThanOrEqual(sent.length);
        const body = held.take();
        expect(body.length).toBe(costs);
        expect(lines(body)).toEqual(lines(sent));
        expect(held.bytes).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('duplicate-id memory is bounded by bytes', () => {
  it('past maxKnownIdBytes the oldest ids are forgotten (and counted), the newest still deduplicated', async () => {
    // Each id is counted as 48 + 2 × its length bytes: `dup-NN` is 6 characters, 60 bytes.
    const r = await receiver({ maxKnownIdBytes: 10 * 60, rememberExisting: false });
    const batch = (ids: string[]) => Buffer.from(ids.map((id, i) => `${eventLine(id, i)}\n`).join(''));
    const ids = Array.from({ length: 20 }, (_, i) => `dup-${String(i).padStart(2, '0')}`);
    expect(JSON.parse((await post(r.url, batch(ids))).body)).toEqual({ accepted: 20, duplicates: 0, invalid: 0 });
    // dup-19 is among the 10 remembered; dup-00 was forgotten.
    expect(JSON.parse((await post(r.url, batch(['dup-19', 'dup-00']))).body)).toEqual({ accepted: 1, duplicates: 1, invalid: 0 });
    expect(r.stats).toMatchObject({ accepted: 21, duplicates: 1, forgottenIds: 11, knownIds: 10, knownIdBytes: 600 });
  });

  it('one huge id does not grow the memory past the bound', async () => {
    const r = await receiver({ maxKnownIdBytes: 1000, rememberExisting: false });
    const huge = 'h'.repeat(10_000);
    expect(JSON.parse((await post(r.url, Buffer.from(`${eventLine(huge)}\n`))).body)).toMatchObject({ accepted: 1 });
    expect(r.stats.knownIdBytes).toBeLessThanOrEqual(1000);
    expect(r.stats.forgottenIds).toBe(1);
  });
});

describe('slow clients are cut off by timeouts', () => {
  /** Opens a socket that writes `first` then drips `drip` one byte at a time; resolves what it read when it closes. */
  function dripper(port: number, first: string, drip: string): Promise<string> {
    return new Promise((resolve) => {
      const socket: Socket = connect(port, '127.0.0.1');
      let read = '';
      let i = 0;
      let timer: NodeJS.Timeout | undefined;
      socket.on('connect', () => {
        socket.write(first);
        // The interval only paces the drip (the load), nothing waits on it.
        timer = setInterval(() => {
          if (drip && !socket.destroyed && socket.writable) socket.write(drip[i++ % drip.length]!);
        }, 20);
      });
      socket.on('data', (d) => (read += d));
      socket.on('error', () => {});
      socket.on('close', () => {
        clearInterval(timer);
        resolve(read);
      });
    });
  }

  it('200 sockets dripping headers or a body, and idle ones, are all closed; the receiver keeps serving', async () => {
    const r = await receiver({ headersTimeoutMs: 300, requestTimeoutMs: 600, idleTimeoutMs: 300 });
    const headerDrips = Array.from({ length: 100 }, () => dripper(r.port, 'POST /v1/events HTTP/1.1\r\nHost: x\r\n', 'X-Slow: a\r\n'));
    const bodyDrips = Array.from({ length: 100 }, () =>
      dripper(r.port, 'POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n', '\n'),
    );
    const idle = Array.from({ length: 10 }, () => dripper(r.port, '', ''));
    const [headers, bodies, idles] = await Promise.all([Promise.all(headerDrips), Promise.all(bodyDrips), Promise.all(idle)]);
    // node:http answers 408 when it gives up on a request's headers or body.
    expect(headers.every((text) => text.startsWith('HTTP/1.1 408'))).toBe(true);
    expect(bodies.every((text) => text.startsWith('HTTP/1.1 408'))).toBe(true);
    expect(idles).toHaveLength(10);
    expect(await post(r.url, Buffer.from(`${eventLine('after-slow')}\n`))).toMatchObject({ status: 200 });
  }, 20_000);
});

describe('without an API key the receiver listens on loopback only', () => {
  it('startReceiver refuses a non-loopback host without apiKey, with a clear error', async () => {
    for (const host of ['0.0.0.0', '::']) {
      await expect(startReceiver({ outDir: tempDir('optrail-hostile-'), host })).rejects.toThrow(
        `refusing to listen on ${host} without an API key`,
      );
    }
  });

  it('loopback hosts need no key; any host is allowed with one', async () => {
    for (const host of ['127.0.0.1', 'localhost', '::1']) {
      const r = await receiver({ host });
      expect(r.requiresKey).toBe(false);
      expect(await post(r.url, Buffer.from(`${eventLine(`lo-${host}`)}\n`))).toMatchObject({ status: 200 });
    }
    const keyed = await receiver({ host: '0.0.0.0', apiKey: 'sk-hostile' });
    expect(keyed.requiresKey).toBe(true);
    expect(await post(keyed.url, Buffer.from(`${eventLine('keyed')}\n`))).toMatchObject({ status: 401 });
  });

  function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'src/cli/main.ts'), ...args], {
      cwd: root,
      env: { ...process.env, OPTRAIL_API_KEY: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const firstLine = new Promise<string>((resolve) =>
      child.stdout.on('data', () => stdout.includes('\n') && resolve(stdout.slice(0, stdout.indexOf('\n')))),
    );
    const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      child.on('exit', (code) => resolve({ code, stdout, stderr })),
    );
    return { child, firstLine, exited };
  }

  it('optrail receive --host 0.0.0.0 without a key exits 2 and says why', async () => {
    const out = tempDir('optrail-hostile-cli-');
    const { exited } = cli(['receive', '--out', out, '--host', '0.0.0.0', '--port', '0']);
    const result = await exited;
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'optrail: refusing to listen on 0.0.0.0 without an API key: anyone who can reach it could write traces. ' +
        'Pass --api-key (or set OPTRAIL_API_KEY), or listen on a loopback address such as 127.0.0.1\n',
    );
  });

  it('optrail receive says at start where it listens and whether a key is required', async () => {
    const out = tempDir('optrail-hostile-cli-');
    const open = cli(['receive', '--out', out, '--port', '0']);
    const line = await open.firstLine;
    expect(line).toMatch(
      new RegExp(`^optrail receive: listening on http://127\\.0\\.0\\.1:\\d+/v1/events \\(loopback only, no key required\\), writing to ${out}$`),
    );
    open.child.kill('SIGTERM');
    expect((await open.exited).code).toBe(0);

    const keyed = cli(['receive', '--out', out, '--port', '0', '--host', '0.0.0.0'], { OPTRAIL_API_KEY: 'sk-hostile' });
    expect(await keyed.firstLine).toMatch(/^optrail receive: listening on http:\/\/0\.0\.0\.0:\d+\/v1\/events \(bearer key required\), writing to /);
    keyed.child.kill('SIGTERM');
    const result = await keyed.exited;
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain('sk-hostile');
  });
});

// Files the receiver wrote are JSON Lines per request; nothing else appears in its directory.
it('a refused body writes nothing', async () => {
  const r = await receiver({ maxBodyBytes: 100 });
  await post(r.url, gzipSync(Buffer.from(`${eventLine('refused')}\n`.repeat(10))), { 'Content-Encoding': 'gzip' });
  expect(readdirSync(r.out)).toEqual([]);
});
