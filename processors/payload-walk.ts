/**
 * Rewrites every string in a JSON value, at any depth, and object keys' values with knowledge
 * of their key. Returns the same reference when nothing changed, so untouched payloads are not
 * copied. `rewrite` returns the new string, or the same string when it has nothing to do.
 */
export function rewriteStrings(
  value: unknown,
  rewrite: (text: string, key: string | undefined) => unknown,
  key?: string,
): unknown {
  if (typeof value === 'string') return rewrite(value, key);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const next = rewriteStrings(value[i], rewrite, key);
      if (next !== value[i]) {
        copy ??= value.slice();
        copy[i] = next;
      }
    }
    return copy ? Object.freeze(copy) : value;
  }
  let copy: Record<string, unknown> | undefined;
  const source = value as Record<string, unknown>;
  for (const k in source) {
    const next = rewriteStrings(source[k], rewrite, k);
    if (next !== source[k]) {
      copy ??= { ...source };
      copy[k] = next;
    }
  }
  return copy ? Object.freeze(copy) : value;
}
