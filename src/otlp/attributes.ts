import type { OtlpAnyValue, OtlpKeyValue } from './types.js';

/** Longest JSON string written as an attribute (inputs, outputs, yielded values), in characters. */
export const MAX_ATTRIBUTE_CHARS = 16_384;

/** 2^63: an integer from here up (or below its negative) does not fit OTLP's int64. */
const INT64_LIMIT = 2 ** 63;

/**
 * A value as an OTLP AnyValue: scalars as themselves, anything else as a JSON string. An integer
 * past int64 (a hostile token count of 1e300) is a double: as an int64 its protobuf varint would
 * wrap to a wrong number.
 */
export function anyValue(value: unknown): OtlpAnyValue {
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'boolean':
      return { boolValue: value };
    case 'number':
      return Number.isInteger(value) && value < INT64_LIMIT && value >= -INT64_LIMIT ? { intValue: value } : { doubleValue: value };
    default:
      return { stringValue: jsonAttribute(value) };
  }
}

/** JSON text of a value, cut at `MAX_ATTRIBUTE_CHARS`. */
export function jsonAttribute(value: unknown): string {
  const text = JSON.stringify(value) ?? 'null';
  return text.length <= MAX_ATTRIBUTE_CHARS ? text : `${text.slice(0, MAX_ATTRIBUTE_CHARS)}…[truncated ${text.length - MAX_ATTRIBUTE_CHARS} chars]`;
}

export function attribute(key: string, value: unknown): OtlpKeyValue {
  return { key, value: anyValue(value) };
}
