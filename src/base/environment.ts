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
  /** `OPTRAIL_ENDPOINT`: URL an HTTP exporter sends to (the default pipeline gets one). */
  endpoint?: string;
  /** `OPTRAIL_API_KEY`: bearer key for `OPTRAIL_ENDPOINT`. */
  apiKey?: string;
  /** `OPTRAIL_SPOOL_DIR`: where unsent batches wait (default `.optrail/spool/<exporter>`). */
  spoolDir?: string;
  /** `OPTRAIL_FLUSH_EVENTS`: events per batch (default `DEFAULT_BATCH_EVENTS`). */
  flushEvents?: number;
  /** `OPTRAIL_FLUSH_MS`: a batch's oldest event waits at most this long (default `DEFAULT_BATCH_AGE_MS`). */
  flushMs?: number;
  /** `OPTRAIL_MAX_BUFFER_BYTES`: the pipeline's memory cap (default `DEFAULT_MAX_BUFFER_BYTES`). */
  maxBufferBytes?: number;
  /** `OPTRAIL_REDACT_CREDENTIALS`: `0`, `false`, `no` or `off` turn the default credential redaction off. */
  redactCredentials?: false;
}

function positiveInt(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

function nonEmpty(text: string | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed ? trimmed : undefined;
}

function flag(text: string | undefined): boolean {
  return text !== undefined && /^(1|true|yes|on)$/i.test(text.trim());
}

function offFlag(text: string | undefined): boolean {
  return text !== undefined && /^(0|false|no|off)$/i.test(text.trim());
}

/** Reads the `OPTRAIL_*` variables from `env` (default `process.env`). Never throws. */
export function readEnvConfig(env: NodeJS.ProcessEnv = process.env): EnvConfig {
  return {
    output: nonEmpty(env.OPTRAIL_OUTPUT),
    disabled: flag(env.OPTRAIL_DISABLED),
    maxString: positiveInt(env.OPTRAIL_MAX_STRING),
    maxItems: positiveInt(env.OPTRAIL_MAX_ITEMS),
    endpoint: nonEmpty(env.OPTRAIL_ENDPOINT),
    apiKey: nonEmpty(env.OPTRAIL_API_KEY),
    spoolDir: nonEmpty(env.OPTRAIL_SPOOL_DIR),
    flushEvents: positiveInt(env.OPTRAIL_FLUSH_EVENTS),
    flushMs: positiveInt(env.OPTRAIL_FLUSH_MS),
    maxBufferBytes: positiveInt(env.OPTRAIL_MAX_BUFFER_BYTES),
    redactCredentials: offFlag(env.OPTRAIL_REDACT_CREDENTIALS) ? false : undefined,
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
