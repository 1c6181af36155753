import type { OtlpAnyValue, OtlpKeyValue } from './types.js';

/** Longest JSON string written as an attribute (inputs, outputs, yielded values), in characters. */
export const MAX_ATTRIBUTE_CHARS = 16_384;

/** A value as an OTLP AnyValue: scalars as themselves, anything else as a JSON string. */
export function anyValue(value: unknown): OtlpAnyValue {
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'boolean':
      return { boolValue: value };
    case 'number':
      return Number.isInteger(value) ? { intValue: value } : { doubleValue: value };
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
