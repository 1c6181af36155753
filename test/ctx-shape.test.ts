import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parentRule } from '../src/wire/ctx-rules.js';

// The wire format's rules, as regexes: the char checks in parentRule must agree with them.
const INVOCATION = /#\d+$/;
const ITEM = /^(\[\d+\]|yield_\d+)$/;
const byRegex = (segment: string) => (INVOCATION.test(segment) ? 'invocation' : ITEM.test(segment) ? 'item' : 'shared');

describe('parentRule: what a ctx segment says about its parent', () => {
  it('names the three shapes', () => {
    expect(['plan#0', '#7', 'a#b#12', 'agent#', '[3]', 'yield_12', '[]', '[1a]', 'yield_', 'xyield_1', 'main', '', '٣#٣'].map(parentRule)).toEqual([
      'invocation',
      'invocation',
      'invocation',
      'shared',
      'item',
      'item',
      'shared',
      'shared',
      'shared',
      'shared',
      'shared',
      'shared',
      'shared',
    ]);
  });

  it('agrees with the wire format regexes on any segment', () => {
    const pieces = fc.constantFrom('#', '[', ']', 'yield_', '0', '7', '42', 'a', 'é', '٣', ' ', '\n');
    const segment = fc.oneof(fc.string(), fc.array(pieces, { maxLength: 6 }).map((parts) => parts.join('')));
    fc.assert(fc.property(segment, (s) => parentRule(s) === byRegex(s)), { numRuns: 20_000 });
  });
});
