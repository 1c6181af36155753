import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { invocationPrefix, invocationSegment, invocationStart, isInvocationOf, parentRule } from '../src/wire/ctx-rules.js';
import { maskedSegment } from '../src/redaction/mask-event.js';

// The wire format's invocation segment, as a regex: `name#k`, any name (even empty), k decimal.
const INVOCATION = /#\d+$/;

describe('ctx-rules: the one maker and reader of invocation segments (name#k)', () => {
  it('makes name#k', () => {
    expect(invocationSegment('plan', 0)).toBe('plan#0');
    expect(invocationPrefix('a#b') + 12).toBe(invocationSegment('a#b', 12));
  });

  it('finds the # of #k, or -1; a digit cap refuses longer numbers', () => {
    expect(['plan#0', '#7', 'a#b#12', 'agent#', 'main', '', '٣#٣', 'x#1234567890'].map((s) => invocationStart(s))).toEqual([4, 0, 3, -1, -1, -1, -1, 1]);
    expect(invocationStart('x#123456789', 9)).toBe(1);
    expect(invocationStart('x#1234567890', 9)).toBe(-1);
  });

  it('agrees with the wire format regex and with parentRule on any segment, and reads back what it makes', () => {
    const pieces = fc.constantFrom('#', '0', '7', '42', 'a', 'é', '٣', ' ', '[', ']');
    const segment = fc.oneof(fc.string(), fc.array(pieces, { maxLength: 6 }).map((parts) => parts.join('')));
    fc.assert(
      fc.property(segment, fc.nat(), (s, k) => {
        const start = invocationStart(s);
        expect(start >= 0).toBe(INVOCATION.test(s));
        expect(start >= 0).toBe(parentRule(s) === 'invocation');
        if (start >= 0) expect(start).toBe(s.lastIndexOf('#'));
        const made = invocationSegment(s, k);
        expect(invocationStart(made)).toBe(s.length);
        expect(isInvocationOf(made, s)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('isInvocationOf: the segment is this op\'s own invocation', () => {
    expect(isInvocationOf('search#3', 'search')).toBe(true);
    expect(isInvocationOf('research#3', 'search')).toBe(false);
    expect(isInvocationOf('search#x', 'search')).toBe(false);
    expect(isInvocationOf('[3]', 'search')).toBe(false);
  });

  it('a masked segment keeps its invocation number and nothing else', () => {
    expect(['plan#3', '#0', 'sk_live_abc', 'a#b', 'x#1a'].map(maskedSegment)).toEqual(['<redacted>#3', '<redacted>#0', '<redacted>', '<redacted>', '<redacted>']);
  });
});
