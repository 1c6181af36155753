import { boundName } from './bounded-text.js';
import { eventPlace, frameStorage } from './context.js';
import { capture, lastCaptureBytes } from './snapshot.js';

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
    const name = boundName(key);
    const captured = capture(value, emitter.host.limits);
    const { opName, ctx } = eventPlace(frame);
    emitter.emit('annotation', opName, ctx, { key: name, value: captured }, lastCaptureBytes() + name.length + 20);
  } catch (error) {
    emitter.host.reportInternalError('annotate', error);
  }
}
