import { boundName } from './bounded-text.js';
import { frameStorage } from './context.js';
import { runOutsideRequest } from './outside-request.js';
import { afterSettled, isThenable } from '../base/settle.js';

/**
 * Runs `fn` as a group named `name` (a conversation turn, a batch): a `group_start`
 * `{ name, ...metadata }` before it and a `group_end` `{ name, status: "ok" }` after it, whether
 * it returns, throws or its promise settles. A group still open at shutdown ends as
 * `truncated`. Returns what `fn` returns. Groups nest. Never throws on its own account.
 *
 * `name` is recorded as `String(name)`, cut at `DEFAULT_MAX_NAME` (256) characters with the cut
 * marked, or `"[unreadable]"` when `String(name)` throws. A `fn` returning a thenable that is not
 * a native promise (a query builder) gets it back untouched: the group ends at return.
 */
export function group<T>(name: string, fn: () => T, metadata?: Record<string, unknown>): T {
  const frame = frameStorage.getStore();
  if (frame === undefined) return runOutsideRequest(() => group(name, fn, metadata), fn);
  const emitter = frame.emitter;
  const opened = emitter.openGroup(boundName(name), metadata);
  if (opened === undefined) return fn();
  const close = () => emitter.closeGroup(opened, 'ok');
  let result: T;
  try {
    result = fn();
  } catch (thrown) {
    close();
    throw thrown;
  }
  let thenable = false;
  try {
    thenable = isThenable(result);
  } catch {
    // a result whose `then` cannot be read (a revoked Proxy) is a plain value here
  }
  if (thenable) return afterSettled(result as PromiseLike<unknown>, { succeed: close, fail: close }) as T;
  close();
  return result;
}
