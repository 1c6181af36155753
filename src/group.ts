import { frameStorage } from './context.js';
import { runInDefaultRequest } from './default-pipeline.js';
import { afterSettled, isThenable } from './thenable.js';

/**
 * Runs `fn` as a group named `name` (a conversation turn, a batch): a `group_start`
 * `{ name, ...metadata }` before it and a `group_end` `{ name, status: "ok" }` after it, whether
 * it returns, throws or its promise settles. A group still open at shutdown ends as
 * `truncated`. Returns what `fn` returns. Groups nest. Never throws on its own account.
 */
export function group<T>(name: string, fn: () => T, metadata?: Record<string, unknown>): T {
  const frame = frameStorage.getStore();
  if (frame === undefined) return runInDefaultRequest(() => group(name, fn, metadata), fn);
  const emitter = frame.emitter;
  const opened = emitter.openGroup(String(name), metadata);
  if (opened === undefined) return fn();
  const close = () => emitter.closeGroup(opened, 'ok');
  let result: T;
  try {
    result = fn();
  } catch (thrown) {
    close();
    throw thrown;
  }
  if (isThenable(result)) return afterSettled(result, { succeed: close, fail: close }) as T;
  close();
  return result;
}
