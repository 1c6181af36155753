import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const runDir = join(root, '.docs-run');

/** Every ```ts block of docs/*.md that is not marked `no-run`: each is a complete program. */
function examples(): Array<{ name: string; code: string }> {
  const found: Array<{ name: string; code: string }> = [];
  for (const doc of readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).sort()) {
    const text = readFileSync(join(root, 'docs', doc), 'utf8');
    const blocks = [...text.matchAll(/```ts( no-run)?\n([\s\S]*?)```/g)];
    blocks.forEach((block, i) => {
      if (!block[1]) found.push({ name: `${doc.replace('.md', '')}-${i + 1}`, code: block[2]! });
    });
  }
  return found;
}

describe('every example in docs/ runs', () => {
  mkdirSync(runDir, { recursive: true });
  for (const { name, code } of examples()) {
    it(name, async () => {
      const file = join(runDir, `${name}.ts`);
      writeFileSync(file, code);
      const cwd = mkdtempSync(join(tmpdir(), 'optrail-doc-'));
      const { stderr } = await run(process.execPath, ['--import', import.meta.resolve('tsx'), file], {
        cwd,
        env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.json') },
      });
      expect(stderr).toBe('');
    });
  }
});
