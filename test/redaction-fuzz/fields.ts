import { annotate, group, op, recordLlmUsage, recordMedia, type TraceEvent } from '../../index.js';
import type { Carrier, CarrierType, Context } from './embeddings.js';
import { BENIGN_KEYS } from './vocabulary.js';

/**
 * Where a carrier goes (issue 15 §1). API fields record it through the real API inside a request
 * (`act`, run by `pipeline.run`); direct fields build the events a replayed file holds, for what
 * the API bounds (depth past `maxDepth`, captured Map and Set shapes, names past 256 characters,
 * llm_usage metadata, media handles, arbitrary ctx segments, request ids in replayed files).
 */
export interface Placement {
  /** API: what runs inside the request (it may throw: the error is the field). */
  readonly act?: () => unknown;
  /** API: `pipeline.run` options of the request, when the field is one of them. */
  readonly requestId?: string;
  readonly metadata?: Record<string, unknown>;
  /** Direct: the events, given the case's request id (ignored by `direct.request.id`). */
  readonly events?: (requestId: string) => TraceEvent[];
}

export interface Field {
  readonly name: string;
  readonly via: 'api' | 'direct';
  readonly carrier: CarrierType;
  place(carrier: Carrier, c: Context): Placement;
}

// ---- the traced functions ---------------------------------------------------------------------

const fuzzop = op('fuzzop', (..._args: unknown[]) => 'ok');
const returning = op('fuzzop', (value: unknown) => value, { captureInputs: false });
const yielding = op('fuzzgen', function* (value: unknown) {
  yield value;
}, { captureInputs: false });
const throwing = op('fuzzop', (thrown: unknown): never => {
  throw thrown;
}, { captureInputs: false });

/** An Error with a fixed stack (a real one would hold node_modules paths with random-looking hashes). */
export function fuzzError(message: string, options: { name?: string; stack?: string; code?: string; cause?: unknown } = {}): Error {
  const error = new Error(message, options.cause === undefined ? undefined : { cause: options.cause });
  if (options.name !== undefined) error.name = options.name;
  if (options.code !== undefined) (error as Error & { code?: string }).code = options.code;
  error.stack = options.stack ?? `${options.name ?? 'Error'}: ${message}\n    at fuzzop (fuzz.js:1:1)`;
  return error;
}

/** `value` nested `depth` levels deep, alternating objects and arrays. */
export function nest(value: unknown, depth: number, c: Context): unknown {
  let out = value;
  for (let i = 0; i < depth; i++) out = i % 2 === 0 ? { [BENIGN_KEYS[(c.seed + i) % BENIGN_KEYS.length]!]: out } : [out];
  return out;
}

const text = (carrier: Carrier) => (carrier.type === 'text' ? carrier.text : String((carrier as { value: unknown }).value));
const keyed = (carrier: Carrier) => carrier as Extract<Carrier, { type: 'keyed' }>;
const num = (carrier: Carrier) => (carrier as Extract<Carrier, { type: 'number' }>).value;
const variant = <T>(c: Context, choices: readonly T[]): T => choices[c.variant % choices.length]!;

// ---- direct events ------------------------------------------------------------------------------

const BASE = Date.UTC(2026, 11, 1, 12);

/** An event as a replayed file holds it (`event_id` is `{request_id}-{seq}`, as optrail writes it). */
export function fileEvent(
  requestId: string,
  seq: number,
  kind: TraceEvent['kind'],
  opName: string | null,
  ctx: readonly string[],
  payload: Record<string, unknown>,
): TraceEvent {
  return Object.freeze({
    event_id: `${requestId}-${seq}`,
    request_id: requestId,
    kind,
    op_name: opName,
    ctx: Object.freeze([...ctx]),
    timestamp: new Date(BASE + seq).toISOString().replace('Z', '000Z'),
    seq,
    payload: Object.freeze(payload),
  }) as TraceEvent;
}

const OP_CTX = ['main', 'fuzzop#0'];
const OK_END = { outputs: {}, status: 'ok', duration_ms: 1, yield_count: 0 };
const USAGE = { model: 'gpt-4o-mini', prompt_tokens: 3, completion_tokens: 2, total_tokens: 5, cost_usd: 0 };
const startWith = (inputs: unknown) => (id: string) => [fileEvent(id, 0, 'op_start', 'fuzzop', OP_CTX, { inputs })];
const one = (kind: TraceEvent['kind'], payload: Record<string, unknown>, opName: string | null = null) => (id: string) => [
  fileEvent(id, 0, kind, opName, opName === null ? [] : OP_CTX, payload),
];

/** `{ $type: 'Map' }` as capture writes a Map. */
const capturedMap = (entries: unknown[][]) => ({ $type: 'Map', size: entries.length, entries });

// ---- the fields -----------------------------------------------------------------------------------

const api = (name: string, carrier: CarrierType, place: Field['place']): Field => ({ name, via: 'api', carrier, place });
const direct = (name: string, carrier: CarrierType, place: Field['place']): Field => ({ name, via: 'direct', carrier, place });

export const API_FIELDS: readonly Field[] = [
  api('inputs.value', 'text', (k, c) => ({ act: () => fuzzop(nest({ [c.benignKey]: text(k) }, c.depth, c)) })),
  api('inputs.args', 'text', (k) => ({ act: () => fuzzop(text(k), 7) })),
  api('inputs.key', 'text', (k, c) => ({ act: () => fuzzop(nest({ [text(k)]: 'value' }, c.depth, c)) })),
  api('inputs.keyed', 'keyed', (k, c) => ({ act: () => fuzzop(nest({ note: 'ok', [keyed(k).key]: keyed(k).value }, c.depth, c)) })),
  api('inputs.number', 'number', (k, c) => ({ act: () => fuzzop(nest({ amount: num(k) }, c.depth, c)) })),
  api('outputs.value', 'text', (k, c) => ({ act: () => returning(variant(c, [text(k), { [c.benignKey]: text(k) }, [text(k)]])) })),
  api('outputs.keyed', 'keyed', (k) => ({ act: () => returning({ [keyed(k).key]: keyed(k).value }) })),
  api('yield.value', 'text', (k, c) => ({
    act: () => {
      for (const _ of yielding(variant(c, [text(k), { [c.benignKey]: text(k) }]))) void _;
    },
  })),
  api('map.key', 'text', (k) => ({ act: () => fuzzop({ m: new Map([[text(k), 'value']]) }) })),
  api('map.value', 'text', (k) => ({ act: () => fuzzop({ m: new Map([['ref', text(k)]]) }) })),
  api('map.keyed', 'keyed', (k) => ({ act: () => fuzzop({ m: new Map([['note', 'ok'], [keyed(k).key, keyed(k).value]]) }) })),
  api('map.number', 'number', (k) => ({ act: () => fuzzop({ m: new Map([['ref', num(k)]]) }) })),
  api('set.value', 'text', (k) => ({ act: () => fuzzop({ s: new Set(['ok', text(k)]) }) })),
  api('tuple.value', 'text', (k) => ({ act: () => fuzzop({ headers: [['accept', 'json'], ['x-trace-note', text(k)]] }) })),
  api('tuple.keyed', 'keyed', (k, c) => ({
    act: () =>
      fuzzop({
        headers: variant(c, [
          [['accept', 'json'], [keyed(k).key, keyed(k).value]],
          [{ name: 'accept', value: 'json' }, { name: keyed(k).key, value: keyed(k).value }],
          [{ key: keyed(k).key, value: keyed(k).value }],
        ]),
      }),
  })),
  api('error.message', 'text', (k) => ({ act: () => throwing(fuzzError(text(k))) })),
  api('error.type', 'text', (k) => ({ act: () => throwing(fuzzError('request failed', { name: text(k) })) })),
  api('error.stack', 'text', (k) => ({ act: () => throwing(fuzzError('request failed', { stack: `Error: ${text(k)}\n    at fuzzop (fuzz.js:1:1)` })) })),
  api('error.cause', 'text', (k) => ({ act: () => throwing(fuzzError('request failed', { cause: fuzzError(text(k)) })) })),
  api('error.code', 'text', (k) => ({ act: () => throwing(fuzzError('request failed', { code: text(k) })) })),
  api('error.thrown', 'text', (k) => ({ act: () => throwing(text(k)) })),
  api('error.captured', 'text', (k, c) => ({ act: () => fuzzop({ err: variant(c, [fuzzError(text(k)), fuzzError('request failed', { cause: fuzzError(text(k)) })]) }) })),
  api('annotation.key', 'text', (k) => ({ act: () => annotate(text(k), 'value') })),
  api('annotation.value', 'text', (k, c) => ({ act: () => annotate(c.benignKey, nest(text(k), c.depth, c)) })),
  api('annotation.keyed', 'keyed', (k, c) => ({
    act: () => (c.variant % 2 === 0 ? annotate(keyed(k).key, keyed(k).value) : annotate('meta', { [keyed(k).key]: keyed(k).value })),
  })),
  api('annotation.number', 'number', (k) => ({ act: () => annotate('ref', num(k)) })),
  api('group.name', 'text', (k) => ({ act: () => group(text(k), () => 0) })),
  api('group.metadata', 'text', (k, c) => ({ act: () => group('turn', () => 0, { [c.benignKey]: nest(text(k), c.depth, c) }) })),
  api('group.keyed', 'keyed', (k) => ({ act: () => group('turn', () => 0, { [keyed(k).key]: keyed(k).value }) })),
  api('llm.model', 'text', (k) => ({ act: () => recordLlmUsage({ model: text(k), promptTokens: 3, completionTokens: 2 }) })),
  api('llm.provider', 'text', (k) => ({ act: () => recordLlmUsage({ model: 'gpt-4o-mini', provider: text(k), promptTokens: 3, completionTokens: 2 }) })),
  api('media.mime', 'text', (k) => ({ act: () => recordMedia('bytes', { mime: text(k) }) })),
  api('op.name', 'text', (k) => ({ act: () => op(text(k), () => 0)() })),
  api('request.id', 'text', (k) => ({ requestId: text(k), act: () => fuzzop({ query: 'ok' }) })),
  api('run.metadata', 'text', (k, c) => ({ metadata: { [c.benignKey]: text(k) }, act: () => 0 })),
  api('run.keyed', 'keyed', (k) => ({ metadata: { [keyed(k).key]: keyed(k).value }, act: () => 0 })),
];

export const DIRECT_FIELDS: readonly Field[] = [
  direct('direct.inputs.deep', 'text', (k, c) => ({ events: startWith(nest({ [c.benignKey]: text(k) }, 10 + c.depth, c)) })),
  direct('direct.key.deep', 'text', (k, c) => ({ events: startWith(nest({ [text(k)]: 'value' }, 10 + c.depth, c)) })),
  direct('direct.keyed.deep', 'keyed', (k, c) => ({ events: startWith(nest({ [keyed(k).key]: keyed(k).value }, 10 + c.depth, c)) })),
  direct('direct.number', 'number', (k) => ({ events: startWith({ amount: num(k) }) })),
  direct('direct.map', 'text', (k, c) => ({ events: startWith({ m: capturedMap(variant(c, [[[text(k), 'value']], [['ref', text(k)]]])) }) })),
  direct('direct.map.keyed', 'keyed', (k) => ({ events: startWith({ m: capturedMap([['note', 'ok'], [keyed(k).key, keyed(k).value]]) }) })),
  direct('direct.set', 'text', (k) => ({ events: startWith({ s: { $type: 'Set', size: 2, values: ['ok', text(k)] } }) })),
  direct('direct.tuple.keyed', 'keyed', (k, c) => ({
    events: startWith({
      headers: variant(c, [[[keyed(k).key, keyed(k).value]], [{ name: keyed(k).key, value: keyed(k).value }], [{ key: keyed(k).key, value: keyed(k).value }]]),
    }),
  })),
  direct('direct.yield', 'text', (k, c) => ({ events: one('op_yield', { yielded: { [c.benignKey]: text(k) }, idx: 0 }, 'fuzzop') })),
  direct('direct.error', 'text', (k, c) => {
    const t = text(k);
    const error = variant(c, [
      { type: 'Error', message: t, stack: `Error: ${t}\n    at fuzzop (fuzz.js:1:1)` },
      { type: t, message: 'request failed' },
      { type: 'Error', message: 'request failed', stack: `Error: ${t}\n    at fuzzop (fuzz.js:1:1)` },
      { type: 'Error', message: 'request failed', cause: { type: 'Error', message: t } },
      { type: 'Error', message: 'request failed', code: t },
    ]);
    return { events: one('op_end', { ...OK_END, status: 'error', error }, 'fuzzop') };
  }),
  direct('direct.captured-error', 'text', (k) => ({ events: one('op_end', { ...OK_END, outputs: { value: { $type: 'Error', name: 'Error', message: text(k) } } }, 'fuzzop') })),
  direct('direct.annotation.key', 'text', (k) => ({ events: one('annotation', { key: text(k), value: 'value' }) })),
  direct('direct.annotation.value', 'text', (k, c) => ({ events: one('annotation', { key: c.benignKey, value: text(k) }, 'fuzzop') })),
  direct('direct.annotation.keyed', 'keyed', (k) => ({ events: one('annotation', { key: keyed(k).key, value: keyed(k).value }) })),
  direct('direct.group.name', 'text', (k) => ({
    events: (id) => [fileEvent(id, 0, 'group_start', null, [], { name: text(k) }), fileEvent(id, 1, 'group_end', null, [], { name: text(k), status: 'ok' })],
  })),
  direct('direct.group.keyed', 'keyed', (k) => ({ events: one('group_start', { name: 'turn', [keyed(k).key]: keyed(k).value }) })),
  direct('direct.llm.model', 'text', (k) => ({ events: one('llm_usage', { ...USAGE, model: text(k) }, 'fuzzop') })),
  direct('direct.llm.provider', 'text', (k) => ({ events: one('llm_usage', { ...USAGE, provider: text(k) }, 'fuzzop') })),
  direct('direct.llm.metadata', 'text', (k, c) => ({ events: one('llm_usage', { ...USAGE, metadata: { [c.benignKey]: text(k) } }, 'fuzzop') })),
  direct('direct.llm.keyed', 'keyed', (k, c) => ({
    events: one('llm_usage', c.variant % 2 === 0 ? { ...USAGE, metadata: { [keyed(k).key]: keyed(k).value } } : { ...USAGE, [keyed(k).key]: keyed(k).value }, 'fuzzop'),
  })),
  direct('direct.media.mime', 'text', (k) => ({ events: one('media_ref', { handle: 'media-handle', mime: text(k), size_bytes: 5 }, 'fuzzop') })),
  direct('direct.media.handle', 'text', (k) => ({ events: one('media_ref', { handle: text(k), mime: 'image/png', size_bytes: 5 }, 'fuzzop') })),
  direct('direct.op.name', 'text', (k) => ({
    events: (id) => [
      fileEvent(id, 0, 'op_start', text(k), ['main', `${text(k)}#0`], { inputs: {} }),
      fileEvent(id, 1, 'op_end', text(k), ['main', `${text(k)}#0`], OK_END),
    ],
  })),
  direct('direct.ctx.segment', 'text', (k, c) => ({
    events: (id) => [fileEvent(id, 0, 'annotation', 'fuzzop', variant(c, [['main', `${text(k)}#0`, 'fuzzop#0'], ['main', text(k)]]), { key: 'note', value: 'ok' })],
  })),
  direct('direct.request.id', 'text', (k) => ({
    events: () => {
      const id = text(k);
      return [
        fileEvent(id, 0, 'op_start', 'fuzzop', OP_CTX, { inputs: { query: 'ok' } }),
        fileEvent(id, 1, 'annotation', 'fuzzop', OP_CTX, { key: 'note', value: 'ok' }),
        fileEvent(id, 2, 'op_end', 'fuzzop', OP_CTX, OK_END),
      ];
    },
  })),
];

export const ALL_FIELDS: readonly Field[] = [...API_FIELDS, ...DIRECT_FIELDS];

/** Fields whose carrier is one string that capture cuts at `maxString` (truncation run). */
export const CUT_VALUE_FIELDS = ['inputs.value', 'outputs.value', 'annotation.value', 'error.message', 'map.value', 'yield.value', 'run.metadata'];
/** Names capture cuts at `DEFAULT_MAX_NAME` (256). */
export const CUT_NAME_FIELDS = ['op.name', 'annotation.key', 'group.name', 'llm.model', 'media.mime', 'error.type'];
/** Payload strings a `truncate()` processor cuts (direct events: capture cuts nothing). */
export const TRUNCATE_FIELDS = ['direct.inputs.deep', 'direct.annotation.value', 'direct.error', 'direct.llm.metadata', 'direct.yield', 'direct.set'];

export function fieldNamed(name: string): Field {
  const field = ALL_FIELDS.find((f) => f.name === name);
  if (!field) throw new Error(`no field ${name}`);
  return field;
}
