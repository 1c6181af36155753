import { boundName, boundText } from './bounded-text.js';
import { eventPlace, frameStorage } from './context.js';
import { DEFAULT_MEDIA_MIME } from '../base/defaults.js';

/** Bytes `recordMedia` accepts; strings are stored as UTF-8. */
export type MediaBytes = Uint8Array | ArrayBuffer | string;

function toBytes(bytes: MediaBytes): Uint8Array {
  if (typeof bytes === 'string') return new TextEncoder().encode(bytes);
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Keeps `bytes` (an image, audio, a document) in the pipeline's media store and emits a
 * `media_ref {handle, mime, size_bytes}` on the current op. The bytes never enter the stream.
 * `mime` is recorded cut at `DEFAULT_MAX_NAME` (256) characters; empty, it is `DEFAULT_MEDIA_MIME`.
 * Returns the handle at once (the write finishes in the background and `pipeline.flush()`
 * waits for it), or `undefined` outside any request or when storing failed. Never throws.
 */
export function recordMedia(bytes: MediaBytes, options: { mime: string }): string | undefined {
  const frame = frameStorage.getStore();
  if (frame === undefined) return undefined;
  const { emitter } = frame;
  const { host } = emitter;
  try {
    const data = toBytes(bytes);
    const store = host.mediaStore;
    let handle: string;
    if (store.putSync && !host.canBufferMedia(data.byteLength)) {
      // Over the memory cap (e.g. a loop that never yields): write now rather than hold bytes.
      handle = store.putSync(data);
    } else {
      const put = store.put(data);
      handle = put.handle;
      host.trackMediaWrite(put.written, data.byteLength);
    }
    const secrets = host.limits.secrets;
    const boundedMime = boundName(options?.mime || DEFAULT_MEDIA_MIME);
    const mime = secrets?.name(boundedMime) ?? boundedMime;
    // A store's handle is recorded as a string however the store made it, bounded like a captured string.
    const boundedHandle = boundText(handle, host.limits.maxString);
    const recorded = secrets?.scrub(boundedHandle) ?? boundedHandle;
    const { opName, ctx } = eventPlace(frame);
    emitter.emit('media_ref', opName, ctx, { handle: recorded, mime, size_bytes: data.byteLength }, recorded.length + mime.length + 60);
    return handle;
  } catch (error) {
    host.reportInternalError('recordMedia', error);
    return undefined;
  }
}
