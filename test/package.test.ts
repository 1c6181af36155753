import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VERSION } from '../src/base/version.js';
import { tempDir } from './helpers.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const cli = ['--import', import.meta.resolve('tsx'), join(root, 'src/cli/main.ts')];

async function optrail(args: string[], input?: string, env: NodeJS.ProcessEnv = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(process.execPath, [...cli, ...args], { cwd: root, env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (input !== undefined) child.stdin!.end(input);
    else child.stdin!.end();
  });
}

/** `dist/` is made by `npm run build` (and by `npm ci`, through the `prepare` script); without it these tests fail. */
function requireDist(): void {
  const missing = ['index.js', 'index.cjs', 'index.d.ts', 'cli.js'].filter((file) => !existsSync(join(root, 'dist', file)));
  if (missing.length > 0) throw new Error(`dist/ is incomplete (no ${missing.join(', ')}): run \`npm run build\` before the tests`);
}

describe('package', () => {
  it('declares the contract: name, ESM with subpath exports, bin, side effects only in the core entry, node >= 20', () => {
    expect(pkg.name).toBe('optrail');
    expect(pkg.type).toBe('module');
    // The core entry wires recording to the default pipeline and the environment's exporters
    // (docs/architecture.md): bundlers must keep it; every other file is free of side effects.
    expect(pkg.sideEffects).toEqual(['./dist/index.js', './dist/index.cjs']);
    expect(pkg.engines.node).toBe('>=20');
    expect(pkg.bin).toEqual({ optrail: './dist/cli.js' });
    expect(Object.keys(pkg.exports)).toEqual(expect.arrayContaining(['.', './processors', './exporters', './views', './receiver', './schemas']));
    expect(VERSION).toBe(pkg.version);
  });

  it('the built package loads as ESM and as CommonJS (after `npm run build`)', async () => {
    requireDist();
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
    // Two different valid events around the bad line (the same one twice would be a duplicate event_id).
    const [first, second] = readFileSync(join(root, 'test/fixtures/optrail-example.jsonl'), 'utf8').split('\n');
    writeFileSync(file, `${first}\n{"kind":"op_end"}\n${second}`);
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

/** Every `./…` path package.json's `exports`, `bin`, `main`, `module` and `types` name. */
function declaredPaths(): string[] {
  const paths = new Set<string>();
  const walk = (value: unknown) => {
    if (typeof value === 'string') paths.add(value.replace(/^\.\//, ''));
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk([pkg.exports, pkg.bin, pkg.main, pkg.module, pkg.types]);
  return [...paths].sort();
}

/** The code entry points (`.`, `./processors`, …): every export but the JSON files. */
const codeEntries = Object.keys(pkg.exports)
  .filter((key) => !key.endsWith('.json'))
  .map((key) => (key === '.' ? 'optrail' : `optrail/${key.slice(2)}`));

/** A name each code entry point must export, as a sign it is the right module. */
const SIGN_OF: Record<string, string> = {
  optrail: 'createPipeline',
  'optrail/processors': 'dropKinds',
  'optrail/exporters': 'jsonlExporter',
  'optrail/views': 'buildTree',
  'optrail/receiver': 'startReceiver',
  'optrail/schemas': 'TraceEventSchema',
  'optrail/ai-sdk': 'optrailTelemetry',
  'optrail/openai': 'traceOpenAI',
  'optrail/anthropic': 'traceAnthropic',
};

const fixture = join(root, 'test/fixtures/optrail-example.jsonl');

describe('the package as a user gets it: npm pack, installed into an empty project', () => {
  let project = '';
  let tarballFiles: string[] = [];
  const inProject = (command: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(command, args, { cwd: project, env: { ...process.env, ...env } }, (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    );

  // One pack and one install for the whole suite. `--ignore-scripts`: pack the dist/ the tests
  // run against instead of rebuilding it (the `prepare` build would empty dist/ under the tests
  // running beside this one).
  // A failed setup (no dist/) fails every test below, rather than leaving them skipped.
  let setupError: unknown;
  beforeAll(async () => {
    try {
      requireDist();
      const work = tempDir('optrail-pack-');
      const packed = JSON.parse((await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: root })).stdout)[0];
      tarballFiles = packed.files.map((file: { path: string }) => file.path);
      project = join(work, 'consumer');
      mkdirSync(project);
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
      await run('npm', ['install', join(work, packed.filename), '--prefer-offline', '--no-audit', '--no-fund'], { cwd: project });
    } catch (error) {
      setupError = error;
    }
  }, 300_000);
  beforeEach(() => {
    if (setupError) throw setupError;
  });

  it('the tarball holds dist/, LICENSE, README, the schema and every path package.json names, and no source or tests', () => {
    expect(tarballFiles).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'schemas/trace-event.schema.json', ...declaredPaths()]));
    expect(tarballFiles.filter((file) => !file.startsWith('dist/') && !file.startsWith('schemas/'))).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json']));
    expect(tarballFiles.filter((file) => /^(src|test|bench|examples|docs)\//.test(file))).toEqual([]);
    expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} optrail contributors\n/);
    expect(pkg.license).toBe('MIT');
  });

  it('every entry point loads as ESM and as CommonJS, with the same exports; the JSON schema and package.json too', async () => {
    writeFileSync(
      join(project, 'load.mjs'),
      `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const out = {};
for (const entry of ${JSON.stringify(codeEntries)}) out[entry] = { esm: Object.keys(await import(entry)).sort(), cjs: Object.keys(require(entry)).sort() };
const { default: schema } = await import('optrail/wire-format.schema.json', { with: { type: 'json' } });
out.schema = { esm: schema, cjs: require('optrail/wire-format.schema.json') };
out.version = require('optrail/package.json').version;
console.log(JSON.stringify(out));
`,
    );
    const { code, stdout, stderr } = await inProject(process.execPath, ['load.mjs']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    for (const entry of codeEntries) {
      expect(out[entry].esm, entry).toContain(SIGN_OF[entry]);
      expect(out[entry].cjs, entry).toEqual(out[entry].esm);
    }
    const schema = JSON.parse(readFileSync(join(root, 'schemas/trace-event.schema.json'), 'utf8'));
    expect(out.schema).toEqual({ esm: schema, cjs: schema });
    expect(out.version).toBe(pkg.version);
  });

  it('an op of the CommonJS build inside an ESM pipeline.run is recorded (one context for both builds)', async () => {
    writeFileSync(
      join(project, 'mixed.mjs'),
      `import { createRequire } from 'node:module';
import { createPipeline, op } from 'optrail';
import { memoryExporter } from 'optrail/exporters';
const cjs = createRequire(import.meta.url)('optrail');
const memory = memoryExporter();
const pipeline = createPipeline({ exporters: [memory], exitSafety: false, logger: false });
await pipeline.run(() => op('esm', () => cjs.op('cjs', () => 1)())());
await pipeline.shutdown();
console.log(memory.events.filter((e) => e.kind === 'op_start').map((e) => e.ctx.join('/')).join(' '));
`,
    );
    const { code, stdout } = await inProject(process.execPath, ['mixed.mjs']);
    expect(code).toBe(0);
    expect(stdout).toBe('main/esm#0 main/esm#0/cjs#0\n');
  });

  it('a TypeScript file type-checks against the installed package (nodenext; ESM .mts and CommonJS .cts)', async () => {
    const body = `const pipeline: Pipeline = createPipeline({ exporters: [jsonlExporter({ dir: 'traces' })], processors: [dropKinds(['annotation'])] });
const search = op('search', async (query: string) => [query]);
const hits: Promise<string[]> = pipeline.run(() => search('q'));
const parsed: TraceEvent = TraceEventSchema.parse({});
// @ts-expect-error: an op keeps its function's type
search(42);
// @ts-expect-error: exporters is a list of exporters
createPipeline({ exporters: 'jsonl' });
export { hits, parsed };
`;
    const imports = `import { createPipeline, op, type Pipeline } from 'optrail';
import { jsonlExporter } from 'optrail/exporters';
import { dropKinds } from 'optrail/processors';
import { TraceEventSchema, type TraceEvent } from 'optrail/schemas';
`;
    writeFileSync(join(project, 'consumer.mts'), imports + body);
    writeFileSync(join(project, 'consumer.cts'), imports + body);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          // as most projects have it (and as `tsc --init` writes it): the @ts-expect-error lines
          // below prove the declarations resolved to real types, not \`any\`
          skipLibCheck: true,
          // a user's project has @types/node; this one borrows the repository's
          typeRoots: [join(root, 'node_modules/@types')],
          types: ['node'],
        },
        files: ['consumer.mts', 'consumer.cts'],
      }),
    );
    const tsc = await inProject(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.code).toBe(0);
  });

  it('`npx optrail --help` lists every command; the installed CLI validates a file', async () => {
    const help = await inProject('npx', ['optrail', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: optrail \[options\] \[command\]\n/);
    const commands = [...help.stdout.matchAll(/^ {2}(\w+) /gm)].map((m) => m[1]);
    expect(commands).toEqual(['view', 'stats', 'convert', 'replay', 'validate', 'receive', 'demo', 'help']);
    const validate = await inProject('npx', ['optrail', 'validate', fixture]);
    expect(validate).toEqual({ code: 0, stdout: 'valid: 5 event(s), 0 problem(s)\n', stderr: '' });
  });

  it('`npx optrail replay --pipeline` runs a CommonJS module of the user’s through its processors into its exporters', async () => {
    const out = join(project, 'replayed.jsonl');
    writeFileSync(
      join(project, 'pipeline.cjs'),
      `const { createPipeline } = require('optrail');
const { jsonlExporter } = require('optrail/exporters');
const { dropKinds } = require('optrail/processors');
module.exports = () => createPipeline({ processors: [dropKinds(['llm_usage'])], exporters: [jsonlExporter({ path: process.env.OUT })], logger: false });
`,
    );
    const result = await inProject('npx', ['optrail', 'replay', fixture, '--pipeline', 'pipeline.cjs'], { OUT: out });
    expect(result).toEqual({ code: 0, stdout: '', stderr: 'replayed 5 event(s) through pipeline.cjs; 1 dropped by its processors\n' });
    const kept = readFileSync(fixture, 'utf8').split('\n').filter((line) => line !== '' && !line.includes('"kind":"llm_usage"'));
    expect(readFileSync(out, 'utf8')).toBe(kept.map((line) => line + '\n').join(''));
  });

  it('LLM usage is priced from the installed price table, in the ES module and the CommonJS build alike', async () => {
    writeFileSync(
      join(project, 'priced.mjs'),
      `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
for (const [build, core, exporters] of [['esm', await import('optrail'), await import('optrail/exporters')], ['cjs', require('optrail'), require('optrail/exporters')]]) {
  const memory = exporters.memoryExporter();
  const pipeline = core.createPipeline({ exporters: [memory], exitSafety: false, logger: false });
  await pipeline.run(() => core.op('llm', () => core.recordLlmUsage({ model: 'gpt-4o-mini', provider: 'openai', promptTokens: 1000, completionTokens: 10 }))());
  await pipeline.shutdown();
  const { cost_usd, cost_source } = memory.events.find((e) => e.kind === 'llm_usage').payload;
  console.log(build, cost_source, cost_usd > 0, JSON.stringify(pipeline.errors()));
}
`,
    );
    const { code, stdout, stderr } = await inProject(process.execPath, ['priced.mjs']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe('esm price_table true []\ncjs price_table true []\n');
  });
});

describe('optrail replay', () => {
  it('through the environment pipeline (OPTRAIL_OUTPUT): the same bytes back', async () => {
    const out = join(tempDir(), 'again.jsonl');
    const result = await optrail(['replay', fixture], undefined, { OPTRAIL_OUTPUT: out });
    expect(result).toEqual({ code: 0, stdout: '', stderr: 'replayed 5 event(s) through the environment pipeline\n' });
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(fixture, 'utf8'));
  });

  it('through an ES module exporting a pipeline as default; a bad line is reported, every valid event is replayed, exit 1', async () => {
    const dir = tempDir();
    const out = join(dir, 'out.jsonl');
    const input = join(dir, 'in.jsonl');
    const lines = readFileSync(fixture, 'utf8').trim().split('\n');
    writeFileSync(input, [lines[0], 'not json', ...lines.slice(1)].join('\n') + '\n');
    writeFileSync(
      join(dir, 'pipeline.mjs'),
      `import { createPipeline } from ${JSON.stringify(join(root, 'index.ts'))};
import { jsonlExporter } from ${JSON.stringify(join(root, 'exporters/index.ts'))};
export default createPipeline({ exporters: [jsonlExporter({ path: ${JSON.stringify(out)} })], logger: false });
`,
    );
    const result = await optrail(['replay', input, '--pipeline', join(dir, 'pipeline.mjs')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^${input.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2: error: invalid JSON`));
    expect(result.stderr.endsWith(`replayed 5 event(s) through ${join(dir, 'pipeline.mjs')}\n`)).toBe(true);
    expect(readFileSync(out, 'utf8')).toBe(lines.map((line) => line + '\n').join(''));
  });

  it('exit 2 with a clear message: no pipeline, a module exporting none, a module that cannot load', async () => {
    const none = await optrail(['replay', fixture], undefined, { OPTRAIL_OUTPUT: '', OPTRAIL_ENDPOINT: '' });
    expect(none).toEqual({ code: 2, stdout: '', stderr: 'optrail replay: no pipeline: pass --pipeline <module>, or set OPTRAIL_OUTPUT or OPTRAIL_ENDPOINT\n' });
    const module = join(tempDir(), 'nothing.mjs');
    writeFileSync(module, 'export const answer = 42;\n');
    const empty = await optrail(['replay', fixture, '--pipeline', module]);
    expect(empty).toEqual({ code: 2, stdout: '', stderr: `optrail replay: ${module} exports no pipeline: export one made by createPipeline (or a function returning one) as default or as \`pipeline\`\n` });
    const missing = await optrail(['replay', fixture, '--pipeline', '/no/such/pipeline.mjs']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^optrail replay: cannot load \/no\/such\/pipeline\.mjs: /);
  });
});
