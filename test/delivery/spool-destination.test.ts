import { execFile } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { httpExporter } from '../../exporters/http.js';
import { op } from '../../src/recording/op.js';
import { createPipeline } from '../../src/pipeline/pipeline.js';
import { DiskSpool } from '../../src/delivery/spool.js';
import { describeDestination, destinationOf, spoolDirectoryName } from '../../src/delivery/destination.js';
import { tempDir } from '../helpers.js';
import { recordingServer, tally } from './recording-server.js';

const root = join(import.meta.dirname, '..', '..');
const tsx = import.meta.resolve('tsx');
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs a TypeScript file of the repository as a program whose working directory is `cwd`. */
function run(cwd: string, script: string, args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['--import', tsx, join(root, script), ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The spool-destination child: its exit code and the stats it printed. */
async function app(cwd: string, args: string[]) {
  const result = await run(cwd, 'test/children/spool-destination-child.ts', args);
  expect(result, result.stderr).toMatchObject({ code: 0 });
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { stats: Record<string, number>; errors: Array<{ message: string }> };
}

async function server(options: Parameters<typeof recordingServer>[0] = {}) {
  const s = await recordingServer(options);
  cleanups.push(s.close);
  return s;
}

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => statSync(join(dir, p)).isFile());
}

describe('the spool belongs to one destination (child processes sharing one working directory)', () => {
  it('httpExporter: two endpoints, one directory: each endpoint receives only its own events, the down one gets its own once it is up', async () => {
    const cwd = tempDir('optrail-cwd-');
    const a = await server({ down: true });
    const b = await server();
    const first = await app(cwd, ['http', a.url(), 'app-a', 'emit']);
    expect(first.stats).toMatchObject({ sentEvents: 0, spoolEvents: 11 }); // 5 steps and the request's end
    const second = await app(cwd, ['http', b.url(), 'app-b', 'emit']);
    expect(second.stats).toMatchObject({ sentEvents: 11, resentEvents: 0, spoolEvents: 0 });
    expect(tally(b.requestIds())).toEqual({ 'app-b': 11 });
    expect(a.state.received).toEqual([]);

    a.state.down = false;
    const resumed = await app(cwd, ['http', a.url(), '-', 'resume']);
    expect(resumed.stats).toMatchObject({ spoolRecoveredEvents: 11, resentEvents: 11, spoolEvents: 0 });
    expect(tally(a.requestIds())).toEqual({ 'app-a': 11 });
    expect(tally(b.requestIds())).toEqual({ 'app-b': 11 });
  });

  it('the same endpoint with another API key is another destination: its spool is not sent with the other key', async () => {
    const cwd = tempDir('optrail-cwd-');
    const endpoint = await server({ down: true });
    await app(cwd, ['http', endpoint.url(), 'tenant-1', 'emit', 'key-of-tenant-1']);
    endpoint.state.down = false;
    const other = await app(cwd, ['http', endpoint.url(), 'tenant-2', 'emit', 'key-of-tenant-2']);
    expect(other.stats).toMatchObject({ resentEvents: 0, spoolRecoveredEvents: 0 });
    // The spool of the other key (a rotated key, say) is not forgotten silently.
    expect(other.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(
        new RegExp(`^spool ${cwd}/\\.optrail/spool/http/http-127\\.0\\.0\\.1_${endpoint.port}-[0-9a-f]{16}: 1 segment\\(s\\), \\d+ byte\\(s\\) wait for this endpoint with other credentials or headers \\(http ${endpoint.url().replace(/\./g, '\\.')}\\); only an exporter of that destination sends them$`),
      ),
    ]);
    expect(tally(endpoint.requestIds())).toEqual({ 'tenant-2': 11 });
    const own = await app(cwd, ['http', endpoint.url(), '-', 'resume', 'key-of-tenant-1']);
    expect(own.stats).toMatchObject({ resentEvents: 11 });
    expect(endpoint.state.received.map((r) => r.headers.authorization)).toEqual(['Bearer key-of-tenant-2', 'Bearer key-of-tenant-1']);
    // No key (as given or in base64) in a spool's path.
    for (const path of filesUnder(cwd)) expect(path).not.toMatch(/key-of-tenant|a2V5LW9m/);
  });

  it('otlpExporter: an app\'s spooled spans are not delivered by a later `optrail convert --to otlp --endpoint` to another backend', async () => {
    const cwd = tempDir('optrail-cwd-');
    const appBackend = await server({ down: true });
    const otherBackend = await server();
    const spooled = await app(cwd, ['otlp', appBackend.url('/v1/traces'), 'the-app', 'emit']);
    expect(spooled.stats.spoolEvents).toBeGreaterThan(0);
    expect(spooled.stats.sentEvents).toBe(0);

    const fixture = join(root, 'test/fixtures/agent-run.jsonl');
    const convert = await run(cwd, 'src/cli/main.ts', ['convert', fixture, '--to', 'otlp', '--endpoint', otherBackend.url('/v1/traces')]);
    expect(convert.code, convert.stderr).toBe(0);
    expect(convert.stderr).toContain('sent 7 span(s)');
    expect(tally(otherBackend.spanServices())).toEqual({ optrail: 7 });

    appBackend.state.down = false;
    const resumed = await app(cwd, ['otlp', appBackend.url('/v1/traces'), 'the-app', 'resume']);
    expect(resumed.stats).toMatchObject({ resentEvents: spooled.stats.spoolEvents, spoolEvents: 0 });
    expect(tally(appBackend.spanServices())).toEqual({ 'the-app': spooled.stats.spoolEvents });
    expect(tally(otherBackend.spanServices())).toEqual({ optrail: 7 });
  });
});

const step = op('step', (i: number) => ({ i }));

async function emitTo(url: string, spoolDir: string, requestId: string) {
  const exporter = httpExporter({ url, spoolDir, maxRetries: 0, probeIntervalMs: 20, timeoutMs: 5000 });
  const pipeline = createPipeline({ exporters: [exporter], exitSafety: false, logger: false });
  if (requestId) pipeline.run(() => [0, 1, 2].forEach((i) => step(i)), { requestId });
  await pipeline.flush();
  const report = await pipeline.shutdown();
  return { stats: exporter.stats(), errors: report.errors, health: pipeline.health() };
}

describe('an explicit spoolDir shared by two destinations: the destination recorded in each segment protects it', () => {
  it('segments written for another destination are never sent, counted and reported; each destination later gets exactly its own', async () => {
    const spoolDir = tempDir('optrail-spool-');
    const a = await server({ down: true });
    const b = await server({ down: true });
    expect((await emitTo(a.url(), spoolDir, 'for-a')).stats.spoolEvents).toBe(7);
    b.state.down = false;
    const seenByB = await emitTo(b.url(), spoolDir, 'for-b');
    expect(seenByB.stats).toMatchObject({ sentEvents: 7, resentEvents: 0, spoolForeignEvents: 7 });
    expect(tally(b.requestIds())).toEqual({ 'for-b': 7 });
    expect(seenByB.errors.map((e) => e.message)).toEqual([
      `spool ${spoolDir}: 7 event(s) in 1 segment(s) were written for another destination (http ${a.url()}) and are not sent to this one (http ${b.url()})`,
    ]);

    // B down now: its batch joins the same directory, beside A's.
    b.state.down = true;
    a.state.down = false;
    expect((await emitTo(b.url(), spoolDir, 'for-b-2')).stats).toMatchObject({ spoolEvents: 7, spoolForeignEvents: 7 });
    const seenByA = await emitTo(a.url(), spoolDir, '');
    expect(seenByA.stats).toMatchObject({ resentEvents: 7, spoolForeignEvents: 7 });
    expect(tally(a.requestIds())).toEqual({ 'for-a': 7 });
    b.state.down = false;
    expect((await emitTo(b.url(), spoolDir, '')).stats).toMatchObject({ resentEvents: 7, spoolForeignEvents: 0 });
    expect(tally(b.requestIds())).toEqual({ 'for-b': 7, 'for-b-2': 7 });
    expect(readdirSync(spoolDir)).toEqual([]);
  });

  it('a segment of unknown destination (written before destinations were recorded) is kept, counted and reported, never sent', async () => {
    const spoolDir = tempDir('optrail-spool-');
    const body = gzipSync(Buffer.from('{"event_id":"old"}\n'));
    writeFileSync(join(spoolDir, '000000000000001-999999999-000000.spool'), Buffer.concat([Buffer.from(`{"k":"old","n":1,"len":${body.length}}\n`), body, Buffer.from('\n')]), { mode: 0o600 });
    const endpoint = await server();
    const seen = await emitTo(endpoint.url(), spoolDir, 'new');
    expect(seen.stats).toMatchObject({ sentEvents: 7, resentEvents: 0, spoolForeignEvents: 1 });
    expect(tally(endpoint.requestIds())).toEqual({ new: 7 });
    expect(seen.errors.map((e) => e.message)).toEqual([
      `spool ${spoolDir}: 1 event(s) in 1 segment(s) were written for an unknown destination (by an older optrail) and are not sent to this one (http ${endpoint.url()}); send or delete them by hand`,
    ]);
    expect(readdirSync(spoolDir)).toEqual(['000000000000001-999999999-000000.spool']);
  });

  it('the default layout of an older optrail (segments right in .optrail/spool/<name>) is reported, never sent', async () => {
    const cwd = tempDir('optrail-cwd-');
    const old = join(cwd, '.optrail/spool/http');
    mkdirSync(old, { recursive: true });
    const body = gzipSync(Buffer.from('{"event_id":"old"}\n'));
    writeFileSync(join(old, '000000000000001-999999999-000000.spool'), Buffer.concat([Buffer.from(`{"k":"old","n":1,"len":${body.length}}\n`), body, Buffer.from('\n')]));
    const endpoint = await server();
    const seen = await app(cwd, ['http', endpoint.url(), 'new', 'emit']);
    expect(seen.stats).toMatchObject({ sentEvents: 11, resentEvents: 0 });
    expect(tally(endpoint.requestIds())).toEqual({ new: 11 });
    expect(seen.errors.map((e) => e.message)).toEqual([
      `spool ${old}: 1 segment(s), ${statSync(join(old, '000000000000001-999999999-000000.spool')).size} byte(s) wait for an unknown destination (by an older optrail); only an exporter of that destination sends them`,
    ]);
  });

  it('a torn first record of a new segment (killed writer) leaves no segment of unknown destination behind', () => {
    const spoolDir = tempDir('optrail-spool-');
    const destination = destinationOf('http', 'http://127.0.0.1:1/v1/events', {});
    const spool = new DiskSpool(spoolDir, 1 << 20, destination);
    spool.append({ key: 'a', count: 1, body: Buffer.from('{}\n') });
    spool.close();
    const [segment] = readdirSync(spoolDir);
    const whole = readFileSync(join(spoolDir, segment!));
    writeFileSync(join(spoolDir, segment!), whole.subarray(0, 20)); // cut inside the first line
    appendFileSync(join(spoolDir, segment!), '');
    const reopened = new DiskSpool(spoolDir, 1 << 20, destination);
    expect(reopened.stats).toMatchObject({ records: 0, tornRecords: 1, foreignEvents: 0 });
    reopened.close();
    expect(readdirSync(spoolDir)).toEqual([]);
  });
});

describe('destination keys', () => {
  it('kind, normalised endpoint and the credentials make the directory; userinfo, query and header values never appear in it', () => {
    const key = (kind: string, url: string, headers: Record<string, string> = {}) => spoolDirectoryName(destinationOf(kind, url, headers));
    expect(key('otlp', 'HTTP://Collector.Example:4318/v1/traces')).toBe(key('otlp', 'http://collector.example:4318/v1/traces'));
    expect(key('otlp', 'http://collector.example:80/v1/traces')).toBe(key('otlp', 'http://collector.example/v1/traces'));
    expect(key('otlp', 'http://collector.example/v1/traces')).not.toBe(key('http', 'http://collector.example/v1/traces'));
    expect(key('otlp', 'http://collector.example/v1/traces')).not.toBe(key('otlp', 'http://collector.example/v2/traces'));
    expect(key('otlp', 'http://c.example/v1/traces', { authorization: 'Bearer one' })).not.toBe(key('otlp', 'http://c.example/v1/traces', { authorization: 'Bearer two' }));
    expect(key('otlp', 'http://c.example/v1/traces', { Authorization: 'Bearer one' })).toBe(key('otlp', 'http://c.example/v1/traces', { authorization: 'Bearer one' }));
    expect(key('otlp', 'http://c.example/v1/traces?token=one')).not.toBe(key('otlp', 'http://c.example/v1/traces?token=two'));
    const name = key('otlp', 'http://c.example:4318/v1/traces?token=SECRET1', { 'x-api-key': 'SECRET2' });
    expect(name).toMatch(/^otlp-c\.example_4318-[0-9a-f]{16}$/);
    const destination = destinationOf('otlp', 'http://c.example:4318/v1/traces?token=SECRET1', { 'x-api-key': 'SECRET2' });
    expect(JSON.stringify(destination)).not.toMatch(/SECRET/);
    expect(describeDestination(destination)).toBe('otlp http://c.example:4318/v1/traces');
  });
});
