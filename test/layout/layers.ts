/**
 * The import rules of the layout (docs/architecture.md): each folder names the folders it may
 * import from, so the data path reads bottom to top — base, wire, then redaction / read /
 * delivery / otlp, recording, pipeline, processors and views, exporters, and the CLI and the
 * package's entry on top. Checked over every source file with TypeScript's own import scanner
 * (`ts.preProcessFile`: static imports, re-exports, `import type`, dynamic `import()`, `require()`),
 * and any other string that is a relative path to a script. Non-relative specifiers that name the
 * package itself or a repository folder are refused: they would slip past the folder rules.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** A folder of the layout (repository-relative, `/`-separated) and the folders it may import from (itself always). */
export const LAYERS: Record<string, readonly string[]> = {
  'src/base': [],
  schemas: [],
  'src/wire': ['src/base', 'schemas'],
  'src/redaction': ['src/base', 'src/wire', 'schemas'],
  'src/read': ['src/base', 'src/wire', 'schemas'],
  'src/delivery': ['src/base', 'src/wire', 'schemas'],
  'src/otlp': ['src/base', 'src/wire', 'schemas'],
  'src/pricing': ['src/base', 'src/wire', 'schemas'],
  'src/recording': ['src/base', 'src/wire', 'src/redaction', 'src/pricing', 'schemas'],
  'src/pipeline': ['src/base', 'src/wire', 'src/redaction', 'src/pricing', 'src/recording', 'src/delivery', 'schemas'],
  processors: ['src/base', 'src/wire', 'src/redaction', 'src/pipeline', 'schemas'],
  views: ['src/base', 'src/wire', 'src/read', 'schemas'],
  exporters: ['src/base', 'src/wire', 'src/read', 'src/delivery', 'src/otlp', 'src/pipeline', 'views', 'schemas'],
  receiver: ['src/base', 'src/wire', 'src/read', 'exporters', 'schemas'],
  integrations: ['src/base', 'src/wire', 'src/redaction', 'src/pricing', 'src/recording', 'schemas'],
  'src/cli': ['src/base', 'src/wire', 'src/redaction', 'src/read', 'src/delivery', 'src/otlp', 'src/recording', 'src/pipeline', 'processors', 'views', 'exporters', 'receiver', 'schemas', '.'],
  '.': ['src/base', 'src/wire', 'src/read', 'src/delivery', 'src/recording', 'src/pipeline', 'exporters', 'schemas'],
};

/** One import that breaks the rules: who imports what, and why it may not. */
export interface LayerViolation {
  file: string;
  line: number;
  imports: string;
  reason: string;
}

/** The layer of a repository-relative file: the longest folder of `LAYERS` that holds it (`.`: a file at the root). */
export function layerOf(file: string): string | undefined {
  const folder = dirname(file).split(sep).join('/');
  if (folder === '.') return '.';
  let best: string | undefined;
  for (const layer of Object.keys(LAYERS)) {
    if (layer !== '.' && (folder === layer || folder.startsWith(`${layer}/`)) && (best === undefined || layer.length > best.length)) best = layer;
  }
  return best;
}

/** Every `.ts` file under `dir` (repository-relative). */
function sourceFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(relative(root, path));
    }
  };
  walk(join(root, dir));
  return out;
}

/** The files the layout covers: every source folder, and the entry at the root. */
export function layoutFiles(root: string): string[] {
  return [...['src', 'processors', 'exporters', 'views', 'receiver', 'schemas', 'integrations'].flatMap((dir) => sourceFiles(root, dir)), 'index.ts'];
}

/** The repository's top-level folders of source: a non-relative specifier naming one (`exporters/http.js`) is an import of a repository file. */
const TOP_FOLDERS = ['src', 'processors', 'exporters', 'views', 'receiver', 'schemas', 'integrations', 'test', 'bench'];

/**
 * Every module `source` names: what TypeScript's import scanner finds (static imports,
 * re-exports, `import type`, `import()`, `require()`), and any other string that is a relative
 * path to a script (`createRequire(…)('../x.js')`), with where each stands.
 */
function referencesIn(source: string): Array<{ spec: string; pos: number }> {
  const found = ts.preProcessFile(source, true, true).importedFiles.map((reference) => ({ spec: reference.fileName, pos: reference.pos }));
  for (const match of source.matchAll(/(['"`])(\.\.?\/[^'"`\n]+\.[cm]?[jt]s)\1/g)) {
    const pos = match.index + 1;
    if (!found.some((reference) => reference.spec === match[2])) found.push({ spec: match[2]!, pos });
  }
  return found;
}

/** What `source` (the text of `file`) imports that the rules forbid. */
export function violationsIn(file: string, source: string): LayerViolation[] {
  const from = layerOf(file);
  if (from === undefined) return [{ file, line: 1, imports: file, reason: 'the file is in no folder of the layout' }];
  const allowed = new Set([from, ...LAYERS[from]!]);
  const out: LayerViolation[] = [];
  for (const { spec, pos } of referencesIn(source)) {
    const line = source.slice(0, pos).split('\n').length;
    const violation = (reason: string) => out.push({ file, line, imports: spec, reason });
    if (spec.startsWith('/') || /^[A-Za-z]:[\\/]/.test(spec)) {
      violation('an absolute path: import within the layout by relative path');
      continue;
    }
    if (!spec.startsWith('.')) {
      // The package's own version is data, not a layer: `optrail/package.json` may be read anywhere.
      if (spec === 'optrail/package.json') continue;
      if (spec === 'optrail' || spec.startsWith('optrail/')) violation('the package imports itself: import within the layout by relative path');
      else if (TOP_FOLDERS.includes(spec.split('/')[0]!)) violation('a repository file named from the root: import within the layout by relative path');
      continue; // a package: node:*, rxjs, zod…
    }
    const target = relative('.', resolve(dirname(file), spec)).split(sep).join('/');
    const to = layerOf(target);
    if (to !== undefined && allowed.has(to)) continue;
    violation(to === undefined ? `${target} is in no folder of the layout` : `${from} may not import ${to}`);
  }
  return out;
}

/** Every violation in the repository at `root`. */
export function layoutViolations(root: string): LayerViolation[] {
  return layoutFiles(root).flatMap((file) => violationsIn(file, readFileSync(join(root, file), 'utf8')));
}
