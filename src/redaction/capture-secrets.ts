import { randomBytes } from 'node:crypto';
import { BoundedMap } from '../base/bounded-map.js';
import { DEFAULT_REDACTION_CACHE_SIZE, REDACTED } from '../base/defaults.js';
import { pseudonym } from './pseudonym.js';
import { createScanner, type SecretScanner } from './scanner.js';
import { secretKeyMatcher, type SecretKeyOptions } from './secret-keys.js';

/**
 * What a pipeline's default credential redaction does, given as `createPipeline({ redactCredentials })`.
 * `true` (the default) uses `DEFAULT_SECRET_KEYS` and every credential detector; `false` turns it off.
 */
export type CredentialRedactionOption = boolean | SecretKeyOptions;

/** Counters of the default redaction, as `pipeline.metrics().redaction` reports them. */
export interface RedactionCounts {
  /** Values replaced: secrets found in text by detector (`openai`, `jwt`…), and values under secret keys (`secret_key`). */
  redacted: Record<string, number>;
  /** Strings masked whole because a detector threw on them (the event was masked, fail closed). */
  failedClosed: number;
}

/**
 * The credential redaction a pipeline applies while it captures values, before they are bounded
 * or frozen into an event, so no credential is ever held, truncated or exported. Every method
 * never throws: a detector that throws masks the whole string and marks the event for masking.
 */
export interface CaptureSecrets {
  /**
   * What an object key means: the key as captured (any credential in it redacted) and whether it
   * is a secret key, whose value is redacted (counted). Cached per distinct key: keys repeat.
   */
  keyRule(key: string): KeyRule;
  /** `text` with every credential replaced by `<redacted>`; the same string when it holds none. */
  scrub(text: string): string;
  /**
   * A JSON value optrail built itself (a thrown error's description): every string scrubbed, values
   * under secret keys redacted, at any depth. The same value when nothing changed.
   */
  scrubJson<T>(value: T): T;
  /** `scrub` for names that repeat (op names, annotation keys, models, mime types): cached. */
  name(text: string): string;
  /** A request id: itself, or a stable pseudonym when it holds a credential (file names use it). */
  requestId(id: string): string;
  /**
   * True when a detector threw since the last call: the event being made must be masked whole.
   * Reading it resets it.
   */
  takeTripped(): boolean;
  /** A copy of the counters. */
  counts(): RedactionCounts;
}

/** What `keyRule` says of a key. */
export interface KeyRule {
  /** The key as recorded. */
  readonly key: string;
  /** True when the key names a secret (`password`, `x-api-key`…): its value is redacted. */
  readonly secret: boolean;
}

const SECRET_KEY_KIND = 'secret_key';

/** What a value under a secret key becomes: `null` and booleans hold no secret and stay; anything else is `<redacted>`. */
export function redactedValue(value: unknown): null | boolean | string {
  return value === null || value === undefined ? null : typeof value === 'boolean' ? value : REDACTED;
}

/** The default credential redaction of a pipeline, or `undefined` when the option turns it off. */
export function captureSecrets(option: CredentialRedactionOption | undefined): CaptureSecrets | undefined {
  if (option === false) return undefined;
  return new CaptureSecretsImpl(createScanner(), secretKeyMatcher(option === true || option === undefined ? undefined : option));
}

class CaptureSecretsImpl implements CaptureSecrets {
  private readonly redacted: Record<string, number> = Object.create(null);
  private failedClosed = 0;
  private tripped = false;
  private readonly names = new BoundedMap<string, string>(DEFAULT_REDACTION_CACHE_SIZE);
  private readonly keys = new BoundedMap<string, KeyRule>(DEFAULT_REDACTION_CACHE_SIZE);
  /** Salt of request-id pseudonyms: random per pipeline, so a pseudonym cannot be looked up in a dictionary. */
  private readonly salt = randomBytes(16).toString('hex');
  private readonly replace = (_secret: string, kind: string): string => {
    this.count(kind);
    return REDACTED;
  };

  constructor(
    private readonly scanner: SecretScanner,
    private readonly secretKey: (key: string) => boolean,
  ) {}

  keyRule(key: string): KeyRule {
    let rule = this.keys.get(key);
    if (rule === undefined) {
      rule = Object.freeze({ key: this.scrub(key), secret: this.secretKey(key) });
      this.keys.set(key, rule);
    } else if (rule.key !== key) this.count('key');
    if (rule.secret) this.count(SECRET_KEY_KIND);
    return rule;
  }

  private count(kind: string): void {
    this.redacted[kind] = (this.redacted[kind] ?? 0) + 1;
  }

  scrub(text: string): string {
    try {
      // redact() takes the scanner's first look itself: most strings stop there.
      return this.scanner.redact(text, this.replace);
    } catch {
      this.failedClosed++;
      this.tripped = true;
      return REDACTED;
    }
  }

  scrubJson<T>(value: T): T {
    if (typeof value === 'string') return this.scrub(value) as T;
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const next = this.scrubJson(value[i]);
        if (next !== value[i]) (copy ??= value.slice())[i] = next;
      }
      return (copy ?? value) as T;
    }
    let copy: Record<string, unknown> | undefined;
    const source = value as Record<string, unknown>;
    for (const key of Object.keys(source)) {
      const field = source[key];
      const rule = this.keyRule(key);
      const next = rule.secret ? redactedValue(field) : this.scrubJson(field);
      if (next === field && rule.key === key) continue;
      copy ??= { ...source };
      if (rule.key !== key) delete copy[key];
      Object.defineProperty(copy, rule.key, { value: next, enumerable: true, writable: true, configurable: true });
    }
    return (copy ?? value) as T;
  }

  name(text: string): string {
    const known = this.names.get(text);
    if (known === undefined) {
      const safe = this.scrub(text);
      this.names.set(text, safe);
      return safe;
    }
    if (known !== text) this.count('name');
    return known;
  }

  requestId(id: string): string {
    let secret: boolean;
    try {
      secret = this.scanner.find(id).length > 0;
    } catch {
      this.failedClosed++;
      secret = true;
    }
    if (!secret) return id;
    this.count('request_id');
    return pseudonym(id, this.salt, 'req');
  }

  takeTripped(): boolean {
    const tripped = this.tripped;
    this.tripped = false;
    return tripped;
  }

  counts(): RedactionCounts {
    return { redacted: { ...this.redacted }, failedClosed: this.failedClosed };
  }
}
