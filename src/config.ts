/**
 * The one module that reads the environment. Everything else takes explicit options; this
 * module turns `OPTRAIL_*` variables into those options. docs/configuration.md lists them.
 */

/** What the environment says, parsed. Absent or unusable variables are `undefined`. */
export interface EnvConfig {
  /** `OPTRAIL_OUTPUT`: a `.jsonl` / `.jsonl.gz` file, or a directory (ends in `/` or exists). */
  output?: string;
  /** `OPTRAIL_DISABLED`: `1`, `true`, `yes` or `on` turn tracing off: wrapped functions run bare. */
  disabled: boolean;
  /** `OPTRAIL_MAX_STRING`: longest captured string (default `DEFAULT_MAX_STRING`). */
  maxString?: number;
  /** `OPTRAIL_MAX_ITEMS`: most captured items per array or object (default `DEFAULT_MAX_ITEMS`). */
  maxItems?: number;
}

function positiveInt(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

function flag(text: string | undefined): boolean {
  return text !== undefined && /^(1|true|yes|on)$/i.test(text.trim());
}

/** Reads the `OPTRAIL_*` variables from `env` (default `process.env`). Never throws. */
export function readEnvConfig(env: NodeJS.ProcessEnv = process.env): EnvConfig {
  const output = env.OPTRAIL_OUTPUT?.trim();
  return {
    output: output ? output : undefined,
    disabled: flag(env.OPTRAIL_DISABLED),
    maxString: positiveInt(env.OPTRAIL_MAX_STRING),
    maxItems: positiveInt(env.OPTRAIL_MAX_ITEMS),
  };
}

let cached: EnvConfig | undefined;

/** The process's environment configuration, read once. */
export function envConfig(): EnvConfig {
  return (cached ??= readEnvConfig());
}

/** Forgets the cached environment so the next `envConfig()` reads it again (for tests). */
export function resetEnvConfig(): void {
  cached = undefined;
}
