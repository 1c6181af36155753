/**
 * Reading what a client hands back without ever throwing into the caller: a response the server
 * sent is JSON, but a caller's own body may be a Proxy or carry getters that throw.
 */

/** An object (not null, not an array) whose fields can be read. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value[key]`, or `undefined` when `value` is no object or reading throws (a getter, a Proxy trap). */
export function read(value: unknown, key: string | symbol): unknown {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined;
  try {
    return (value as Record<string | symbol, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** A token count: a finite number ≥ 0, else `undefined` (absent, `null`, garbage). */
export function tokenCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** A string field, else `undefined`. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Whether `value` is an array, read without throwing (a revoked Proxy). */
export function isArray(value: unknown): value is unknown[] {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}
