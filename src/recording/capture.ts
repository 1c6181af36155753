import { boundString, boundText } from './bounded-text.js';
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_ITEMS, DEFAULT_MAX_NAME, DEFAULT_MAX_STRING } from '../base/defaults.js';
import { redactedValue, type CaptureSecrets } from '../redaction/capture-secrets.js';

/** Bounds of a captured value. Defaults: `DEFAULT_MAX_STRING`, `DEFAULT_MAX_ITEMS`, `DEFAULT_MAX_DEPTH`. */
export interface CaptureLimits {
  /** Longest string (or object key) kept, in UTF-16 code units (default `DEFAULT_MAX_STRING`, 32,000). */
  maxString: number;
  /** Most array items or object keys kept (default `DEFAULT_MAX_ITEMS`, 256). */
  maxItems: number;
  /** Deepest nesting kept (default `DEFAULT_MAX_DEPTH`, 10). */
  maxDepth: number;
}

/**
 * The limits a pipeline captures with, and the credential redaction it applies while capturing
 * (`undefined` when `redactCredentials: false`). Internal: users give `CaptureLimits`.
 */
export interface CapturePolicy extends CaptureLimits {
  readonly secrets?: CaptureSecrets;
}

export const DEFAULT_CAPTURE_LIMITS: Readonly<CaptureLimits> = Object.freeze({
  maxString: DEFAULT_MAX_STRING,
  maxItems: DEFAULT_MAX_ITEMS,
  maxDepth: DEFAULT_MAX_DEPTH,
});

/** A JSON value, as captured: frozen, bounded, safe to serialize. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };
/** A JSON object, as captured (inputs, outputs, payloads). */
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

/** A captured string: its credentials redacted first (the cut must never see a whole secret), then bounded. */
function cutString(text: string, limits: CapturePolicy): string {
  if (limits.secrets !== undefined) text = limits.secrets.scrub(text);
  if (text.length <= limits.maxString) {
    estimatedBytes += text.length + 2;
    return text;
  }
  estimatedBytes += limits.maxString + 32;
  return boundString(text, limits.maxString);
}

/** A name optrail writes itself (a class or function name): bounded, counted. */
function cutName(text: string, limits: CapturePolicy): string {
  estimatedBytes += Math.min(text.length, DEFAULT_MAX_NAME + 32);
  const name = boundString(text, DEFAULT_MAX_NAME);
  return limits.secrets === undefined ? name : limits.secrets.scrub(name);
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** What a failure inside a capture said, bounded (it lands in the event). */
function describeError(error: unknown, limits: CapturePolicy): string {
  let message: unknown;
  try {
    message = error instanceof Error ? error.message : error;
  } catch {
    message = error;
  }
  estimatedBytes += 64;
  const text = boundText(message, DEFAULT_MAX_NAME);
  return limits.secrets === undefined ? text : limits.secrets.scrub(text);
}

/** The `constructor.name` of a value, bounded; `fallback` when it cannot be read or is no string. */
function className(value: object, fallback: string, limits: CapturePolicy): string {
  try {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' ? cutName(name, limits) : fallback;
  } catch {
    return fallback;
  }
}

function captureValue(value: unknown, limits: CapturePolicy, depth: number, ancestors: object[]): JsonValue {
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
      return cutString(`${value}n`, limits);
    case 'symbol':
      return cutString(value.toString(), limits);
    case 'function':
      estimatedBytes += 12;
      return `[Function ${functionName(value, limits)}]`;
    default:
      return value === null ? ((estimatedBytes += 4), null) : captureObject(value as object, limits, depth, ancestors);
  }
}

function functionName(fn: Function, limits: CapturePolicy): string {
  try {
    const name = fn.name;
    return typeof name === 'string' && name !== '' ? cutName(name, limits) : 'anonymous';
  } catch {
    return 'anonymous';
  }
}

/** An object, bounded. Whatever it throws (a getter, a Proxy trap, a revoked Proxy) becomes a marker string. */
function captureObject(value: object, limits: CapturePolicy, depth: number, ancestors: object[]): JsonValue {
  if (ancestors.includes(value)) {
    estimatedBytes += 12;
    return '[Circular]';
  }
  let pushed = false;
  try {
    if (value instanceof Date) {
      estimatedBytes += 28;
      return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
    }
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
      // Bytes never go into an event (use recordMedia): only their type and size.
      estimatedBytes += 48;
      return Object.freeze({ $type: className(value, 'ArrayBuffer', limits), byteLength: value.byteLength });
    }
    if (depth >= limits.maxDepth) {
      estimatedBytes += 16;
      return Array.isArray(value) ? `[Array(${value.length})]` : `[${className(value, 'Object', limits)}]`;
    }
    ancestors.push(value);
    pushed = true;
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
    return `[Unserializable: ${describeError(error, limits)}]`;
  } finally {
    if (pushed) ancestors.pop();
  }
}

function captureArray(value: readonly unknown[], limits: CapturePolicy, depth: number, ancestors: object[]): JsonValue {
  const secrets = limits.secrets;
  // A `[name, value]` pair (a header list, a Map entry) whose name is a secret key: its value is secret.
  if (secrets !== undefined && value.length === 2 && typeof value[0] === 'string' && secrets.keyRule(value[0]).secret) {
    estimatedBytes += 16;
    return Object.freeze([cutString(value[0], limits), redactedValue(value[1])]);
  }
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


/** A `{name, value}` / `{key, value}` pair (HAR headers, form fields) whose name is a secret key. */
function isSecretPair(out: Record<string, JsonValue>, secrets: CaptureSecrets): boolean {
  const name = hasOwnProperty.call(out, 'name') ? out.name : out.key;
  return typeof name === 'string' && secrets.keyRule(name).secret;
}

/** `ancestors` undefined: `value` is the root and its only ancestor (the array is made when a field needs it). */
function captureFields(value: object, limits: CapturePolicy, depth: number, ancestors: object[] | undefined): JsonObject {
  const out: Record<string, JsonValue> = {};
  // Own enumerable string keys, as JSON.stringify sees them, in the same order. `for…in` with the
  // `hasOwnProperty` guard is what V8 runs from the map's enum cache with no key array: about
  // half the cost of `Object.keys` and a loop over it.
  const maxItems = limits.maxItems;
  const maxKey = limits.maxString;
  const secrets = limits.secrets;
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
      field = `[Unreadable: ${describeError(error, limits)}]`;
    }
    if (field === undefined) continue; // as JSON.stringify does
    let outKey = key.length > maxKey ? boundString(key, maxKey) : key;
    let captured: JsonValue;
    if (secrets === undefined) {
      captured =
        typeof field === 'string' && field.length <= limits.maxString
          ? ((bytes += field.length + 2), field)
          : captureValue(field, limits, depth + 1, (ancestors ??= [value]));
    } else {
      const rule = secrets.keyRule(outKey);
      outKey = rule.key;
      if (rule.secret) captured = redactedValue(field);
      else {
        captured =
          typeof field === 'string' && field.length <= limits.maxString
            ? ((bytes += field.length + 2), secrets.scrub(field))
            : captureValue(field, limits, depth + 1, (ancestors ??= [value]));
      }
    }
    // An own "__proto__" (JSON.parse makes them) stays a field, not the snapshot's prototype.
    if (outKey === '__proto__') Object.defineProperty(out, outKey, { value: captured, enumerable: true, writable: true, configurable: true });
    else out[outKey] = captured;
    bytes += outKey.length + 4;
  }
  estimatedBytes += bytes;
  if (secrets !== undefined && out.value !== undefined && isSecretPair(out, secrets)) out.value = redactedValue(out.value);
  return Object.freeze(out);
}

function captureError(error: Error, limits: CapturePolicy, depth: number, ancestors: object[]): JsonObject {
  const out: Record<string, JsonValue> = {
    $type: 'Error',
    name: cutString(boundText(error.name, DEFAULT_MAX_NAME), limits),
    message: cutString(boundText(error.message, limits.maxString), limits),
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
export function capture(value: unknown, limits: CapturePolicy = DEFAULT_CAPTURE_LIMITS): JsonValue {
  estimatedBytes = 0;
  try {
    return captureValue(value, limits, 0, []);
  } catch (error) {
    return `[Unserializable: ${describeError(error, limits)}]`;
  }
}

/**
 * Captures a value as the JSON object an event payload needs (`inputs`, `outputs`, `yielded`):
 * a plain object becomes its captured fields, `undefined` becomes `{}`, anything else is
 * wrapped as `{ value }`.
 */
export function captureAsObject(value: unknown, limits: CapturePolicy = DEFAULT_CAPTURE_LIMITS): JsonObject {
  if (isPlainRecord(value)) return capturePlainObject(value, limits);
  estimatedBytes = 2;
  if (value === undefined) return EMPTY;
  estimatedBytes = 0;
  try {
    return Object.freeze({ value: captureValue(value, limits, 1, []) });
  } catch (error) {
    return unserializable(error, limits);
  }
}

/**
 * A plain object (not an array, not a class instance): captured as its own fields. A value that
 * cannot be asked (a revoked Proxy) is not one: it is captured, and described, as a value.
 */
function isPlainRecord(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  try {
    return !Array.isArray(value) && isPlainObject(value);
  } catch {
    return false;
  }
}

function capturePlainObject(value: object, limits: CapturePolicy): JsonObject {
  estimatedBytes = 0;
  try {
    return captureFields(value, limits, 0, undefined);
  } catch (error) {
    return unserializable(error, limits);
  }
}

function unserializable(error: unknown, limits: CapturePolicy): JsonObject {
  return Object.freeze({ value: `[Unserializable: ${describeError(error, limits)}]` });
}

/**
 * Captures the arguments of a call as `inputs`: one plain-object argument becomes its fields
 * (the common `fn({ question })` style), no argument becomes `{}`, anything else `{ args: [...] }`.
 */
export function captureArgs(args: readonly unknown[], limits: CapturePolicy = DEFAULT_CAPTURE_LIMITS): JsonObject {
  if (args.length === 0) {
    estimatedBytes = 2;
    return EMPTY;
  }
  if (args.length === 1 && isPlainRecord(args[0])) return capturePlainObject(args[0], limits);
  estimatedBytes = 0;
  return Object.freeze({ args: captureArray(args, limits, 0, []) });
}

/** Merges partial limits over a base, ignoring values that are not positive integers. */
export function resolveLimits(base: Readonly<CapturePolicy>, override?: Partial<CaptureLimits>): CapturePolicy {
  if (!override) return base;
  const pick = (v: number | undefined, d: number) => (Number.isInteger(v) && (v as number) > 0 ? (v as number) : d);
  return Object.freeze({
    maxString: pick(override.maxString, base.maxString),
    maxItems: pick(override.maxItems, base.maxItems),
    maxDepth: pick(override.maxDepth, base.maxDepth),
    secrets: base.secrets,
  });
}
