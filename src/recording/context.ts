import { AsyncLocalStorage } from 'node:async_hooks';
import type { Emitter } from './emitter.js';
import { processWide } from '../base/process-wide.js';

/**
 * Where the running code is: the emitter of its request and the op invocation it belongs to.
 * One frame per op invocation; the request itself is the root frame with ctx `["main"]`.
 *
 * Frames are shared by every copy of optrail in the process (see `frameStorage`): a frame made
 * by one copy is read, and its emitter called, by another. Changing these fields, or the
 * `Emitter` members op code reaches through `frame.emitter`, in a way another copy of the same
 * key would misread takes a new `FRAME_STORAGE_KEY` version.
 */
export interface Frame {
  readonly emitter: Emitter;
  /** `null` for the request's root frame. */
  readonly opName: string | null;
  /** The invocation path (wire format "ctx"); frozen and shared by all events of the invocation. */
  readonly ctx: readonly string[];
  /**
   * Calls per child op name, to name child invocations `name#k` in call order. The child op
   * called last keeps its count in `lastChild`/`lastChildCalls` instead (a loop calling one op
   * needs no map lookup); the map holds the others.
   */
  childCalls: Map<string, number> | undefined;
  lastChild: string | undefined;
  lastChildCalls: number;
}

/**
 * The `globalThis` key of the frame storage. Versioned (src/base/process-wide.ts): a copy whose
 * `Frame` differs uses another key, so it never reads frames it does not understand.
 */
export const FRAME_STORAGE_KEY = 'optrail.frameStorage.v1';

/**
 * The one AsyncLocalStorage optrail uses; a frame is bound for the duration of each op body.
 * One per process, not per copy: ops of the CommonJS build called inside an ESM `pipeline.run`
 * (or of two installs of the package) are recorded in that request.
 */
export const frameStorage: AsyncLocalStorage<Frame> = processWide(
  FRAME_STORAGE_KEY,
  (value): value is AsyncLocalStorage<Frame> => value instanceof AsyncLocalStorage,
  () => new AsyncLocalStorage<Frame>(),
);

/** The frame of the running code, or `undefined` outside any request. */
export function currentFrame(): Frame | undefined {
  return frameStorage.getStore();
}

const ROOT_CTX: readonly string[] = Object.freeze(['main']);

export function rootFrame(emitter: Emitter): Frame {
  return { emitter, opName: null, ctx: ROOT_CTX, childCalls: undefined, lastChild: undefined, lastChildCalls: 0 };
}

/** The ctx of a new invocation of `opName` (whose segment prefix is `opName#`) under `parent`: frozen. */
export function childCtx(parent: Frame, opName: string, segmentPrefix: string): readonly string[] {
  let k: number;
  if (parent.lastChild === opName) k = parent.lastChildCalls;
  else {
    if (parent.lastChild !== undefined) (parent.childCalls ??= new Map()).set(parent.lastChild, parent.lastChildCalls);
    k = parent.childCalls?.get(opName) ?? 0;
    parent.lastChild = opName;
  }
  parent.lastChildCalls = k + 1;
  // A copy loop: Array.prototype.concat on a frozen array is ≈ 2× slower on V8.
  const parentCtx = parent.ctx;
  const depth = parentCtx.length;
  const ctx = new Array<string>(depth + 1);
  for (let i = 0; i < depth; i++) ctx[i] = parentCtx[i]!;
  ctx[depth] = segmentPrefix + k;
  return Object.freeze(ctx);
}

/** Where the running code is, as `currentOp()` reports it. */
export interface CurrentOp {
  readonly opName: string;
  readonly ctx: readonly string[];
  readonly requestId: string;
}

/**
 * The op invocation the running code belongs to, or `undefined` outside any op (at the top of
 * a request, or outside any request). Never throws.
 */
export function currentOp(): CurrentOp | undefined {
  const frame = frameStorage.getStore();
  if (frame === undefined || frame.opName === null) return undefined;
  return { opName: frame.opName, ctx: frame.ctx, requestId: frame.emitter.requestId };
}

/** The ctx of events bound to no op (request-level annotations, groups). */
export const NO_CTX: readonly string[] = Object.freeze([]);

/** The (op_name, ctx) an event about `frame` carries: the op's, or `null` / `[]` at request level. */
export function eventPlace(frame: Frame): { opName: string | null; ctx: readonly string[] } {
  return frame.opName === null ? { opName: null, ctx: NO_CTX } : { opName: frame.opName, ctx: frame.ctx };
}
