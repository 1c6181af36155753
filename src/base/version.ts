import manifest from 'optrail/package.json' with { type: 'json' };

/**
 * optrail's version: package.json's `version`, the one place it is written. Read through the
 * package's own `./package.json` export (a self-reference, so the same specifier works from
 * `src/` under tsx and vitest and from the bundles in `dist/`, where tsup inlines it at build
 * time). The CLI prints it (`optrail --version`); OTLP exports name it as their scope version.
 */
export const VERSION: string = manifest.version;
