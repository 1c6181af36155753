import { indexFrom, scanWork } from './detector.js';
import { ALL_DETECTORS, createScanner, type SecretScanner } from './scanner.js';

/**
 * Where a string may be cut (capture's bound, `truncate`) so that no secret is cut in two: a cut
 * through a secret would keep its first part, which no detector recognises any more (15 of 16
 * card digits, an API key without its last characters). The cut moves back to the secret's start.
 */

/** Text looked at before the cut, past which only runs without spaces (tokens) and PEM blocks are followed. */
const BEFORE = 1024;
/** Text looked at after the cut (what decides whether a secret is complete: a card's last group, a JWT's signature). */
const AFTER = 256;
/** Context around a token that a detector needs (`Bearer `, `"api_key": "`, a card's other groups). */
const CONTEXT = 128;
/**
 * Most text looked at after the cut. A secret longer than this past the cut is still found (a
 * key's run, a JWT without its signature, an unclosed value reach the window's end and straddle
 * the cut), so a 1 MB string without spaces costs its part before the cut, not all of it.
 */
const MAX_AHEAD = 8192;

let scanner: SecretScanner | undefined;

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/** The start of the run of non-space characters that holds index `i - 1` (or `i` itself after a space). */
function runStartBefore(text: string, i: number): number {
  let at = Math.max(0, i);
  while (at > 0 && !isSpace(text.charCodeAt(at - 1))) at--;
  scanWork.steps += i - at + 1;
  return at;
}

/** The end of the run of non-space characters that holds index `i` (at most `limit`). */
function runEndFrom(text: string, i: number, limit: number): number {
  let at = Math.min(limit, i);
  while (at < limit && !isSpace(text.charCodeAt(at))) at++;
  scanWork.steps += at - i + 1;
  return at;
}

/**
 * The start of a PEM block open at `end` (its `-----BEGIN ` before `end` and no `-----END ` between
 * them), or `end` when none is: such a block can be longer than any window.
 */
function openPemStart(text: string, end: number): number {
  const begin = text.lastIndexOf('-----BEGIN ', end - 1);
  scanWork.steps += end + 1;
  if (begin < 0) return end;
  const close = indexFrom(text, '-----END ', begin);
  return close < 0 || close >= end ? begin : end;
}

/**
 * The end ≤ `end` at which text may be cut so that no secret found by ALL_DETECTORS straddles it
 * or ends at it (the cut moves to the secret's start). Only scans a window around `end`: from a space at least
 * `BEFORE` + `CONTEXT` characters before it (a run of characters without spaces, a token, is
 * followed to its start, and an open PEM block to its BEGIN line) to a space at least `AFTER` +
 * `CONTEXT` after it, or `MAX_AHEAD` after it at most. `end` past the text: the text's length (nothing is cut).
 */
export function safeCutEnd(text: string, end: number): number {
  if (end >= text.length) return text.length;
  if (end <= 0) return 0;
  const from = Math.min(runStartBefore(text, runStartBefore(text, end - BEFORE) - CONTEXT), openPemStart(text, end));
  const limit = Math.min(text.length, end + MAX_AHEAD);
  const to = runEndFrom(text, runEndFrom(text, end + AFTER, limit) + CONTEXT, limit);
  scanner ??= createScanner({ detectors: ALL_DETECTORS });
  for (const span of scanner.find(text.slice(from, to))) {
    const start = from + span.start;
    if (start >= end) break;
    // A cut right at a secret's end also moves: what follows it can be what makes it a secret
    // (the `@` after `user:password`, the `;` after `Password=x`), so it stays with it.
    if (from + span.end >= end) return start;
  }
  return end;
}
