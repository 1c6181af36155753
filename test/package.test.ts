import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../src/cli/version.js';
import { tempDir } from './helpers.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const cli = ['--import', import.meta.resolve('tsx'), join(root, 'src/cli/main.ts')];

async function optrail(args: string[], input?: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(process.execPath, [...cli, ...args], { cwd: root }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (input !== undefined) child.stdin!.end(input);
    else child.stdin!.end();
  });
}

describe('package', () => {
  it('declares the contract: name, ESM with subpath exports, bin, no side effects, node >= 20', () => {
    expect(pkg.name).toBe('optrail');
    expect(pkg.type).toBe('module');
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.engines.node).toBe('>=20');
    expect(pkg.bin).toEqual({ optrail: './dist/cli.js' });
    expect(Object.keys(pkg.exports)).toEqual(expect.arrayContaining(['.', './processors', './exporters', './schemas']));
    expect(VERSION).toBe(pkg.version);
  });

  it('the built package loads as ESM and as CommonJS (after `npm run build`)', async () => {
    if (!existsSync(join(root, 'dist', 'index.cjs'))) {
      if (process.env.CI) throw new Error('dist/ missing: CI must build before testing');
      return;
    }
    const esm = await run(process.execPath, ['--input-type=module', '-e', "import { op, createPipeline } from 'optrail'; import { jsonlExporter } from 'optrail/exporters'; console.log(typeof op, typeof createPipeline, typeof jsonlExporter)"], { cwd: root });
    expect(esm.stdout.trim()).toBe('function function function');
    const cjs = await run(process.execPath, ['-e', "const { op } = require('optrail'); const { TraceEventSchema } = require('optrail/schemas'); console.log(typeof op, typeof TraceEventSchema.parse)"], { cwd: root });
    expect(cjs.stdout.trim()).toBe('function function');
  });
});

describe('optrail validate', () => {
  it('exit 0 and a summary for valid files and directories', async () => {
    const result = await optrail(['validate', 'test/fixtures']);
    expect(result).toEqual({ code: 0, stdout: 'valid: 26 event(s), 0 problem(s)\n', stderr: '' });
  });

  it('exit 1 with file:line messages for bad input, from a file or stdin', async () => {
    const file = join(tempDir(), 'bad.jsonl');
    const good = readFileSync(join(root, 'test/fixtures/optrail-example.jsonl'), 'utf8').split('\n')[0];
    writeFileSync(file, `${good}\n{"kind":"op_end"}\n${good}`);
    const result = await optrail(['validate', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`${file}:2: error: invalid event: event_id: Invalid input: expected string, received undefined; request_id: Invalid input: expected string, received undefined; op_name: Invalid input: expected string, received undefined (+4 more)\n`);
    expect(result.stdout).toBe('invalid: 2 event(s), 1 problem(s)\n');
    const piped = await optrail(['validate', '-'], 'nope\n');
    expect(piped.code).toBe(1);
    expect(piped.stderr).toMatch(/^<stdin>:1: error: invalid JSON/);
  });

  it('exit 2 for a missing file and for wrong usage; --help works', async () => {
    const missing = await optrail(['validate', '/no/such/file.jsonl']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('/no/such/file.jsonl:0: cannot read: ENOENT');
    expect((await optrail(['frobnicate'])).code).toBe(2);
    const help = await optrail(['validate', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: optrail validate');
  });
});
