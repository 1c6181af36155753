import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: {
      index: 'index.ts',
      processors: 'processors/index.ts',
      exporters: 'exporters/index.ts',
      views: 'views/index.ts',
      receiver: 'receiver/index.ts',
      schemas: 'schemas/index.ts',
      'ai-sdk': 'integrations/ai-sdk/index.ts',
      openai: 'integrations/openai/index.ts',
      anthropic: 'integrations/anthropic/index.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    splitting: true,
    treeshake: true,
  },
  {
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    dts: false,
    sourcemap: true,
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
