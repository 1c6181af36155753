/**
 * Microsecond timestamps from a monotonic clock anchored once to the wall clock.
 *
 * `performance.now()` costs ≈ 50 ns and never goes backwards; `toISOString()` costs ≈ 420 ns,
 * so the formatted text of the current second is cached and only the 6 fractional digits are
 * written per event.
 */

const anchorWallMicros = Date.now() * 1000;
const anchorPerfMs = performance.now();

let lastMicros = 0;
let cachedSecond = -1;
let cachedPrefix = '';

/** Microseconds since the Unix epoch; never smaller than the previous value in this process. */
export function nowMicros(): number {
  let micros = anchorWallMicros + Math.floor((performance.now() - anchorPerfMs) * 1000);
  if (micros < lastMicros) micros = lastMicros;
  lastMicros = micros;
  return micros;
}

/** Formats epoch microseconds as the wire format writes them: `2026-11-22T12:00:00.123456Z`. */
export function formatMicros(micros: number): string {
  const second = Math.floor(micros / 1_000_000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedPrefix = new Date(second * 1000).toISOString().slice(0, 19) + '.';
  }
  return cachedPrefix + String(1_000_000 + (micros - second * 1_000_000)).slice(1) + 'Z';
}

const FRACTION_AT = 19;

/**
 * Parses a wire-format timestamp (0 to 9 fractional digits) into epoch microseconds.
 * Sorting must compare these instants, never the strings. Returns NaN for text that is not a
 * timestamp.
 */
export function parseTimestampMicros(timestamp: string): number {
  const millis = Date.parse(timestamp.slice(0, FRACTION_AT) + 'Z');
  if (Number.isNaN(millis)) return NaN;
  let fraction = 0;
  if (timestamp.charCodeAt(FRACTION_AT) === 46 /* . */) {
    const digits = timestamp.slice(FRACTION_AT + 1, timestamp.length - 1);
    fraction = Math.floor(Number((digits + '000000').slice(0, 6)));
  }
  return millis * 1000 + fraction;
}

/** Rewrites any accepted timestamp in optrail's canonical 6-digit form; canonical text is returned as is. */
export function canonicalTimestamp(timestamp: string): string {
  if (timestamp.length === 27 && timestamp.charCodeAt(FRACTION_AT) === 46) return timestamp;
  const micros = parseTimestampMicros(timestamp);
  return Number.isNaN(micros) ? timestamp : formatMicros(micros);
}
