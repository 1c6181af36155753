import { BACKGROUND_TEXT, FILLER_WORDS } from './vocabulary.js';

/**
 * The leak check. A leak is any 4 consecutive characters of a secret's random part (its `parts`,
 * see secrets.ts) anywhere in a serialized output line, compared case-sensitively.
 *
 * Windows are taken inside runs of plain characters: what JSON escapes (`"`, `\`, control
 * characters, line breaks and tabs among them) splits a part, so a window always reads the same
 * in the input and in the JSON line (the PEM body's line breaks become `\n` in the output).
 * Spaces do not split: `+351 998 680 322` has windows only across them.
 *
 * Text optrail or the redactor generate (event ids, timestamps, seq and durations, truncation
 * markers, hash tokens, pseudonyms, indexed tokens, the fuzz's own request ids) is blanked
 * before the scan: it is random-looking and would match a window by chance (a 12-digit hash has
 * 9 hex windows; a card number's digits meet a 4-digit seq). None of it can carry input text.
 * JSON escapes are blanked too: no window holds an escaped character.
 *
 * A line is checked against every secret of its batch: its own request's at 4 characters, the
 * other requests' at `CROSS_REQUEST_MIN` (a cross-request leak carries a whole secret; 4
 * characters shared by chance between thousands of requests' public text would drown it).
 */

/** The shortest run of another request's secret that counts as a leak. */
export const CROSS_REQUEST_MIN = 8;

const WINDOW = 4;
const SPLIT = /["\\\u0000-\u001f]+/;

/** A window of 4 Latin-1 characters as one number (cheaper map keys than strings). */
function windowKey(text: string, at: number): number {
  const a = text.charCodeAt(at);
  const b = text.charCodeAt(at + 1);
  const c = text.charCodeAt(at + 2);
  const d = text.charCodeAt(at + 3);
  if ((a | b | c | d) > 0xff) return -1;
  return ((a * 256 + b) * 256 + c) * 256 + d;
}

/** The plain runs of a part in which windows are taken. */
export function runsOf(part: string): string[] {
  return part.split(SPLIT).filter((run) => run.length >= WINDOW);
}

/** Every window key of `parts`. */
export function windowKeys(parts: readonly string[]): number[] {
  const keys: number[] = [];
  for (const part of parts) {
    for (const run of runsOf(part)) {
      for (let i = 0; i + WINDOW <= run.length; i++) {
        const key = windowKey(run, i);
        if (key >= 0) keys.push(key);
      }
    }
  }
  return keys;
}

/**
 * The windows that are secret: those of `parts` that are not also windows of `publicParts`
 * (a JWT's payload shares `iOiJ` with every public JWT header: base64 of `":"`).
 */
export function secretWindowKeys(parts: readonly string[], publicParts: readonly string[] = []): number[] {
  const open = new Set(windowKeys(publicParts));
  return windowKeys(parts).filter((key) => !open.has(key));
}

const BACKGROUND = new Set<number>();
// Filler words next to each other too (`that sent` has `t se`), and after an escape that JSON
// text in a string keeps (`\\nshipped` reads `nshi` once the `\\` is blanked).
const pairs = FILLER_WORDS.flatMap((a) => [...FILLER_WORDS.map((b) => `${a} ${b}`), `n${a}`, `t${a}`, `r${a}`]);
for (const text of [...BACKGROUND_TEXT, ...pairs]) {
  for (let i = 0; i + WINDOW <= text.length; i++) {
    const key = windowKey(text, i);
    if (key >= 0) BACKGROUND.add(key);
  }
}

/**
 * True when a part cannot be checked reliably: it has no window at all, or one of its windows
 * also occurs in the fuzz's fixed text (a password word shared with a filler word), where it
 * would be found without leaking. Generators reject such secrets.
 */
export function touchesBackground(parts: readonly string[], publicParts: readonly string[] = []): boolean {
  const keys = secretWindowKeys(parts, publicParts);
  return keys.length === 0 || keys.some((key) => BACKGROUND.has(key));
}

/**
 * Generated text that is blanked before the scan. Each is exact about its shape so that it
 * cannot swallow a secret: hash tokens are hex, pseudonyms have their fixed prefixes and length.
 * Event ids are `{request_id}-{seq}`: they are blanked only with the fuzz's own request ids
 * (an id that held a secret is scanned, in `event_id` too).
 */
const GENERATED = new RegExp(
  [
    String.raw`"timestamp":"[^"]*"`,
    String.raw`"(?:seq|duration_ms|cost_usd|size_bytes|size|open|idx|yield_count|prompt_tokens|completion_tokens|total_tokens|cached_prompt_tokens|reasoning_tokens)":-?\d[\d.eE+-]*`,
    String.raw`…\[truncated \d+ (?:chars|bytes)\]`,
    String.raw`…\[\+\d+ items\]`,
    String.raw`<hash:[0-9a-f]+>`,
    String.raw`\bsha256:[0-9a-f]{64}\b`,
    String.raw`\b(?:req|redacted)-[A-Za-z0-9]{20}\b`,
    String.raw`\[[A-Z][A-Z0-9_]{0,40}_\d{1,6}\]`,
    // JSON escapes: no window holds what they stand for, and `\n` + `shipped` reads `nshi`
    String.raw`\\(?:u[0-9a-fA-F]{4}|.)`,
  ].join('|'),
  'g',
);
const HEAD = /^\{"event_id":"((?:[^"\\]|\\.)*)","request_id":"((?:[^"\\]|\\.)*)"/;

const blank = (text: string) => '\u0001'.repeat(text.length);

/** `line` with generated text (and the fuzz's own request ids, `knownIds`) blanked, same length. */
export function blankGenerated(line: string, knownIds: ReadonlySet<string>): string {
  let out = line.replace(GENERATED, blank);
  const head = HEAD.exec(out);
  if (head) {
    const [, eventId, requestId] = head as unknown as [string, string, string];
    const idStart = '{"event_id":"'.length;
    const requestStart = idStart + eventId.length + '","request_id":"'.length;
    const ownEventId = eventId.replace(/-\d+$/, '');
    out =
      out.slice(0, idStart) +
      (knownIds.has(ownEventId) || /^\u0001+-\d+$/.test(eventId) ? blank(eventId) : eventId) +
      out.slice(idStart + eventId.length, requestStart) +
      (knownIds.has(requestId) ? blank(requestId) : requestId) +
      out.slice(requestStart + requestId.length);
  }
  return out;
}

/** A file name with what optrail generates in it blanked: pseudonyms, and the hash suffix of a cleaned id (`…-0123456789ab.jsonl`). */
export function blankFileName(name: string): string {
  return blankGenerated(name, new Set()).replace(/-[0-9a-f]{12}(?=\.jsonl)/, blank);
}

/** One secret occurrence the index knows: which case, which part, where in it. */
interface Occurrence {
  readonly owner: number;
  readonly part: string;
  readonly at: number;
}

/** A found leak: the longest run of a secret's random part that a line holds. */
export interface Hit {
  readonly owner: number;
  /** Index of the line in the batch. */
  readonly line: number;
  /** Where the leaked text starts in the line. */
  readonly at: number;
  readonly length: number;
  readonly text: string;
}

/** The secrets of one batch, indexed by window, to scan every output line once. */
export class LeakIndex {
  private readonly windows = new Map<number, Occurrence[]>();

  add(owner: number, parts: readonly string[], publicParts: readonly string[] = []): void {
    const open = publicParts.length === 0 ? undefined : new Set(windowKeys(publicParts));
    for (const part of parts) {
      for (const run of runsOf(part)) {
        for (let i = 0; i + WINDOW <= run.length; i++) {
          const key = windowKey(run, i);
          if (key < 0 || open?.has(key)) continue;
          let list = this.windows.get(key);
          if (!list) this.windows.set(key, (list = []));
          list.push({ owner, part: run, at: i });
        }
      }
    }
  }

  /**
   * The leaks in one (blanked) line: per owner, its longest match. `prefer` is the case whose
   * events the line belongs to: when several cases share the matched text (two cards with the
   * same 4 digits), the leak is that case's.
   */
  scan(blanked: string, lineIndex: number, original: string, prefer: number | undefined): Hit[] {
    const best = new Map<number, Hit>();
    for (let i = 0; i + WINDOW <= blanked.length; i++) {
      const key = windowKey(blanked, i);
      if (key < 0) continue;
      const list = this.windows.get(key);
      if (!list) continue;
      for (const occ of list) {
        // Extend the match both ways along the part.
        let left = 0;
        while (occ.at - left - 1 >= 0 && i - left - 1 >= 0 && blanked[i - left - 1] === occ.part[occ.at - left - 1]) left++;
        let right = WINDOW;
        while (occ.at + right < occ.part.length && i + right < blanked.length && blanked[i + right] === occ.part[occ.at + right]) right++;
        const length = left + right;
        if (length < CROSS_REQUEST_MIN && prefer !== undefined && occ.owner !== prefer) continue;
        const known = best.get(occ.owner);
        if (!known || known.length < length) {
          const at = i - left;
          best.set(occ.owner, { owner: occ.owner, line: lineIndex, at, length, text: original.slice(at, at + length) });
        }
      }
    }
    if (best.size <= 1) return [...best.values()];
    // Text shared by several secrets (two cards with the same 4 digits) is one leak: the longest
    // match wins, the line's own case among equals; leaks elsewhere in the line stay.
    const ranked = [...best.values()].sort((a, b) => b.length - a.length || Number(b.owner === prefer) - Number(a.owner === prefer));
    const kept: Hit[] = [];
    for (const hit of ranked) {
      if (!kept.some((k) => hit.at < k.at + k.length && k.at < hit.at + hit.length)) kept.push(hit);
    }
    return kept;
  }
}
