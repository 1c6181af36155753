/**
 * What `redact()` does to the envelope of an event: the request id, the event id, the op name and
 * the ctx segments.
 *
 * - A request id that holds a secret (by the detectors and your patterns) becomes
 *   `pseudonym(id, salt, 'req')`: one stable pseudonym for every event of the request, its end
 *   marker included, so the request stays one request and no file name carries the secret. The
 *   decision is remembered per request (bounded), so it cannot differ between events of one
 *   request; a check that throws decides "pseudonym" (and fails that event closed). Your
 *   redactors rewrite text and do not see ids: an id must stay an id.
 * - An event id `${request_id}${rest}` (optrail's `${request_id}-${seq}`, a marker's
 *   `…:dropped`) follows its request id; any other event id holding a secret becomes
 *   `pseudonym(id, salt, 'evt')`.
 * - Op names and ctx segments are names (redact-text.ts `NameCache`); a segment's invocation
 *   number (`#3`) stays, so the tree keeps its shape.
 */
import { DEFAULT_REDACTION_CACHE_SIZE } from '../src/base/defaults.js';
import { pseudonym } from '../src/redaction/pseudonym.js';
import { invocationStart } from '../src/wire/ctx-rules.js';
import { BoundedMap } from './define.js';
import { sharesRun } from './redact-style.js';
import type { NameCache, TextRules } from './redact-text.js';

/** Requests whose id decision is remembered. */
const REQUESTS_REMEMBERED = DEFAULT_REDACTION_CACHE_SIZE;
/** An invocation number longer than this is not optrail's (and may be a secret's digits): the segment is a name whole. */
const MAX_INVOCATION_DIGITS = 9;

/** True when `id` goes on after `from` with `-` and digits only (optrail's event id after the request id). */
function isSeqSuffix(id: string, from: number): boolean {
  const length = id.length - from;
  if (length < 2 || length > 17 || id.charCodeAt(from) !== 45) return false;
  for (let i = from + 1; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Request ids, event ids, op names and ctx of one subscription (see the file's comment). */
export class EnvelopeRules {
  private readonly requests = new BoundedMap<string, string>(REQUESTS_REMEMBERED);
  private lastRequest: string | undefined;
  private lastRequestOut = '';
  private lastCtx: readonly string[] | undefined;
  private lastCtxOut: readonly string[] = [];

  constructor(
    private readonly rules: TextRules,
    private readonly opNames: NameCache,
    private readonly salt: string,
  ) {}

  /** A pseudonym of `text` that shares no 4 characters with it (a retry counter otherwise). */
  pseudonymOf(text: string, prefix: string): string {
    let out = pseudonym(text, this.salt, prefix);
    for (let attempt = 1; attempt < 8 && sharesRun(out.slice(prefix.length + 1), text); attempt++) out = pseudonym(`${text}\u0000${attempt}`, this.salt, prefix);
    return out;
  }

  /** The request id as it comes out. Throws a RedactFailure (after remembering the pseudonym) when the check throws. */
  requestId(id: string): string {
    if (id === this.lastRequest) return this.lastRequestOut;
    let out = this.requests.get(id);
    if (out === undefined) {
      try {
        out = this.rules.holds(id) ? this.pseudonymOf(id, 'req') : id;
      } catch (error) {
        this.requests.set(id, this.pseudonymOf(id, 'req'));
        throw error;
      }
      this.requests.set(id, out);
    }
    this.lastRequest = id;
    this.lastRequestOut = out;
    return out;
  }

  /** The request id of an event being masked: what the request's other events have, a pseudonym when it was never decided. */
  maskedRequestId(id: string): string {
    return this.requests.get(id) ?? this.pseudonymOf(id, 'req');
  }

  /** The event id as it comes out, given the request id in (`requestId`) and out (`requestOut`). */
  eventId(eventId: string, requestId: string, requestOut: string): string {
    if (eventId.startsWith(requestId)) {
      const follows = isSeqSuffix(eventId, requestId.length) || !this.rules.holds(eventId);
      if (!follows) return this.pseudonymOf(eventId, 'evt');
      return requestOut === requestId ? eventId : requestOut + eventId.slice(requestId.length);
    }
    return this.rules.holds(eventId) ? this.pseudonymOf(eventId, 'evt') : eventId;
  }

  /** The event id of an event being masked: derived from the request's id when it is `${request_id}-${seq}`, else a pseudonym. */
  maskedEventId(eventId: string, requestId: string, requestOut: string): string {
    if (eventId.startsWith(requestId) && isSeqSuffix(eventId, requestId.length)) return requestOut + eventId.slice(requestId.length);
    return this.pseudonymOf(eventId, 'evt');
  }

  /** The op name as it comes out (a name: see NameCache). */
  opName(name: string | null): string | null {
    return name === null ? null : this.opNames.get(name);
  }

  /**
   * Every segment as a name, invocation numbers kept; the same array when nothing changed.
   * `opName` and `opOut` (the event's op name in and out) spare the lookup of the usual last
   * segment, `${op_name}#n`.
   */
  ctx(ctx: readonly string[], opName: string | null, opOut: string | null): readonly string[] {
    if (ctx === this.lastCtx) return this.lastCtxOut;
    let out: string[] | undefined;
    for (let i = 0; i < ctx.length; i++) {
      const segment = ctx[i]!;
      const cut = invocationStart(segment, MAX_INVOCATION_DIGITS);
      let safe: string;
      if (cut >= 0 && cut === opName?.length && segment.startsWith(opName)) {
        if (opOut === opName) continue;
        safe = opOut!;
      } else {
        const name = cut < 0 ? segment : segment.slice(0, cut);
        safe = this.opNames.get(name);
        if (safe === name) continue;
      }
      (out ??= ctx.slice())[i] = cut < 0 ? safe : safe + segment.slice(cut);
    }
    const result = out === undefined ? ctx : Object.freeze(out);
    this.lastCtx = ctx;
    this.lastCtxOut = result;
    return result;
  }
}
