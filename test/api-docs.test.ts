import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers.js';

const root = join(import.meta.dirname, '..');
const typedocBin = join(root, 'node_modules/typedoc/bin/typedoc');

/** Runs TypeDoc as `npm run docs:api` does, but writes nothing (`--emit none`): validation still runs. */
function typedoc(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [typedocBin, '--emit', 'none', ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) =>
      // eslint-disable-next-line no-control-regex
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: (stdout + stderr).replace(/\u001b\[[0-9;]*m/g, '') }),
    ),
  );
}

describe('the API reference (npm run docs:api, TypeDoc over every entry point)', () => {
  it('every export of every entry point has a doc comment: TypeDoc reports nothing and exits 0', async () => {
    const { code, output } = await typedoc([]);
    expect(output.split('\n').filter((line) => /^\[(warning|error)\]/.test(line))).toEqual([]);
    expect(code).toBe(0);
  }, 300_000);

  it('an export without a doc comment fails the run, named in the report (the check is on)', async () => {
    const dir = tempDir('optrail-typedoc-');
    writeFileSync(
      join(dir, 'entry.ts'),
      `/**\n * An entry point of the fixture.\n *\n * @module fixture\n */\nexport function undocumented(): number {\n  return 1;\n}\n/** Has its comment. */\nexport const documented = 1;\n`,
    );
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', types: [] }, files: ['entry.ts'] }));
    // The project's own TypeDoc options (validation, what must be documented, warnings as errors), on the fixture.
    writeFileSync(join(dir, 'typedoc.json'), JSON.stringify({ extends: [join(root, 'typedoc.json')], entryPoints: ['entry.ts'], tsconfig: 'tsconfig.json', intentionallyNotExported: [] }));
    const { code, output } = await typedoc(['--options', join(dir, 'typedoc.json')]);
    expect(output).toMatch(/^\[warning\] undocumented \(CallSignature\), defined in .*entry\.ts, does not have any documentation$/m);
    expect(output).not.toMatch(/\bdocumented \((Variable|CallSignature)\)/);
    expect(code).not.toBe(0);
  }, 300_000);
});
