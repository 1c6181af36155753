import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers.js';

const root = join(import.meta.dirname, '..');
const fixture = (name: string) => join(root, 'test/fixtures', name);

function optrail(args: string[], input?: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', import.meta.resolve('tsx'), join(root, 'src/cli/main.ts'), ...args],
      { cwd: root, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(input ?? '');
  });
}

describe('optrail view / stats / convert (child processes)', () => {
  it('view prints the golden tree, timeline and grouped text', async () => {
    const tree = await optrail(['view', fixture('agent-run.jsonl')]);
    expect(tree).toEqual({ code: 0, stdout: readFileSync(join(root, 'test/golden/agent-run.tree.txt'), 'utf8'), stderr: '' });
    const grouped = await optrail(['view', '--grouped', fixture('agent-run.jsonl')]);
    expect(grouped.stdout).toBe(readFileSync(join(root, 'test/golden/agent-run.grouped.txt'), 'utf8'));
    const json = await optrail(['view', '--timeline', '--format', 'json', '--request', 'run-1', '-'], readFileSync(fixture('agent-run.jsonl'), 'utf8'));
    expect(JSON.parse(json.stdout)[0].spans).toHaveLength(5);
  });

  it('stats: ops with p50/p95, errors, tokens and cost by model', async () => {
    const { code, stdout } = await optrail(['stats', '--format', 'json', fixture('agent-run.jsonl')]);
    expect(code).toBe(0);
    const stats = JSON.parse(stdout);
    expect(stats).toMatchObject({ requests: 1, events: 15, errors: 1, models: [{ model: 'gpt-4o-mini', calls: 1, tokens: 14 }] });
    expect(stats.ops.map((o: { name: string; count: number }) => [o.name, o.count])).toEqual([
      ['agent', 1],
      ['flaky_tool', 1],
      ['llm', 1],
      ['search', 1],
    ]);
  });

  it('convert to jsonl.gz, chrome and html', async () => {
    const dir = tempDir();
    expect((await optrail(['convert', fixture('agent-run.jsonl'), '--to', 'jsonl.gz', '-o', join(dir, 'out.jsonl.gz')])).code).toBe(0);
    expect(gunzipSync(readFileSync(join(dir, 'out.jsonl.gz'))).toString()).toBe(readFileSync(fixture('agent-run.jsonl'), 'utf8'));
    expect((await optrail(['convert', fixture('agent-run.jsonl'), '--to', 'chrome', '-o', join(dir, 'out.json')])).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')).traceEvents.length).toBeGreaterThan(5);
    expect((await optrail(['convert', fixture('agent-run.jsonl'), '--to', 'html', '-o', join(dir, 'out.html')])).code).toBe(0);
    expect(readFileSync(join(dir, 'out.html'), 'utf8')).toMatch(/^<!doctype html>/);
  });

  it('bad files: exit 1 with file:line on stderr and the valid events still shown; bad usage exits 2', async () => {
    const bad = join(tempDir(), 'bad.jsonl');
    const lines = readFileSync(fixture('agent-run.jsonl'), 'utf8').split('\n');
    lines.splice(3, 0, '{"oops": true}');
    writeFileSync(bad, lines.join('\n'));
    const result = await optrail(['view', bad]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`${bad}:4: error: invalid event: missing "kind"\n`);
    expect(result.stdout).toContain('✗ ├─ flaky_tool');
    expect((await optrail(['convert', bad, '--to', 'pdf', '-o', '/tmp/x'])).code).toBe(2);
    expect((await optrail(['view', '--format', 'yaml', bad])).code).toBe(2);
    expect((await optrail(['stats', '/no/such.jsonl'])).code).toBe(2);
    // stats and the grouped view read as they go: the same problem line, the valid events all counted.
    const stats = await optrail(['stats', '--format', 'json', bad]);
    expect(stats.code).toBe(1);
    expect(stats.stderr).toBe(`${bad}:4: error: invalid event: missing "kind"\n`);
    expect(JSON.parse(stats.stdout)).toMatchObject({ requests: 1, events: 15, errors: 1 });
    // convert streams: every valid line written, in order, byte for byte; an unreadable input is a usage error.
    const out = join(tempDir(), 'out.jsonl');
    const converted = await optrail(['convert', bad, '--to', 'jsonl', '-o', out]);
    expect(converted).toEqual({ code: 1, stdout: '', stderr: `${bad}:4: error: invalid event: missing "kind"\nwrote 15 event(s) to ${out}\n` });
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(fixture('agent-run.jsonl'), 'utf8'));
    const missing = await optrail(['convert', '/no/such.jsonl', '--to', 'jsonl', '-o', join(tempDir(), 'x.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^optrail convert: .*no\/such\.jsonl/);
    const grouped = await optrail(['view', '--grouped', bad]);
    expect(grouped).toEqual({ code: 1, stdout: readFileSync(join(root, 'test/golden/agent-run.grouped.txt'), 'utf8'), stderr: `${bad}:4: error: invalid event: missing "kind"\n` });
  });

  it('view of a file whose lines are out of order: the same tree and timeline as in order, problems printed once, split across files too', async () => {
    const dir = tempDir();
    const lines = readFileSync(fixture('agent-run.jsonl'), 'utf8').split('\n').filter(Boolean);
    const reversed = join(dir, 'reversed.jsonl');
    writeFileSync(reversed, ['{"oops": true}', ...[...lines].reverse()].join('\n') + '\n');
    const golden = readFileSync(join(root, 'test/golden/agent-run.tree.txt'), 'utf8');
    expect(await optrail(['view', reversed])).toEqual({ code: 1, stdout: golden, stderr: `${reversed}:1: error: invalid event: missing "kind"\n` });
    const parts = join(dir, 'parts');
    mkdirSync(parts);
    writeFileSync(join(parts, 'a.jsonl'), lines.slice(8).join('\n') + '\n');
    writeFileSync(join(parts, 'b.jsonl'), lines.slice(0, 8).join('\n') + '\n');
    expect(await optrail(['view', parts])).toEqual({ code: 0, stdout: golden, stderr: '' });
    const timeline = readFileSync(join(root, 'test/golden/agent-run.timeline.txt'), 'utf8');
    expect(await optrail(['view', '--timeline', parts])).toEqual({ code: 0, stdout: timeline, stderr: '' });
    const grouped = readFileSync(join(root, 'test/golden/agent-run.grouped.txt'), 'utf8');
    expect(await optrail(['view', '--grouped', reversed])).toEqual({ code: 1, stdout: grouped, stderr: `${reversed}:1: error: invalid event: missing "kind"\n` });
    expect(await optrail(['view', '--grouped', parts])).toEqual({ code: 0, stdout: grouped, stderr: '' });
    const json = await optrail(['view', '--format', 'json', '--request', 'run-1', parts]);
    expect(JSON.parse(json.stdout).map((t: { requestId: string }) => t.requestId)).toEqual(['run-1']);
  });

  it('every command has --help', async () => {
    for (const command of ['view', 'stats', 'convert', 'validate', 'demo']) {
      const help = await optrail([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: optrail ${command}`);
    }
  });
});

describe('optrail convert to OTLP', () => {
  it('--to otlp-json writes one request; --to otlp sends it to an endpoint', async () => {
    const dir = tempDir();
    expect((await optrail(['convert', fixture('agent-run.jsonl'), '--to', 'otlp-json', '-o', join(dir, 'o.json')])).code).toBe(0);
    const request = JSON.parse(readFileSync(join(dir, 'o.json'), 'utf8'));
    expect(request.resourceSpans[0].scopeSpans[0].spans).toHaveLength(7);

    const { createServer } = await import('node:http');
    const bodies: Buffer[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks));
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const sent = await optrail(['convert', fixture('agent-run.jsonl'), '--to', 'otlp', '--endpoint', `http://127.0.0.1:${port}/v1/traces`]);
      expect(sent.code).toBe(0);
      expect(sent.stderr).toContain('sent 7 span(s)');
      expect(bodies.flatMap((b) => JSON.parse(b.toString()).resourceSpans[0].scopeSpans[0].spans)).toHaveLength(7);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('progress bar', () => {
  it('inputs over 4 MiB draw a progress bar on stderr when it is a terminal (a pseudo-terminal from `script`), not otherwise', async () => {
    const big = join(tempDir(), 'big.jsonl');
    const line = readFileSync(fixture('optrail-example.jsonl'), 'utf8').split('\n')[0]!;
    const lines: string[] = [];
    for (let i = 0; lines.length * (line.length + 1) < 4.5 * 1024 * 1024; i++) lines.push(line.replace('"seq":0', `"seq":${i}`).replace('-0"', `-${i}"`));
    writeFileSync(big, lines.join('\n') + '\n');
    const command = `${process.execPath} --import ${import.meta.resolve('tsx')} ${join(root, 'src/cli/main.ts')} validate --quiet ${big}`;
    const { execFile: run } = await import('node:child_process');
    const viaTty = await new Promise<string>((resolve) =>
      run('script', ['-qec', command, '/dev/null'], { cwd: root, env: { ...process.env, NO_COLOR: '1' } }, (_e, stdout) => resolve(stdout)),
    );
    expect(viaTty).toContain(`${big} [##############################] 100%`);
    expect(viaTty).toContain('valid:');
    const plain = await optrail(['validate', '--quiet', big]);
    expect(plain.stderr).toBe('');
  });
});
