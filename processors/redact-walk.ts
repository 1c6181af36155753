/**
 * The walk of `redact()` through a payload: every key and value at any depth. Values under secret
 * keys are replaced whole; so are the values of `[name, value]` pairs (header lists, a captured
 * Map's `entries`) and of `{name|key, value}` objects (header objects) whose name is a secret key.
 * Strings go through the scanner and your redactors; integers of a card number's length through
 * the scanner as their digits. Copy on write (payload-walk.ts): an untouched value comes back as
 * the same reference, so a clean payload is never copied.
 */
import { mapItems, ObjectCopy } from './payload-walk.js';
import type { KeyRules } from './redact-keys.js';
import type { Replacer } from './redact-style.js';
import { RedactFailure } from './redact-failure.js';
import type { TextRules } from './redact-text.js';

/**
 * Deeper than any capture nests (its default is 10 levels): a deeper payload (a hand-made stream,
 * an object that holds itself) fails closed here, before the stack runs out somewhere arbitrary.
 */
const MAX_DEPTH = 1000;

/** A number is checked (as its digits) from 13 digits on: a card number's length. */
const SMALLEST_CHECKED_NUMBER = 1e12;

/** The walk through payload data, with the rules, tokens and key decisions of one subscription. */
export class PayloadWalker {
  /** The request of the event being walked (indexed tokens are numbered per request). */
  requestId = '';
  private readonly replaceValue = (secret: string, kind: string): string => this.replacer.value(secret, kind, this.requestId);

  constructor(
    private readonly rules: TextRules,
    private readonly replacer: Replacer,
    private readonly keyRule: KeyRules,
  ) {}

  /** Any JSON value; `key` is the key it sits under (what redactors are told), `depth` how deep it is. */
  walk(value: unknown, key: string | undefined, depth = 0): unknown {
    switch (typeof value) {
      case 'string':
        return this.text(value, key);
      case 'number':
        return this.number(value);
      case 'object':
        if (value === null) return value;
        if (depth >= MAX_DEPTH) throw new RedactFailure('payload', new RangeError(`payload nested deeper than ${MAX_DEPTH} levels`));
        return Array.isArray(value) ? this.array(value, key, depth) : this.object(value as Record<string, unknown>, depth);
      default:
        return value;
    }
  }

  /** A string value: scanner, then your redactors. */
  text(text: string, key: string | undefined): string {
    const out = this.rules.scan(text, this.replaceValue);
    return this.rules.hasRedactors ? this.rules.custom(out, key) : out;
  }

  /** A number: the same number, or a token when its digits hold a secret (a card number). */
  number(n: number): unknown {
    if (!(n >= SMALLEST_CHECKED_NUMBER || n <= -SMALLEST_CHECKED_NUMBER) || !Number.isInteger(n)) return n;
    const digits = String(n);
    const out = this.rules.scan(digits, this.replaceValue);
    return out === digits ? n : out;
  }

  /**
   * A value under a secret key (`label`): replaced whole. `null` and booleans hold no secret
   * and stay (`has_password: true`), as in the capture-time default.
   */
  whole(value: unknown, label: string): unknown {
    if (value === null || value === undefined || typeof value === 'boolean') return value;
    if (typeof value === 'string') return this.replacer.value(value, label, this.requestId);
    if (typeof value === 'number') return this.replacer.value(String(value), label, this.requestId);
    // An object or array: its text matters only to styles that derive the token from it.
    return this.replacer.value(undefined, label, this.requestId, () => JSON.stringify(value) ?? String(value));
  }

  private array(value: readonly unknown[], key: string | undefined, depth: number): unknown {
    // `[name, value]` with a secret name: a header list's entry, a captured Map's entry.
    if (value.length === 2 && typeof value[0] === 'string') {
      const rule = this.keyRule(value[0]);
      if (rule.secret) {
        const name = this.text(value[0], key);
        const secret = this.whole(value[1], rule.label);
        return name === value[0] && secret === value[1] ? value : Object.freeze([name, secret]);
      }
    }
    return mapItems(value, (item) => this.walk(item, key, depth + 1));
  }

  /** The label when `source` is a `{name|key, value}` header object whose name is a secret key, else undefined. */
  private headerLabel(source: Record<string, unknown>): string | undefined {
    if (!('value' in source)) return undefined;
    const name = typeof source.name === 'string' ? source.name : typeof source.key === 'string' ? source.key : undefined;
    if (name === undefined) return undefined;
    const rule = this.keyRule(name);
    return rule.secret ? rule.label : undefined;
  }

  private object(source: Record<string, unknown>, depth: number): unknown {
    const headerLabel = this.headerLabel(source);
    let copy: ObjectCopy | undefined;
    for (const k in source) {
      const v = source[k];
      const rule = this.keyRule(k);
      const next = headerLabel !== undefined && k === 'value' ? this.whole(v, headerLabel) : rule.secret ? this.whole(v, rule.label) : this.walk(v, k, depth + 1);
      if (copy === undefined && next === v && rule.name === k) continue;
      (copy ??= new ObjectCopy(source)).set(k, rule.name, next);
    }
    return copy === undefined ? source : copy.result();
  }
}
