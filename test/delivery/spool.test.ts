import { appendFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readEnvConfig } from '../../src/base/environment.js';
import { isRetryableStatus, parseRetryAfter, retryDelay, DEFAULT_RETRY_POLICY } from '../../src/delivery/retry-policy.js';
import { splitNdjson } from '../../src/delivery/http-delivery.js';
import { DiskSpool } from '../../src/delivery/spool.js';
import { destinationOf, endpointOf } from '../../src/delivery/destination.js';
import { redactUrls } from '../../src/delivery/http-post.js';
import { startReceiver } from '../../receiver/receiver.js';
import { tempDir } from '../helpers.js';

const record = (key: string, count = 2) => ({ key, count, body: Buffer.from(Array.from({ length: count }, (_, i) => `{"n":${i}}\n`).join('')) });

describe('DiskSpool', () => {
  it('keeps records oldest first across processes (segments are claimed), acks by key, files 0600', () => {
    const dir = tempDir();
    const first = new DiskSpool(dir, 1 << 20);
    first.append(record('a'));
    first.append(record('b', 3));
    first.close();
    const second = new DiskSpool(dir, 1 << 20);
    expect(second.stats).toMatchObject({ records: 2, events: 5, recoveredEvents: 5, tornRecords: 0 });
    expect(second.peek()).toEqual(record('a'));
    second.ack('b');
    second.ack('a');
    expect(second.peek()).toBeUndefined();
    expect(second.empty).toBe(true);
    for (const file of readdirSync(dir)) expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
  });

  it('acknowledgements are on disk: a process that dies before deleting a segment is followed by one that resends only what was not acknowledged', () => {
    const dir = tempDir();
    const first = new DiskSpool(dir, 1 << 30);
    for (const key of ['a', 'b', 'c', 'd']) first.append({ key, count: 10, body: Buffer.from(`{"k":"${key}"}\n`) });
    first.ack('a');
    first.ack('c');
    // No close(): the process dies here (kill -9) with the segment still on disk.
    const second = new DiskSpool(dir, 1 << 30);
    expect(second.stats).toMatchObject({ records: 2, events: 20, recoveredEvents: 20 });
    expect(second.peek()!.key).toBe('b');
    second.ack('b');
    expect(second.peek()!.key).toBe('d');
    const third = new DiskSpool(dir, 1 << 30); // second died too, after acknowledging b in a claimed segment
    expect(third.stats).toMatchObject({ records: 1, events: 10 });
    expect(third.peek()!.key).toBe('d');
    third.ack('d');
    expect(third.empty).toBe(true);
    expect(readdirSync(dir).filter((n) => n.endsWith('.spool'))).toEqual([]);
  });

  it('a record damaged on disk is counted as lost and skipped, never thrown; the records after it are resent', () => {
    const dir = tempDir();
    const first = new DiskSpool(dir, 1 << 30);
    first.append({ key: 'a', count: 3, body: Buffer.from('{"a":1}\n'.repeat(50)) });
    first.append({ key: 'b', count: 2, body: Buffer.from('{"b":1}\n') });
    const [name] = readdirSync(dir).filter((n) => n.endsWith('.spool'));
    const bytes = readFileSync(join(dir, name!));
    const bodyAt = bytes.indexOf(10) + 1; // a's gzip body follows its header line
    bytes[bodyAt + 12] = bytes[bodyAt + 12]! ^ 0xff; // a flipped byte inside a's deflate stream
    writeFileSync(join(dir, name!), bytes);
    const second = new DiskSpool(dir, 1 << 30);
    expect(second.peek()?.key).toBe('b');
    expect(second.stats.corruptEvents).toBe(3);
  });

  it("a segment another live process writes or has claimed is left to it (two workers share one spool directory)", () => {
    const dir = tempDir();
    const body = gzipSync(Buffer.from('{"x":1}\n'));
    const live = `${String(Date.now()).padStart(15, '0')}-${process.ppid}-000000.spool`;
    writeFileSync(join(dir, live), Buffer.concat([Buffer.from(`{"k":"theirs","n":1,"len":${body.length}}\n`), body, Buffer.from('\n')]), { mode: 0o600 });
    const spool = new DiskSpool(dir, 1 << 30);
    expect(spool.stats.records).toBe(0);
    expect(spool.peek()).toBeUndefined();
    expect(readdirSync(dir)).toContain(live);
  });

  it('a torn last record (killed writer) is skipped and counted; the records before it survive', () => {
    const dir = tempDir();
    const spool = new DiskSpool(dir, 1 << 20);
    spool.append(record('whole'));
    spool.close();
    const [segment] = readdirSync(dir);
    appendFileSync(join(dir, segment!), '{"k":"torn","n":2,"len":500}\n' + 'x'.repeat(20));
    const reopened = new DiskSpool(dir, 1 << 20);
    expect(reopened.stats).toMatchObject({ records: 1, tornRecords: 1 });
    expect(reopened.peek()?.key).toBe('whole');
  });

  it('never holds more than maxBytes: the oldest data is evicted and counted', () => {
    const dir = tempDir();
    const spool = new DiskSpool(dir, 300);
    for (let i = 0; i < 10; i++) spool.append(record(`r${i}`));
    expect(spool.stats.bytes).toBeLessThanOrEqual(300);
    expect(spool.stats.evictedEvents).toBeGreaterThan(0);
    expect(spool.stats.events + spool.stats.evictedEvents).toBe(20);
  });
});

describe('DiskSpool with a destination', () => {
  const destination = destinationOf('http', 'http://127.0.0.1:4000/v1/events', { authorization: 'Bearer k' });

  it('a segment starts with its destination line, written with the first record; the records follow as before', () => {
    const dir = tempDir();
    const spool = new DiskSpool(dir, 1 << 20, destination);
    spool.append(record('a'));
    spool.append(record('b'));
    spool.close();
    const [segment] = readdirSync(dir);
    const data = readFileSync(join(dir, segment!));
    const first = gzipSync(record('a').body, { level: 1 });
    const head = `{"d":{"kind":"http","url":"http://127.0.0.1:4000/v1/events","credentials":"${destination.credentials}"}}\n{"k":"a","n":2,"len":${first.length}}\n`;
    expect(data.subarray(0, head.length).toString('latin1')).toBe(head);
    expect(destination.credentials).toMatch(/^[0-9a-f]{16}$/);
    const reopened = new DiskSpool(dir, 1 << 20, destination);
    expect(reopened.stats).toMatchObject({ records: 2, events: 4, recoveredEvents: 4, foreignEvents: 0 });
    expect(reopened.peek()).toEqual(record('a'));
    expect(reopened.stats.bytes).toBe(data.length);
  });

  it('another destination leaves the segment where it is, unclaimed, its events counted', () => {
    const dir = tempDir();
    const spool = new DiskSpool(dir, 1 << 20, destination);
    spool.append(record('a', 3));
    spool.close();
    const names = readdirSync(dir);
    const other = new DiskSpool(dir, 1 << 20, destinationOf('http', 'http://127.0.0.1:4000/v1/events', { authorization: 'Bearer other' }));
    expect(other.stats).toMatchObject({ records: 0, foreignEvents: 3 });
    expect(other.foreign).toEqual([{ destination, segments: 1, events: 3 }]);
    expect(other.peek()).toBeUndefined();
    expect(readdirSync(dir)).toEqual(names);
  });
});

describe('credentials in an endpoint URL', () => {
  it('userinfo becomes Authorization: Basic of the decoded user and password; the URL keeps the rest', () => {
    expect(endpointOf('x', 'https://me:p%40ss%3Aw@h.example:8443/v1?a=1', { 'X-Other': '1' })).toEqual({
      url: 'https://h.example:8443/v1?a=1',
      headers: { 'X-Other': '1', Authorization: `Basic ${Buffer.from('me:p@ss:w').toString('base64')}` },
    });
    expect(endpointOf('x', 'https://token@h.example/', {}).headers).toEqual({ Authorization: `Basic ${Buffer.from('token:').toString('base64')}` });
    expect(endpointOf('x', 'https://h.example/', { a: 'b' })).toEqual({ url: 'https://h.example/', headers: { a: 'b' } });
  });

  it('property: redactUrls leaves no spelling of any user or password of any URL in any text', () => {
    const secret = fc.string({ minLength: 1, maxLength: 24, unit: 'binary' }).map((s) => `Q${s}`);
    const text = fc.string({ maxLength: 40 }).filter((t) => !t.includes('Q') && !t.includes('%') && !t.includes('://'));
    fc.assert(
      fc.property(text, secret, secret, text, fc.constantFrom('http', 'https'), fc.boolean(), (before, user, password, after, scheme, asFetch) => {
        // As fetch repeats it (the URL's own serialisation) or as a user writes it (encodeURIComponent).
        const parsed = new URL(`${scheme}://collector.example:4318/v1/traces`);
        parsed.username = user;
        parsed.password = password;
        parsed.search = `key=${encodeURIComponent(password)}`;
        const url = asFetch ? parsed.href : `${scheme}://${encodeURIComponent(user)}:${encodeURIComponent(password)}@collector.example:4318/v1/traces?key=${encodeURIComponent(password)}`;
        const redacted = redactUrls(`${before} ${url} ${after}`);
        for (const spelling of [user, password, encodeURIComponent(user), encodeURIComponent(password), parsed.username, parsed.password]) expect(redacted).not.toContain(spelling);
        expect(redacted).toBe(`${before} ${scheme}://collector.example:4318/v1/traces ${after}`);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('retry policy', () => {
  it('retries 408, 429 and 5xx only', () => {
    expect([408, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 413, 422].some(isRetryableStatus)).toBe(false);
  });
  it('reads Retry-After as seconds or a date, and full jitter stays under the ceiling', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:05 GMT', Date.UTC(2026, 9, 21, 7, 28, 0))).toBe(5000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(retryDelay(0, DEFAULT_RETRY_POLICY, undefined, () => 0.999)).toBe(999);
    expect(retryDelay(10, DEFAULT_RETRY_POLICY, undefined, () => 0.999)).toBe(4995);
    expect(retryDelay(0, DEFAULT_RETRY_POLICY, 120_000)).toBe(60_000);
  });
  it('splits NDJSON on a line boundary', () => {
    expect(splitNdjson(Buffer.from('a\nb\nc\nd\n'))!.map(String)).toEqual(['a\nb\n', 'c\nd\n']);
    expect(splitNdjson(Buffer.from('only\n'))).toBeUndefined();
  });
});

describe('receiver', () => {
  const line = (id: string) =>
    JSON.stringify({ event_id: id, request_id: 'r', kind: 'op_start', op_name: 'f', ctx: ['main', 'f#0'], timestamp: '2026-11-22T12:00:00.000001Z', seq: 0, payload: { inputs: {} } }) + '\n';

  it('accepts plain and gzip, drops duplicate events and repeated batches, counts invalid lines', async () => {
    const out = tempDir();
    const receiver = await startReceiver({ outDir: out });
    try {
      const post = (body: Buffer | string, headers: Record<string, string> = {}) =>
        fetch(receiver.url, { method: 'POST', body, headers }).then(async (r) => [r.status, await r.json()]);
      expect(await post(line('a') + 'garbage\n')).toEqual([200, { accepted: 1, duplicates: 0, invalid: 1 }]);
      expect(await post(gzipSync(line('a') + line('b')), { 'Content-Encoding': 'gzip', 'Idempotency-Key': 'k1' })).toEqual([200, { accepted: 1, duplicates: 1, invalid: 0 }]);
      expect(await post(line('c'), { 'Idempotency-Key': 'k1' })).toEqual([200, { accepted: 0, duplicates: 0, invalid: 0, duplicateBatch: true }]);
      expect((await fetch(receiver.url)).status).toBe(405);
    } finally {
      await receiver.close();
    }
  });

  it('remembers event ids already written, across restarts', async () => {
    const out = tempDir();
    writeFileSync(join(out, 'r.jsonl'), line('old'));
    const receiver = await startReceiver({ outDir: out });
    try {
      const answer = await fetch(receiver.url, { method: 'POST', body: line('old') }).then((r) => r.json());
      expect(answer).toEqual({ accepted: 0, duplicates: 1, invalid: 0 });
    } finally {
      await receiver.close();
    }
  });

  it('answers 500 (not 200) when it cannot write, so the sender keeps the batch', async () => {
    const out = tempDir();
    const blocked = join(out, 'blocked');
    writeFileSync(blocked, 'a file where a directory should be');
    const receiver = await startReceiver({ outDir: blocked, rememberExisting: false });
    try {
      const response = await fetch(receiver.url, { method: 'POST', body: line('x') });
      expect(response.status).toBe(500);
    } finally {
      await receiver.close().catch(() => undefined);
    }
  });
});

describe('environment (delivery)', () => {
  it('reads the delivery variables in the one configuration module', () => {
    expect(
      readEnvConfig({
        OPTRAIL_ENDPOINT: 'https://x/v1',
        OPTRAIL_API_KEY: 'k',
        OPTRAIL_SPOOL_DIR: '/tmp/s',
        OPTRAIL_FLUSH_EVENTS: '100',
        OPTRAIL_FLUSH_MS: '250',
        OPTRAIL_MAX_BUFFER_BYTES: 'lots',
      }),
    ).toMatchObject({ endpoint: 'https://x/v1', apiKey: 'k', spoolDir: '/tmp/s', flushEvents: 100, flushMs: 250, maxBufferBytes: undefined });
  });
});
