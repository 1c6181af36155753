import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALL_DETECTORS, compileDetectors } from '../../processors/secret-detectors.js';

// A user pattern that never matches turns the prefilter off without changing what is found:
// the reference every prefiltered scan must agree with.
const withPrefilter = compileDetectors(ALL_DETECTORS, []);
const withoutPrefilter = compileDetectors(ALL_DETECTORS, [{ name: 'never', regex: /(?!)/ }]);
const mark = (secret: string, kind: string) => `<${kind}:${secret.length}>`;

describe('secret detectors: the prefilter never hides a secret', () => {
  it('finds every kind of secret with the prefilter on', () => {
    const samples = [
      'mail ada@example.com now',
      'Authorization: Bearer abcdefgh12345678',
      'key sk-abcdefghijklmnopqrstuvwxyz',
      'aws AKIAABCDEFGHIJKLMNOP here',
      'gh ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      'slack xoxb-1234567890-abc',
      'google AIzaSyA1234567890abcdefghijklmnopqrstuv',
      'jwt eyJhbGciOi.eyJzdWIiOi.signature12',
      'card 4111 1111 1111 1111',
      'call +351 912 345 678',
      'call (555) 123-4567',
      'call 555-123-4567',
    ];
    for (const text of samples) {
      const found = withPrefilter.scan(text, mark);
      expect(found).not.toBe(text);
      expect(found).toBe(withoutPrefilter.scan(text, mark));
    }
  });

  it('gives the same text with and without the prefilter on any string', () => {
    const piece = fc.constantFrom(
      '@', '.', '-', '_', '+', ' ', '(', ')', 'eyJ', 'Bearer ', 'bearer ', 'sk-', 'pk-', 'rk-', 'AKIA', 'ghp_', 'xoxb-', 'AIza',
      'abcdefgh', 'ABCDEFGH', 'example', 'com', '0', '1', '4', '7', '9', '123', '4567', '4111', '351', 'x',
    );
    const text = fc.oneof(fc.string({ maxLength: 60 }), fc.array(piece, { maxLength: 24 }).map((parts) => parts.join('')));
    fc.assert(
      fc.property(text, (t) => withPrefilter.scan(t, mark) === withoutPrefilter.scan(t, mark)),
      { numRuns: 50_000, seed: 20261124 },
    );
  });
});
