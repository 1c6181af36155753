import { createHash, randomBytes } from 'node:crypto';
import type { TraceEvent } from '../schemas/trace-event.js';
import { isRequestEnd } from '../src/request-end.js';
import { BoundedMap, defineProcessor, withPayload } from './define.js';
import { ALL_DETECTORS, compileDetectors, type DetectorName, type NamedPattern } from './secret-detectors.js';

/** How a secret is replaced. */
export type RedactStyle = 'full' | 'partial' | 'hash' | 'indexed';

/** Options of `redact`. Everything is optional: the defaults catch common secrets and PII. */
export interface RedactOptions {
  /**
   * Keys whose values are redacted whatever they hold. Strings match format-insensitively
   * (`apiKey`, `api_key` and `API-KEY` are one key); RegExps match the key as written.
   * Default: `DEFAULT_SECRET_KEYS`. Pass `[]` to match no key.
   */
  keys?: ReadonlyArray<string | RegExp>;
  /** Keys to add to the default ones (rather than replacing them). */
  extraKeys?: ReadonlyArray<string | RegExp>;
  /** Built-in value detectors to run (default: all: apiKey, bearer, jwt, email, card, phone). */
  detectors?: readonly DetectorName[];
  /** Your own value patterns; `name` labels indexed tokens (`[ORDER_ID_1]`). */
  patterns?: readonly NamedPattern[];
  /** Your own redactors, run on every string after the detectors. One that throws makes the whole payload `<redacted>` (fail closed). */
  redactors?: ReadonlyArray<(text: string, key: string | undefined) => string>;
  /** `full` (`<redacted>`, default), `partial` (keeps the last 4 characters of long secrets), `hash`, or `indexed` (`[EMAIL_1]`, the same secret gets the same token within a request). */
  style?: RedactStyle;
  /** Salt of `hash` (default: random per processor, so hashes cannot be looked up in a dictionary). */
  hashSalt?: string;
}

/** The keys `redact` matches by default (compared format-insensitively). */
export const DEFAULT_SECRET_KEYS: readonly string[] = [
  'password',
  'passwd',
  'secret',
  'clientSecret',
  'token',
  'accessToken',
  'refreshToken',
  'idToken',
  'apiKey',
  'authorization',
  'auth',
  'cookie',
  'setCookie',
  'privateKey',
  'sessionId',
  'creditCard',
  'cardNumber',
  'cvv',
  'ssn',
];

const REDACTED = '<redacted>';
const KEY_CACHE_SIZE = 10_000;

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * Redacts secrets and personal data everywhere in every payload: inputs, outputs, yielded
 * values, annotation values (an annotation's own `key` counts as the key of its value), group
 * metadata and error messages, at any depth, object keys included. Values under secret keys are
 * replaced whole; strings are scanned by the detectors and your patterns and redactors. It fails
 * closed: if a redactor throws, every data field of the payload becomes `<redacted>`. Changed
 * events are new frozen events with the same id and seq, counted by reason (`redacted`,
 * `failed_closed`).
 *
 * @example
 * redact({ style: 'indexed', extraKeys: ['customerNotes'] })
 */
export function redact(options: RedactOptions = {}) {
  const style = options.style ?? 'full';
  const keyList = [...(options.keys ?? DEFAULT_SECRET_KEYS), ...(options.extraKeys ?? [])];
  const exactKeys = new Set(keyList.filter((k): k is string => typeof k === 'string').map(normalizeKey));
  const keyPatterns = keyList.filter((k): k is RegExp => k instanceof RegExp);
  const detectors = compileDetectors(options.detectors ?? ALL_DETECTORS, options.patterns ?? []);
  const redactors = options.redactors ?? [];
  const salt = options.hashSalt ?? randomBytes(16).toString('hex');

  // Keys repeat across events: decide each distinct key once (bounded cache).
  const keyDecisions = new Map<string, boolean>();
  const isSecretKey = (key: string | undefined): boolean => {
    if (key === undefined) return false;
    let secret = keyDecisions.get(key);
    if (secret === undefined) {
      secret = exactKeys.has(normalizeKey(key)) || keyPatterns.some((p) => p.test(key));
      if (keyDecisions.size >= KEY_CACHE_SIZE) keyDecisions.clear();
      keyDecisions.set(key, secret);
    }
    return secret;
  };

  return defineProcessor('redact', ({ emit, changed, guard }) => {
    const tokensByRequest = new BoundedMap<string, { tokens: Map<string, string>; counts: Map<string, number> }>(10_000);

    const replacement = (secret: string, label: string, requestId: string): string => {
      switch (style) {
        case 'partial':
          return secret.length >= 12 ? `****${secret.slice(-4)}` : REDACTED;
        case 'hash':
          return `<hash:${createHash('sha256').update(salt).update(secret).digest('hex').slice(0, 12)}>`;
        case 'indexed': {
          let request = tokensByRequest.get(requestId);
          if (!request) {
            request = { tokens: new Map(), counts: new Map() };
            tokensByRequest.set(requestId, request);
          }
          const known = request.tokens.get(secret);
          if (known) return known;
          const tag = label.replace(/([a-z])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
          const n = (request.counts.get(tag) ?? 0) + 1;
          request.counts.set(tag, n);
          const token = `[${tag}_${n}]`;
          request.tokens.set(secret, token);
          return token;
        }
        default:
          return REDACTED;
      }
    };

    const redactAll = (value: unknown, label: string, requestId: string): unknown =>
      replacement(typeof value === 'string' ? value : JSON.stringify(value) ?? String(value), label, requestId);

    const scanString = (text: string, key: string | undefined, requestId: string): string => {
      let out = detectors.scan(text, (secret, kind) => replacement(secret, kind, requestId));
      for (const redactor of redactors) out = redactor(out, key);
      return out;
    };
    // Object keys are scanned too (a key can hold an e-mail), but most keys repeat and are clean.
    const cleanKeys = new Set<string>();
    const scanKey = (key: string, requestId: string): string => {
      if (cleanKeys.has(key)) return key;
      const scanned = scanString(key, undefined, requestId);
      if (scanned === key) {
        if (cleanKeys.size >= KEY_CACHE_SIZE) cleanKeys.clear();
        cleanKeys.add(key);
      }
      return scanned;
    };

    const walk = (value: unknown, key: string | undefined, requestId: string): unknown => {
      if (isSecretKey(key) && value !== null && value !== undefined) return redactAll(value, key!, requestId);
      if (typeof value === 'string') return scanString(value, key, requestId);
      if (value === null || typeof value !== 'object') return value;
      if (Array.isArray(value)) {
        let copy: unknown[] | undefined;
        value.forEach((item, i) => {
          const next = walk(item, key, requestId);
          if (next !== item) (copy ??= value.slice())[i] = next;
        });
        return copy ? Object.freeze(copy) : value;
      }
      let out: Record<string, unknown> | undefined;
      const source = value as Record<string, unknown>;
      for (const k in source) {
        const v = source[k];
        const safeKey = scanKey(k, requestId);
        const next = walk(v, k, requestId);
        if (out === undefined && (safeKey !== k || next !== v)) {
          // First change: copy what came before, then go on filling the copy.
          out = {};
          for (const earlier in source) {
            if (earlier === k) break;
            out[earlier] = source[earlier];
          }
        }
        if (out !== undefined) out[safeKey] = next;
      }
      return out ? Object.freeze(out) : value;
    };

    const redactPayload = (event: TraceEvent): Record<string, unknown> => {
      const payload = event.payload as Record<string, unknown>;
      if (event.kind === 'annotation') {
        const key = String(payload.key);
        const safeKey = scanKey(key, event.request_id);
        const value = walk(payload.value, key, event.request_id);
        return safeKey === key && value === payload.value ? payload : { ...payload, key: safeKey, value };
      }
      return walk(payload, undefined, event.request_id) as Record<string, unknown>;
    };

    // Fails closed: when a custom redactor or a detector throws, every field that can hold user
    // data is masked (counted as failed_closed, the throw reported as a callback error).
    let failedClosed = false;
    const redactSafely = guard('redactors', redactPayload, (event: TraceEvent) => {
      failedClosed = true;
      return failClosed(event);
    });

    return {
      next(event) {
        if (isRequestEnd(event)) return emit(event);
        failedClosed = false;
        const payload = redactSafely(event);
        if (payload === event.payload) return emit(event);
        changed(failedClosed ? 'failed_closed' : 'redacted');
        emit(withPayload(event, payload));
      },
    };
  });
}

/**
 * The payload of `event` with every field that can hold user data replaced, keeping only what
 * the wire format needs to stay valid (status, counts, token numbers, media size…).
 */
function failClosed(event: TraceEvent): Record<string, unknown> {
  const p = event.payload as Record<string, unknown>;
  const hidden = Object.freeze({ $redacted: REDACTED });
  switch (event.kind) {
    case 'op_start':
      return { inputs: hidden };
    case 'op_end':
      return {
        outputs: hidden,
        status: p.status,
        duration_ms: p.duration_ms,
        yield_count: p.yield_count,
        ...(p.status === 'error' ? { error: Object.freeze({ type: REDACTED, message: REDACTED }) } : {}),
      };
    case 'op_yield':
      return { yielded: hidden, idx: p.idx };
    case 'annotation':
      return { key: REDACTED, value: REDACTED };
    case 'group_start':
      return { name: REDACTED };
    case 'group_end':
      return { name: REDACTED, status: p.status };
    case 'llm_usage':
      return {
        model: p.model,
        prompt_tokens: p.prompt_tokens,
        completion_tokens: p.completion_tokens,
        total_tokens: p.total_tokens,
        cost_usd: p.cost_usd,
      };
    case 'media_ref':
      return { handle: REDACTED, mime: p.mime, size_bytes: p.size_bytes };
    default:
      return { $redacted: REDACTED };
  }
}
