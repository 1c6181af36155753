import { boundName, boundString, boundText, UNREADABLE } from './bounded-text.js';
import { DEFAULT_MAX_CAUSE_DEPTH, DEFAULT_MAX_STRING } from '../base/defaults.js';

/**
 * What an `op_end` with status `error` records of what was thrown: enough to debug it, bounded,
 * and read without ever throwing (a getter that throws, a Proxy, a revoked Proxy give placeholders).
 */
export interface ThrownDescription {
  /** The error's `name`, else its constructor's name, else `typeof` the value; at most `DEFAULT_MAX_NAME` characters. */
  type: string;
  /** Its `message` (or the value as a string), cut at the capture limit `maxString`; `"[unreadable]"` when it cannot be read. */
  message: string;
  /** Its `stack`, cut at `maxString`; a first line that repeats a cut message is cut the same way, so the frames stay. */
  stack?: string;
  /** Its `code` (`ECONNRESET`, a provider's error code), when it is a string or a finite number. */
  code?: string | number;
  /** Its `status` (an HTTP status an SDK error carries), when it is a string or a finite number. */
  status?: string | number;
  /** Its `cause`, described the same way, up to `DEFAULT_MAX_CAUSE_DEPTH` levels. */
  cause?: ThrownDescription;
  /** Set on the last error kept when its cause chain goes on past `DEFAULT_MAX_CAUSE_DEPTH`. */
  cause_truncated?: true;
}

const NOT_READ: unique symbol = Symbol('not read');
const CIRCULAR: ThrownDescription = Object.freeze({ type: '[Circular]', message: '[Circular]' });

/** `value[key]`, or `NOT_READ` when reading it throws. */
function read(value: object, key: string): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return NOT_READ;
  }
}

function isError(value: object): boolean {
  try {
    return value instanceof Error;
  } catch {
    return false; // a Proxy whose getPrototypeOf trap throws, a revoked Proxy
  }
}

/** A `code` or `status` worth keeping: a string (bounded) or a finite number. */
function scalar(value: unknown): string | number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  return typeof value === 'string' ? boundName(value) : undefined;
}

function typeOf(value: object, name: unknown, error: boolean): string {
  if (typeof name === 'string' && name !== '') return boundName(name);
  if (!error) return typeof value;
  const ctor = read(value, 'constructor');
  const ctorName = ctor !== NOT_READ && typeof ctor === 'function' ? read(ctor, 'name') : undefined;
  return typeof ctorName === 'string' && ctorName !== '' ? boundName(ctorName) : 'Error';
}

/**
 * A stack, bounded. V8's first line is `type: message`: when the message was cut, that line is
 * cut the same way so a 5 MB message does not push every frame out of the kept text.
 */
function boundStack(stack: string, rawMessage: unknown, message: string, type: string, max: number): string {
  if (typeof rawMessage === 'string' && rawMessage !== message) {
    const head = `${type}: ${rawMessage}`;
    if (stack.startsWith(head)) return boundString(`${type}: ${message}${stack.slice(head.length)}`, max + message.length);
  }
  return boundString(stack, max);
}

function describe(thrown: unknown, maxString: number, depth: number, seen: object[]): ThrownDescription {
  if ((typeof thrown !== 'object' && typeof thrown !== 'function') || thrown === null) {
    return { type: typeof thrown, message: boundText(thrown, maxString) };
  }
  const error = isError(thrown);
  const rawName = read(thrown, 'name');
  const rawMessage = read(thrown, 'message');
  let type: string;
  let message: string;
  if (error) {
    type = typeOf(thrown, rawName, error);
    message = rawMessage === NOT_READ ? UNREADABLE : boundText(rawMessage, maxString);
  } else if (typeof rawMessage === 'string') {
    // An error-like object (`{ name, message }`).
    type = typeof rawName === 'string' && rawName !== '' ? boundName(rawName) : 'Object';
    message = boundString(rawMessage, maxString);
  } else {
    // Not an error and no message: the value itself says what it is, if it can.
    type = typeof thrown;
    message = boundText(thrown, maxString);
  }
  const out: ThrownDescription = { type, message };
  const stack = read(thrown, 'stack');
  if (typeof stack === 'string') out.stack = boundStack(stack, rawMessage, message, type, maxString);
  const code = scalar(read(thrown, 'code'));
  if (code !== undefined) out.code = code;
  const status = scalar(read(thrown, 'status'));
  if (status !== undefined) out.status = status;
  const cause = read(thrown, 'cause');
  if (cause !== undefined && cause !== NOT_READ) {
    seen.push(thrown);
    if (seen.includes(cause as object)) out.cause = CIRCULAR;
    else if (depth >= DEFAULT_MAX_CAUSE_DEPTH) out.cause_truncated = true;
    else out.cause = describe(cause, maxString, depth + 1, seen);
  }
  return Object.freeze(out);
}

/**
 * Describes anything thrown (an Error, a Proxy, a string) as `ThrownDescription`. Never throws;
 * every string in it is bounded (`maxString` for message and stack, `DEFAULT_MAX_NAME` for names).
 */
export function describeThrown(thrown: unknown, maxString: number = DEFAULT_MAX_STRING): ThrownDescription {
  try {
    return describe(thrown, maxString, 0, []);
  } catch {
    return { type: UNREADABLE, message: UNREADABLE };
  }
}

/** The estimated JSON size of a description, in bytes (for the pipeline's memory accounting). */
export function thrownBytes(description: ThrownDescription): number {
  let bytes = 40 + description.type.length + description.message.length;
  if (description.stack !== undefined) bytes += description.stack.length + 12;
  if (description.code !== undefined) bytes += String(description.code).length + 10;
  if (description.status !== undefined) bytes += 16;
  if (description.cause !== undefined) bytes += thrownBytes(description.cause) + 10;
  return bytes;
}
