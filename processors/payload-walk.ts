/**
 * Copy on write over JSON values, the one way processors rewrite a payload: an untouched value
 * comes back as the same reference, so a clean payload is never copied; a changed one comes back
 * as a new frozen tree sharing the untouched parts. `truncate()` rewrites strings with it
 * (`rewriteStrings`), `redact()` walks keys and values with its pieces (redact-walk.ts).
 */

/** Sets `out[key]`, keeping an own `__proto__` a field rather than the object's prototype. */
function put(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

/** `items` with each item through `next`: the same array when none changed, else a frozen copy. */
export function mapItems(items: readonly unknown[], next: (item: unknown) => unknown): readonly unknown[] {
  let copy: unknown[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const out = next(item);
    if (out !== item) (copy ??= items.slice())[i] = out;
  }
  return copy === undefined ? items : Object.freeze(copy);
}

/**
 * The copy of an object whose fields change, made at the first change: the fields before it as
 * they were, then each field as decided, in the source's key order (a renamed key keeps its
 * place). Built field by field: a spread of a frozen object takes V8's slow path, and what it
 * makes is slow to freeze.
 */
export class ObjectCopy {
  private out: Record<string, unknown> | undefined;

  constructor(private readonly source: Readonly<Record<string, unknown>>) {}

  /** Field `key` of the source comes out as `name`: `value` (called in key order from the first change on). */
  set(key: string, name: string, value: unknown): void {
    if (this.out === undefined) {
      this.out = {};
      for (const earlier in this.source) {
        if (earlier === key) break;
        put(this.out, earlier, this.source[earlier]);
      }
    }
    put(this.out, name, value);
  }

  /** The copy, frozen (the source itself when nothing was set). */
  result(): Readonly<Record<string, unknown>> {
    return Object.freeze(this.out ?? this.source);
  }
}

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
  if (Array.isArray(value)) return mapItems(value, (item) => rewriteStrings(item, rewrite, key));
  const source = value as Record<string, unknown>;
  let copy: ObjectCopy | undefined;
  for (const k in source) {
    const v = source[k];
    const next = rewriteStrings(v, rewrite, k);
    if (copy === undefined && next === v) continue;
    (copy ??= new ObjectCopy(source)).set(k, k, next);
  }
  return copy === undefined ? value : copy.result();
}
