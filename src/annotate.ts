import { eventPlace, frameStorage } from './context.js';
import { capture, lastCaptureBytes } from './snapshot.js';

/**
 * Annotates the current op with `key` = a captured snapshot of `value` (an `annotation` event).
 * At the top of a request the annotation belongs to the request (`op_name` null, `ctx` `[]`).
 * Outside any request it does nothing. Never throws.
 */
export function annotate(key: string, value: unknown): void {
  const frame = frameStorage.getStore();
  if (frame === undefined) return;
  const emitter = frame.emitter;
  try {
    const captured = capture(value, emitter.host.limits);
    const { opName, ctx } = eventPlace(frame);
    emitter.emit('annotation', opName, ctx, { key: String(key), value: captured }, lastCaptureBytes() + key.length + 20);
  } catch (error) {
    emitter.host.reportInternalError('annotate', error);
  }
}
