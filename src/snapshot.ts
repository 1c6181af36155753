import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_ITEMS, DEFAULT_MAX_STRING } from './defaults.js';

/** Bounds of a captured value. Defaults: `DEFAULT_MAX_STRING`, `DEFAULT_MAX_ITEMS`, `DEFAULT_MAX_DEPTH`. */
export interface CaptureLimits {
  /** Longest string kept, in UTF-16 code units (default 1000). */
  maxString: number;
  /** Most array items or object keys kept (default 50). */
  maxItems: number;
  /** Deepest nesting kept (default 6). */
  maxDepth: number;
}

export const DEFAULT_CAPTURE_LIMITS: Readonly<CaptureLimits> = Object.freeze({
  maxString: DEFAULT_MAX_STRING,
  maxItems: DEFAULT_MAX_ITEMS,
  maxDepth: DEFAULT_MAX_DEPTH,
});

/** A JSON value, as captured: frozen, bounded, safe to serialize. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };
export type JsonObject = { readonly [key: string]: JsonValue };

/**
 * Estimated serialized size of the last snapshot, read by the emitter right after a capture so
 * that byte accounting needs no second walk and no `JSON.stringify` on the hot path.
 */
let estimatedBytes = 0;

/** The estimated JSON size in bytes of what the last `capture*` call returned. */
export function lastCaptureBytes(): number {
  return estimatedBytes;
}

const EMPTY: JsonObject = Object.freeze({});

function cutString(text: string, limits: CaptureLimits): string {
  if (text.length <= limits.maxString) {
    estimatedBytes += text.length + 2;
    return text;
  }
  const kept = text.slice(0, limits.maxString);
  estimatedBytes += limits.maxString + 32;
  return `${kept}…[truncated ${text.length - limits.maxString} chars]`;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describeError(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'unknown error';
  }
}

function captureValue(value: unknown, limits: CaptureLimits, depth: number, ancestors: object[]): JsonValue {
  switch (typeof value) {
    case 'string':
      return cutString(value, limits);
    case 'number':
      estimatedBytes += 8;
      // JSON has no NaN or Infinity; keep what they were instead of a silent null.
      return Number.isFinite(value) ? (Object.is(value, -0) ? 0 : value) : String(value);
    case 'boolean':
      estimatedBytes += 5;
      return value;
    case 'undefined':
      estimatedBytes += 4;
      return null;
    case 'bigint':
      estimatedBytes += 24;
      return `${value}n`;
    case 'symbol':
      estimatedBytes += 24;
      return value.toString();
    case 'function':
      estimatedBytes += 24;
      return `[Function ${value.name || 'anonymous'}]`;
    default:
      return value === null ? ((estimatedBytes += 4), null) : captureObject(value as object, limits, depth, ancestors);
  }
}

function captureObject(value: object, limits: CaptureLimits, depth: number, ancestors: object[]): JsonValue {
  if (ancestors.includes(value)) {
    estimatedBytes += 12;
    return '[Circular]';
  }
  if (value instanceof Date) {
    estimatedBytes += 28;
    return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  }
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    // Bytes never go into an event (use recordMedia): only their type and size.
    estimatedBytes += 48;
    return Object.freeze({ $type: value.constructor.name, byteLength: value.byteLength });
  }
  if (depth >= limits.maxDepth) {
    estimatedBytes += 16;
    return Array.isArray(value) ? `[Array(${value.length})]` : `[${value.constructor?.name ?? 'Object'}]`;
  }
  ancestors.push(value);
  try {
    if (Array.isArray(value)) return captureArray(value, limits, depth, ancestors);
    if (value instanceof Map) {
      const entries = captureArray(Array.from(value), limits, depth + 1, ancestors);
      return Object.freeze({ $type: 'Map', size: value.size, entries });
    }
    if (value instanceof Set) {
      const values = captureArray(Array.from(value), limits, depth + 1, ancestors);
      return Object.freeze({ $type: 'Set', size: value.size, values });
    }
    if (value instanceof Error) return captureError(value, limits, depth, ancestors);
    if (typeof (value as { then?: unknown }).then === 'function') {
      estimatedBytes += 10;
      return '[Promise]';
    }
    if (!isPlainObject(value) && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
      return captureValue((value as { toJSON(): unknown }).toJSON(), limits, depth, ancestors);
    }
    return captureFields(value, limits, depth, ancestors);
  } catch (error) {
    estimatedBytes += 32;
    return `[Unserializable: ${describeError(error)}]`;
  } finally {
    ancestors.pop();
  }
}

function captureArray(value: readonly unknown[], limits: CaptureLimits, depth: number, ancestors: object[]): JsonValue {
  const kept = Math.min(value.length, limits.maxItems);
  const out: JsonValue[] = new Array(kept);
  estimatedBytes += 2;
  for (let i = 0; i < kept; i++) {
    out[i] = captureValue(value[i], limits, depth + 1, ancestors);
    estimatedBytes += 1;
  }
  if (value.length > kept) {
    out.push(`…[+${value.length - kept} items]`);
    estimatedBytes += 20;
  }
  return Object.freeze(out);
}

const hasOwnProperty = Object.prototype.hasOwnProperty;

/** `ancestors` undefined: `value` is the root and its only ancestor (the array is made when a field needs it). */
function captureFields(value: object, limits: CaptureLimits, depth: number, ancestors: object[] | undefined): JsonObject {
  const out: Record<string, JsonValue> = {};
  // Own enumerable string keys, as JSON.stringify sees them, in the same order. `for…in` with the
  // `hasOwnProperty` guard is what V8 runs from the map's enum cache with no key array: about
  // half the cost of `Object.keys` and a loop over it.
  const maxItems = limits.maxItems;
  let seen = 0;
  let bytes = 2;
  for (const key in value) {
    if (!hasOwnProperty.call(value, key)) continue;
    if (seen === maxItems) {
      const extra = Object.keys(value).length - maxItems;
      out['…'] = `+${extra} keys`;
      bytes += 20;
      break;
    }
    seen++;
    let field: unknown;
    try {
      field = (value as Record<string, unknown>)[key];
    } catch (error) {
      field = `[Unreadable: ${describeError(error)}]`;
    }
    if (field === undefined) continue; // as JSON.stringify does
    out[key] =
      typeof field === 'string' && field.length <= limits.maxString
        ? ((bytes += field.length + 2), field)
        : captureValue(field, limits, depth + 1, (ancestors ??= [value]));
    bytes += key.length + 4;
  }
  estimatedBytes += bytes;
  return Object.freeze(out);
}

function captureError(error: Error, limits: CaptureLimits, depth: number, ancestors: object[]): JsonObject {
  const out: Record<string, JsonValue> = {
    $type: 'Error',
    name: cutString(String(error.name), limits),
    message: cutString(String(error.message), limits),
  };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) out.code = captureValue(code, limits, depth + 1, ancestors);
  if (error.cause !== undefined) out.cause = captureValue(error.cause, limits, depth + 1, ancestors);
  estimatedBytes += 40;
  return Object.freeze(out);
}

/**
 * Captures any value as a bounded, frozen JSON snapshot that shares nothing with the original.
 * Never throws: what cannot be read becomes a descriptive string.
 */
export function capture(value: unknown, limits: CaptureLimits = DEFAULT_CAPTURE_LIMITS): JsonValue {
  estimatedBytes = 0;
  try {
    return captureValue(value, limits, 0, []);
  } catch (error) {
    return `[Unserializable: ${describeError(error)}]`;
  }
}

/**
 * Captures a value as the JSON object an event payload needs (`inputs`, `outputs`, `yielded`):
 * a plain object becomes its captured fields, `undefined` becomes `{}`, anything else is
 * wrapped as `{ value }`.
 */
export function captureAsObject(value: unknown, limits: CaptureLimits = DEFAULT_CAPTURE_LIMITS): JsonObject {
  if (isPlainRecord(value)) return capturePlainObject(value, limits);
  estimatedBytes = 0;
  if (value === undefined) return EMPTY;
  try {
    return Object.freeze({ value: captureValue(value, limits, 1, []) });
  } catch (error) {
    return unserializable(error);
  }
}

/** A plain object (not an array, not a class instance): captured as its own fields. */
function isPlainRecord(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && isPlainObject(value);
}

function capturePlainObject(value: object, limits: CaptureLimits): JsonObject {
  estimatedBytes = 0;
  try {
    return captureFields(value, limits, 0, undefined);
  } catch (error) {
    return unserializable(error);
  }
}

function unserializable(error: unknown): JsonObject {
  return Object.freeze({ value: `[Unserializable: ${describeError(error)}]` });
}

/**
 * Captures the arguments of a call as `inputs`: one plain-object argument becomes its fields
 * (the common `fn({ question })` style), no argument becomes `{}`, anything else `{ args: [...] }`.
 */
export function captureArgs(args: readonly unknown[], limits: CaptureLimits = DEFAULT_CAPTURE_LIMITS): JsonObject {
  if (args.length === 0) {
    estimatedBytes = 2;
    return EMPTY;
  }
  if (args.length === 1 && isPlainRecord(args[0])) return capturePlainObject(args[0], limits);
  estimatedBytes = 0;
  return Object.freeze({ args: captureArray(args, limits, 0, []) });
}

/** Merges partial limits over a base, ignoring values that are not positive integers. */
export function resolveLimits(base: Readonly<CaptureLimits>, override?: Partial<CaptureLimits>): CaptureLimits {
  if (!override) return base;
  const pick = (v: number | undefined, d: number) => (Number.isInteger(v) && (v as number) > 0 ? (v as number) : d);
  return Object.freeze({
    maxString: pick(override.maxString, base.maxString),
    maxItems: pick(override.maxItems, base.maxItems),
    maxDepth: pick(override.maxDepth, base.maxDepth),
  });
}
