import { boundName } from './bounded-text.js';
import { eventPlace, frameStorage } from './context.js';
import { redactedValue } from '../redaction/capture-secrets.js';
import type { Emitter } from './emitter.js';
import { capture, lastCaptureBytes } from './capture.js';

/**
 * Emits an annotation `key` = a captured snapshot of `value` at (`opName`, `ctx`): the one way
 * annotations are made (`annotate`, a run's `metadata`). Under the pipeline's credential
 * redaction a secret key (`password`, `apiKey`…) records `<redacted>` and a credential in the key
 * itself is redacted. May throw: callers report it.
 */
export function emitAnnotation(emitter: Emitter, opName: string | null, ctx: readonly string[], key: unknown, value: unknown): void {
  const limits = emitter.host.limits;
  const bounded = boundName(key);
  const rule = limits.secrets?.keyRule(bounded);
  const captured = rule?.secret ? redactedValue(value) : capture(value, limits);
  const bytes = rule?.secret ? 12 : lastCaptureBytes();
  emitter.emit('annotation', opName, ctx, { key: rule?.key ?? bounded, value: captured }, bytes + bounded.length + 20);
}

/**
 * Annotates the current op with `key` = a captured snapshot of `value` (an `annotation` event).
 * At the top of a request the annotation belongs to the request (`op_name` null, `ctx` `[]`).
 * `key` is recorded as `String(key)`, cut at `DEFAULT_MAX_NAME` (256) characters with the cut
 * marked (`"[unreadable]"` when `String(key)` throws). Outside any request it does nothing. Never throws.
 */
export function annotate(key: string, value: unknown): void {
  const frame = frameStorage.getStore();
  if (frame === undefined) return;
  const emitter = frame.emitter;
  try {
    const { opName, ctx } = eventPlace(frame);
    emitAnnotation(emitter, opName, ctx, key, value);
  } catch (error) {
    emitter.host.reportInternalError('annotate', error);
  }
}
