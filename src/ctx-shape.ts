/**
 * How a ctx's last segment says who the parent is (wire format, "ctx"):
 * - `invocation`: optrail's `name#k`; the parent is the invocation at ctx minus that segment;
 * - `item`: operonx's `[i]` (Python) or `yield_i` (Rust); the parent is the generator op at ctx
 *   minus that segment;
 * - `shared`: an operonx scheduler ctx shared by sibling ops; they sit at the top.
 */
export type ParentRule = 'invocation' | 'item' | 'shared';

const OPTRAIL_SEGMENT = /#\d+$/;
const OPERONX_ITEM = /^(\[\d+\]|yield_\d+)$/;

export function parentRule(lastSegment: string): ParentRule {
  if (OPTRAIL_SEGMENT.test(lastSegment)) return 'invocation';
  if (OPERONX_ITEM.test(lastSegment)) return 'item';
  return 'shared';
}
