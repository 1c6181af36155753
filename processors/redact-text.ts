/**
 * The rules `redact()` applies to one string: the scanner (built-in detectors and your patterns)
 * first, then your redactors. Whatever they throw comes out as a `RedactFailure` naming the
 * culprit, so the event fails closed. Names (op names, ctx segments, keys, models…) repeat across
 * events: their results are remembered in bounded caches, since in names a secret becomes its
 * hash token whatever the style (redact-style.ts) and so depends on nothing but the name.
 */
import { BoundedMap } from '../src/base/bounded-map.js';
import { DEFAULT_REDACTION_CACHE_SIZE } from '../src/base/defaults.js';
import type { SecretScanner } from '../src/redaction/scanner.js';
import { RedactFailure } from './redact-failure.js';

/** A redactor of yours: the text (already through the detectors) and the key it is under; returns the text to keep. */
export type Redactor = (text: string, key: string | undefined) => string;

/** Strings longer than this are decided every time rather than remembered (the caches stay small). */
const LONGEST_CACHED = 256;

/**
 * Decisions on strings, the last `DEFAULT_REDACTION_CACHE_SIZE` remembered (a BoundedMap: the
 * oldest forgotten, one per new string, in O(1) whatever comes).
 */
export class Decisions<V> {
  private readonly known = new BoundedMap<string, V>(DEFAULT_REDACTION_CACHE_SIZE);

  get(text: string): V | undefined {
    return this.known.get(text);
  }

  remember(text: string, value: V): void {
    if (text.length > LONGEST_CACHED) return;
    this.known.set(text, value);
  }
}

/** The scanner and your redactors, as redact() runs them on one string (one per subscription). */
export class TextRules {
  private readonly culprit: 'patterns' | 'detectors';

  constructor(
    readonly scanner: SecretScanner,
    private readonly redactors: readonly Redactor[],
    hasPatterns: boolean,
  ) {
    this.culprit = hasPatterns ? 'patterns' : 'detectors';
  }

  /** `text` with every secret the scanner finds replaced by `replace(secret, kind)`; the same string when none. */
  scan(text: string, replace: (secret: string, kind: string) => string): string {
    try {
      // redact() takes the first look itself: asking mayHold first would look twice at every text that passes it.
      return this.scanner.redact(text, replace);
    } catch (error) {
      throw error instanceof RedactFailure ? error : new RedactFailure(this.culprit, error, text);
    }
  }

  /** True when the scanner finds a secret in `text` (ids are checked this way: they become pseudonyms, not redacted text). */
  holds(text: string): boolean {
    try {
      return this.scanner.find(text).length > 0;
    } catch (error) {
      throw new RedactFailure(this.culprit, error, text);
    }
  }

  /** Your redactors, in order, on `text`; one that throws or returns no string is a failure. */
  custom(text: string, key: string | undefined): string {
    let out = text;
    for (let i = 0; i < this.redactors.length; i++) {
      let next: unknown;
      try {
        next = this.redactors[i]!(out, key);
      } catch (error) {
        throw new RedactFailure('redactors', error, out);
      }
      if (typeof next !== 'string') throw new RedactFailure('redactors', new TypeError(`redactors[${i}] returned ${typeof next}, not a string`));
      out = next;
    }
    return out;
  }

  /** Whether there are redactors to run (most pipelines have none: a cheaper path). */
  get hasRedactors(): boolean {
    return this.redactors.length > 0;
  }
}

/**
 * Names of one field (`op_name`, `key`, `name`, `model`, `provider`, `mime`), redacted and
 * remembered: a secret in them becomes its hash token (`replaceName`), then your redactors run
 * with the field as key. A name whose redaction throws is not remembered (the event fails closed).
 */
export class NameCache {
  private readonly known = new Decisions<string>();

  constructor(
    private readonly rules: TextRules,
    private readonly field: string | undefined,
    private readonly replaceName: (secret: string) => string,
  ) {}

  get(name: string): string {
    const known = this.known.get(name);
    if (known !== undefined) return known;
    let out = this.rules.scan(name, this.replaceName);
    if (this.rules.hasRedactors) out = this.rules.custom(out, this.field);
    this.known.remember(name, out);
    return out;
  }
}
