import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { layerOf, layoutFiles, layoutViolations, violationsIn } from './layers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('the layout: nothing low imports anything high', () => {
  it('every source file is in a folder of the layout, and every import follows the rules', () => {
    expect(layoutFiles(root).filter((file) => layerOf(file) === undefined)).toEqual([]);
    expect(layoutViolations(root)).toEqual([]);
  });

  it('catches an upward import in every form: static, re-export, type-only, dynamic', () => {
    const file = 'src/recording/op.ts';
    for (const statement of [
      "import { createPipeline } from '../pipeline/pipeline.js';",
      "export { httpExporter } from '../../exporters/http.js';",
      "import type { Pipeline } from '../pipeline/pipeline-types.js';",
      "const views = await import('../../views/index.js');",
    ]) {
      expect(violationsIn(file, `// a comment\n${statement}\n`), statement).toEqual([
        expect.objectContaining({ file, line: 2, reason: expect.stringMatching(/^src\/recording may not import (src\/pipeline|exporters|views)$/) }),
      ]);
    }
    expect(violationsIn(file, "import { processWide } from '../base/process-wide.js';\nimport { z } from 'zod';")).toEqual([]);
  });

  it('catches what slips past folder rules: the package importing itself, a root-relative or absolute path, a require through a variable', () => {
    const file = 'src/recording/op.ts';
    for (const statement of [
      "import { httpExporter } from 'optrail/exporters';",
      "import { createPipeline } from 'optrail';",
      "import { httpExporter } from 'exporters/http.js';",
      "import { jsonlExporter } from '/work/main/exporters/jsonl.js';",
      "import { createRequire } from 'node:module'; const load = createRequire(import.meta.url); load('../../exporters/jsonl.js');",
      "const { jsonlExporter } = require('../../exporters/jsonl.js');",
      "export * from '../pipeline/pipeline.js';",
      "import { x } from '../recording/../../exporters/jsonl.js';",
    ]) {
      expect(violationsIn(file, `${statement}\n`), statement).toHaveLength(1);
    }
    expect(violationsIn('src/base/version.ts', "import pkg from 'optrail/package.json' with { type: 'json' };")).toEqual([]);
  });

  it('keeps the core out of the exporters and the views, and the views off the pipeline', () => {
    expect(violationsIn('src/pipeline/default-pipeline.ts', "import { jsonlExporter } from '../../exporters/jsonl.js';")).toHaveLength(1);
    expect(violationsIn('views/tree.ts', "import { createPipeline } from '../src/pipeline/pipeline.js';")).toHaveLength(1);
    expect(violationsIn('src/wire/clock.ts', "import { op } from '../recording/op.js';")).toHaveLength(1);
  });
});
