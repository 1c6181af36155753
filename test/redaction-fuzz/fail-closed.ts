import fc from 'fast-check';
import { annotate, group, op, recordLlmUsage, recordMedia, type TraceEvent } from '../../index.js';
import { ownRequestId } from './cases.js';
import { fileEvent, fuzzError, type Field } from './fields.js';
import { blankGenerated, LeakIndex, touchesBackground } from './leaks.js';
import type { BatchResult, FuzzCase } from './runner.js';
import { SECRETS, type Secret, type SecretKind } from './secrets.js';
import { ALNUM, chars } from './vocabulary.js';

/**
 * Issue 15 §5: a redactor (or a user pattern) that throws on some calls makes the redactor mask
 * every field of that event. Each case is one request whose target event holds a trigger (text
 * the redactor throws on), a detectable secret, and a canary in every field of §1 that is not
 * the trigger's: op name and ctx, payload key and value, error type and stack, group name,
 * model, provider, mime, handle. In the target event none may remain.
 *
 * The request id (a canary too) is the exception: it stays what the request's other events have
 * (processors/redact-fail-closed.ts: a request stays one request, §1), so the test checks that
 * the request is not split rather than that its id is masked.
 */

/** Where a case puts its trigger, secret and canaries. */
export type Target =
  | 'op_start' | 'op_end:error' | 'op_end:ok' | 'annotation' | 'group_start' | 'llm_usage' | 'media_ref'
  | 'file:llm_usage' | 'file:media_ref' | 'file:op_end';

export const TARGETS: readonly Target[] = [
  'op_start', 'op_end:error', 'op_end:ok', 'annotation', 'group_start', 'llm_usage', 'media_ref', 'file:llm_usage', 'file:media_ref', 'file:op_end',
];

/** The text the throwing redactor and pattern react to. */
export const TRIGGER = 'kaboom';

export interface FailCase extends FuzzCase {
  readonly target: Target;
  /** This case's own trigger (`kaboom_<n>_`), to tell whether the redactor saw it. */
  readonly trigger: string;
  /** The canary of each field, by field name. */
  readonly canaries: Readonly<Record<string, string>>;
}

const canary = chars(ALNUM, 12).filter((c) => /[0-9]/.test(c) && (c.match(/[0-9]/g) ?? []).length <= 3 && !touchesBackground([c]));

function placement(target: Target, t: string, s: string, k: Record<string, string>, requestId: string) {
  const opName = k.op!;
  const payload = { t, [k.key!]: k.value!, s };
  const fileCtx = ['main', `${opName}#0`];
  const file = (kind: TraceEvent['kind'], p: Record<string, unknown>) => () => [fileEvent(requestId, 0, kind, opName, fileCtx, p)];
  const usage = { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5, cost_usd: 0 };
  switch (target) {
    case 'op_start':
      return { act: () => op(opName, (..._a: unknown[]) => 0)(payload) };
    case 'op_end:error':
      return {
        act: () =>
          op(opName, () => {
            throw fuzzError(`${t} ${s}`, { name: k.type!, stack: `${k.type}: ${t}\n    at ${k.stack}` });
          }, { captureInputs: false })(),
      };
    case 'op_end:ok':
      return { act: () => op(opName, () => payload, { captureInputs: false })() };
    case 'annotation':
      return { act: () => op(opName, () => annotate(k.key!, { t, v: k.value, s }), { captureInputs: false })() };
    case 'group_start':
      return { act: () => group(k.group!, () => 0, payload) };
    case 'llm_usage':
      return { act: () => op(opName, () => recordLlmUsage({ model: `${k.model}-${t}`, provider: s, promptTokens: 3, completionTokens: 2 }), { captureInputs: false })() };
    case 'media_ref':
      return { act: () => op(opName, () => recordMedia('bytes', { mime: `${k.mime}/${t} ${s}` }), { captureInputs: false })() };
    case 'file:llm_usage':
      return { events: file('llm_usage', { model: k.model, provider: k.provider, ...usage, metadata: { t, s } }) };
    case 'file:media_ref':
      return { events: file('media_ref', { handle: k.handle, mime: k.mime, size_bytes: 5, note: `${t} ${s}` }) };
    case 'file:op_end':
      return {
        events: file('op_end', {
          outputs: {},
          status: 'error',
          duration_ms: 1,
          yield_count: 0,
          error: { type: k.type, message: t, stack: k.stack, cause: { type: 'Error', message: s } },
        }),
      };
  }
}

/** The fields of §1 each target event carries a canary in. */
const CANARY_FIELDS: Record<Target, readonly string[]> = {
  op_start: ['op', 'key', 'value'],
  'op_end:error': ['op', 'type', 'stack'],
  'op_end:ok': ['op', 'key', 'value'],
  annotation: ['op', 'key', 'value'],
  group_start: ['group', 'key', 'value'],
  llm_usage: ['op', 'model'],
  media_ref: ['op', 'mime'],
  'file:llm_usage': ['op', 'model', 'provider'],
  'file:media_ref': ['op', 'handle', 'mime'],
  'file:op_end': ['op', 'type', 'stack'],
};

const FAIL_FIELD = (target: Target): Field => ({ name: `fail-closed.${target}`, via: target.startsWith('file:') ? 'direct' : 'api', carrier: 'text', place: () => ({}) });

/** `perCell` cases per target and style, secrets round-robin over `kinds`. */
export function buildFailCases(styles: readonly string[], kinds: readonly SecretKind[], perCell: number, seed: number): FailCase[] {
  const total = styles.length * TARGETS.length * perCell;
  const canaries = fc.sample(canary, { seed, numRuns: total * 8 });
  const secrets = new Map<SecretKind, Secret[]>(kinds.map((k, i) => [k, fc.sample(SECRETS[k], { seed: seed + i + 1, numRuns: Math.ceil(total / kinds.length) + 1 })]));
  const cases: FailCase[] = [];
  let n = 0;
  for (const style of styles) {
    for (const target of TARGETS) {
      for (let i = 0; i < perCell; i++, n++) {
        const kind = kinds[n % kinds.length]!;
        const secret = secrets.get(kind)![Math.floor(n / kinds.length)]!;
        const names = ['op', 'key', 'value', 'type', 'stack', 'group', 'model', 'provider', 'mime', 'handle', 'request'];
        const k = Object.fromEntries(names.map((name, j) => [name, canaries[(n * 8 + j) % canaries.length]!]));
        const trigger = `${TRIGGER}_${n.toString(36)}_`;
        const requestId = `${ownRequestId('fc')}-${k.request}`;
        const p = placement(target, trigger, secret.text, k, requestId);
        const used = Object.fromEntries(CANARY_FIELDS[target].map((f) => [f, k[f]!]));
        cases.push({
          run: 'fail-closed',
          style,
          field: FAIL_FIELD(target),
          secret,
          embedding: 'prose',
          carrier: { type: 'text', text: `${trigger} ${secret.text}` },
          requestId,
          placement: p,
          target,
          trigger,
          canaries: used,
        });
      }
    }
  }
  return cases;
}

/** The kind of event a target puts its trigger in. */
const eventKind = (target: Target) => target.replace('file:', '').split(':')[0] as TraceEvent['kind'];

export interface FailCheck {
  /** Cases whose trigger the redactor (or pattern) saw, and so whose target event must be masked whole. */
  readonly triggered: number;
  /** `field (style): canary of <field> kept: <line>` for every field left unmasked. */
  readonly unmasked: Array<{ fuzzCase: FailCase; field: string; line: string }>;
  /** Targets whose trigger the redactor never saw (it is not run on that field). */
  readonly unseen: Map<Target, number>;
}

/** Checks the target event of every triggered case: no canary of any field in it. */
export function checkMasked(cases: readonly FailCase[], result: BatchResult, seenTriggers: ReadonlySet<string>): FailCheck {
  const unmasked: FailCheck['unmasked'] = [];
  const unseen = new Map<Target, number>();
  let triggered = 0;
  const ids = new Set<string>();
  cases.forEach((c, i) => {
    if (!seenTriggers.has(c.trigger)) {
      unseen.set(c.target, (unseen.get(c.target) ?? 0) + 1);
      return;
    }
    triggered++;
    const lineIndex = result.owners.findIndex((owner, j) => owner === i && result.events[j]!.kind === eventKind(c.target));
    if (lineIndex < 0) {
      unmasked.push({ fuzzCase: c, field: '(no target event came out)', line: '' });
      return;
    }
    const line = result.lines[lineIndex]!;
    const blanked = blankGenerated(line, ids);
    for (const [field, text] of Object.entries(c.canaries)) {
      const index = new LeakIndex();
      index.add(0, [text]);
      if (index.scan(blanked, lineIndex, line, 0).length > 0) unmasked.push({ fuzzCase: c, field, line });
    }
  });
  return { triggered, unmasked, unseen };
}

/** The triggers found in `text` (`kaboom_<n>_`). */
export function triggersIn(text: string): string[] {
  return text.match(/kaboom_[0-9a-z]+_/g) ?? [];
}
