import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { httpExporter } from '../../exporters/http.js';
import { otlpExporter } from '../../exporters/otlp.js';
import { redactUrls } from '../../src/delivery/http-post.js';
import { tempDir } from '../helpers.js';
import { freePort } from './fault-server.js';
import { recordingServer } from './recording-server.js';

const root = join(import.meta.dirname, '..', '..');
const tsx = import.meta.resolve('tsx');
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// A password with characters a URL must percent-encode, so every spelling of it is searched.
const USER = 'svc-user';
const KEY = 'sk-live/CRED@KEY:9f3a7c';
const userinfo = `${USER}:${encodeURIComponent(KEY)}`;
const BASIC = `Basic ${Buffer.from(`${USER}:${KEY}`).toString('base64')}`;
/** Every form the key could take in a leak: as given, percent-encoded, inside the Basic header. */
const SPELLINGS = [KEY, encodeURIComponent(KEY), Buffer.from(`${USER}:${KEY}`).toString('base64'), 'CRED@KEY', 'CRED%40KEY'];

function expectNoKey(text: string, where: string): void {
  for (const spelling of SPELLINGS) expect(text.includes(spelling), `${where} contains ${spelling}`).toBe(false);
}

/**
 * Every file under `dir`: its path, its bytes and, for spool segments, each record's body
 * decompressed (read as the format is, without claiming or acknowledging anything); `records`
 * says whether any record must be found.
 */
function everythingOnDisk(dir: string, records: 'some' | 'none'): string[] {
  const texts: string[] = [];
  let read = 0;
  for (const path of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    texts.push(path);
    const full = join(dir, path);
    if (!statSync(full).isFile()) continue;
    const data = readFileSync(full);
    texts.push(data.toString('latin1'));
    if (!path.endsWith('.spool')) continue;
    for (let at = 0; at < data.length; ) {
      const newline = data.indexOf(10, at);
      const header = JSON.parse(data.subarray(at, newline).toString('utf8'));
      at = newline + 1;
      if (header.d) continue; // the segment's destination line (searched above as bytes)
      texts.push(gunzipSync(data.subarray(at, at + header.len)).toString('utf8'));
      read++;
      at += header.len + 1;
    }
  }
  expect(read > 0).toBe(records === 'some');
  return texts;
}

function child(cwd: string, kind: 'http' | 'otlp', url: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['--import', tsx, join(root, 'test/children/credentials-child.ts'), kind, url], { cwd }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('credentials in the endpoint URL never reach a log (child processes)', () => {
  for (const kind of ['http', 'otlp'] as const) {
    const path = kind === 'http' ? '/v1/events' : '/v1/traces';

    it(`${kind}: endpoint down: stderr, errors(), metrics(), health(), the shutdown report and the spool hold no spelling of the key`, async () => {
      const cwd = tempDir('optrail-cwd-');
      const port = await freePort();
      const result = await child(cwd, kind, `http://${userinfo}@127.0.0.1:${port}${path}`);
      expect(result.code, result.stderr).toBe(0);
      const seen = JSON.parse(result.stdout.trim());
      expect(seen.stats.sentEvents).toBe(0);
      expect(seen.stats.spoolEvents).toBeGreaterThan(0);
      // The failure is reported, by the endpoint's safe form.
      expect(result.stderr).toContain(`[optrail] exporter:${kind} failed: POST http://127.0.0.1:${port}${path}: ECONNREFUSED`);
      expect(seen.errors.map((e: { message: string }) => e.message)).toContain(`POST http://127.0.0.1:${port}${path}: ECONNREFUSED`);
      expectNoKey(result.stderr, 'stderr');
      expectNoKey(result.stdout, 'errors, metrics, health, stats, shutdown report');
      for (const text of everythingOnDisk(cwd, 'some')) expectNoKey(text, 'the spool');
    });

    it(`${kind}: endpoint up: delivered with the Basic header, to the URL without userinfo; no spelling of the key anywhere`, async () => {
      const cwd = tempDir('optrail-cwd-');
      const endpoint = await recordingServer({ authorization: BASIC });
      cleanups.push(endpoint.close);
      const result = await child(cwd, kind, `http://${userinfo}@127.0.0.1:${endpoint.port}${path}`);
      expect(result.code, result.stderr).toBe(0);
      const seen = JSON.parse(result.stdout.trim());
      expect(endpoint.state.unauthorized).toBe(0);
      expect(endpoint.state.received.length).toBeGreaterThan(0);
      expect(endpoint.state.received.every((r) => r.url === path && r.headers.authorization === BASIC)).toBe(true);
      expect(seen.report.metrics.exporters[kind].details).toMatchObject({ spoolEvents: 0, authFailures: 0 });
      if (kind === 'http') expect(endpoint.requestIds()).toHaveLength(25);
      expect(seen.errors).toEqual([]);
      expect(result.stderr).toBe('');
      expectNoKey(result.stdout, 'errors, metrics, health, stats, shutdown report');
      for (const text of everythingOnDisk(cwd, 'none')) expectNoKey(text, 'the spool');
    });
  }
});

describe('optrail convert --to otlp with credentials in --endpoint (child process)', () => {
  function convert(cwd: string, port: number) {
    return new Promise<{ code: number; stderr: string; stdout: string }>((resolve) =>
      execFile(
        process.execPath,
        ['--import', tsx, join(root, 'src/cli/main.ts'), 'convert', join(root, 'test/fixtures/agent-run.jsonl'), '--to', 'otlp', '--endpoint', `http://${userinfo}@127.0.0.1:${port}/v1/traces`],
        { cwd },
        (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    );
  }

  it('endpoint down, then up: the output and the spool never hold the key; delivered with the Basic header', async () => {
    const cwd = tempDir('optrail-cwd-');
    const endpoint = await recordingServer({ authorization: BASIC, down: true });
    cleanups.push(endpoint.close);
    const down = await convert(cwd, endpoint.port);
    expect(down.stderr).toContain(`sent 0 span(s) to http://127.0.0.1:${endpoint.port}/v1/traces; 7 waiting in the spool`);
    expect(down.stderr).toContain(`reason: http://127.0.0.1:${endpoint.port}/v1/traces answered 503`);
    expectNoKey(down.stderr + down.stdout, 'optrail convert output, endpoint down');
    for (const text of everythingOnDisk(cwd, 'some')) expectNoKey(text, 'the spool');

    endpoint.state.down = false;
    const up = await convert(cwd, endpoint.port);
    expect(up.stderr).toBe(`sent 14 span(s) to http://127.0.0.1:${endpoint.port}/v1/traces; nothing waiting\n`);
    expect(up.code).toBe(0);
    expect(endpoint.state.received.every((r) => r.headers.authorization === BASIC)).toBe(true);
    expect(endpoint.spanServices()).toHaveLength(14); // the spooled upload once (resent), and this one
    expectNoKey(up.stderr + up.stdout, 'optrail convert output, endpoint up');
  });
});

describe('credentials at exporter creation', () => {
  it('userinfo and an Authorization header (or apiKey) at once: a TypeError that names neither value', () => {
    const url = `http://${userinfo}@127.0.0.1:1/v1/events`;
    const attempts = [
      () => httpExporter({ url, headers: { authorization: 'Bearer other' }, spoolDir: tempDir() }),
      () => httpExporter({ url, apiKey: 'other', spoolDir: tempDir() }),
      () => otlpExporter({ url, headers: { Authorization: 'Bearer other' }, spoolDir: tempDir() }),
    ];
    for (const attempt of attempts) {
      let thrown: unknown;
      try {
        attempt();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(TypeError);
      const message = (thrown as Error).message;
      expect(message).toMatch(/^(httpExporter|otlpExporter): the url carries credentials \(user:password@\) and an Authorization header is given too; give only one$/);
      expectNoKey(message, 'the TypeError');
      expect(message).not.toContain('other');
    }
  });

  it('redactUrls strips userinfo and query from every URL in a message, whatever surrounds it', () => {
    expect(redactUrls(`Request cannot be constructed from a URL that includes credentials: http://${userinfo}@host:1/v1/x?k=${KEY}`)).toBe(
      'Request cannot be constructed from a URL that includes credentials: http://host:1/v1/x',
    );
    expect(redactUrls(`fetch failed (https://${USER}@a.example/p) and "http://u:p@b.example"`)).toBe('fetch failed (https://a.example/p) and "http://b.example/"');
    expect(redactUrls('no url here')).toBe('no url here');
  });
});

describe('a header value fetch would refuse never reaches a message', () => {
  it('an API key or header with a line break, CR LF or NUL is refused at creation, naming the header and not the value', () => {
    for (const bad of ['sk-SECRET-ab12cd\nline2', 'sk-SECRET-ab12cd\r\nX-Injected: 1', 'sk-SECRET-ab12cd\u0000']) {
      expect(() => httpExporter({ url: 'http://127.0.0.1:9/v1/events', apiKey: bad, spoolDir: tempDir() })).toThrow(/the value of header "Authorization" holds a character no HTTP header may/);
      expect(() => otlpExporter({ url: 'http://127.0.0.1:9/v1/traces', headers: { 'x-api-key': bad }, spoolDir: tempDir() })).toThrow(/header "x-api-key"/);
      try {
        httpExporter({ url: 'http://127.0.0.1:9/v1/events', apiKey: bad, spoolDir: tempDir() });
      } catch (error) {
        expect(String(error)).not.toContain('SECRET');
      }
    }
  });
});
