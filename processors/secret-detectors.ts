/**
 * The value detectors of `redact`: one combined regular expression (one pass per string) whose
 * named groups say what matched; card numbers must also pass the Luhn check.
 */

/** The built-in detectors. */
export type DetectorName = 'apiKey' | 'bearer' | 'jwt' | 'email' | 'card' | 'phone';

export const ALL_DETECTORS: readonly DetectorName[] = ['jwt', 'bearer', 'apiKey', 'email', 'card', 'phone'];

const SOURCES: Record<DetectorName, string> = {
  jwt: String.raw`eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}`,
  bearer: String.raw`[Bb]earer\s+[A-Za-z0-9._~+/=-]{8,}`,
  // sk-/pk-/rk- keys (OpenAI, Anthropic, Stripe…), AWS access keys, GitHub, Slack and Google keys.
  // No leading word boundary for sk- keys: a key glued to other text is still a key.
  apiKey: String.raw`(?:sk|pk|rk)-[A-Za-z0-9_-]{20,}|\bAKIA[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{30,}|\bxox[abprs]-[A-Za-z0-9-]{10,}|\bAIza[0-9A-Za-z_-]{35}`,
  email: String.raw`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`,
  card: String.raw`(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)`,
  // International numbers (+…), (555) 123-4567, and 555-123-4567 / 555.123.4567; dates such as
  // 2026-11-22 do not match.
  phone: String.raw`\+\d{1,3}[ .-]?\(?\d{1,4}\)?(?:[ .-]?\d{2,4}){2,4}(?!\d)|\(\d{3}\)\s?\d{3}[ .-]\d{4}(?!\d)|(?<!\d)\d{3}[.-]\d{3}[.-]\d{4}(?!\d)`,
};

/** True when the digits of `text` pass the Luhn checksum (card numbers). */
export function passesLuhn(text: string): boolean {
  const digits = text.replace(/\D/g, '');
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** A user pattern: a name (used in indexed tokens) and a regex. */
export interface NamedPattern {
  name: string;
  regex: RegExp;
}

/** A compiled set of detectors. `scan` returns the text with each secret replaced by `replace(secret, kind)`. */
export interface Detectors {
  scan(text: string, replace: (secret: string, kind: string) => string): string;
}

/** Literal parts that every non-numeric built-in detector needs, one at least per match. */
const SECRET_MARKERS = /@|eyJ|[Bb]earer|[spr]k-|AKIA|gh[pousr]_|xox[abprs]-|AIza/;

/**
 * A cheap first look that says when the combined expression cannot match, so most strings skip
 * it: cards need 13 digits and phone numbers 10, or 6 after a `+`; every other built-in detector
 * needs one of `SECRET_MARKERS` (e-mails an `@`, JWTs `eyJ`, bearer tokens the word, API keys
 * their prefixes). User patterns turn it off. test/processors/secret-detectors.test.ts checks
 * that a scan gives the same text with and without it.
 */
function mayHoldSecret(text: string): boolean {
  let digits = 0;
  let plus = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 43) plus = true;
  }
  if (digits >= 10 || (plus && digits >= 6)) return true;
  return SECRET_MARKERS.test(text);
}

export function compileDetectors(names: readonly DetectorName[], patterns: readonly NamedPattern[]): Detectors {
  const groups: Array<{ group: string; kind: string; source: string }> = [];
  for (const name of ALL_DETECTORS) if (names.includes(name)) groups.push({ group: name, kind: name, source: SOURCES[name] });
  patterns.forEach((pattern, i) => groups.push({ group: `user${i}`, kind: pattern.name, source: pattern.regex.source }));
  if (groups.length === 0) return { scan: (text) => text };
  const combined = new RegExp(groups.map((g) => `(?<${g.group}>${g.source})`).join('|'), 'g');
  const prefiltered = patterns.length === 0;
  return {
    scan(text, replace) {
      if (text.length < 6 || (prefiltered && !mayHoldSecret(text))) return text;
      combined.lastIndex = 0;
      return text.replace(combined, (match: string, ...rest: unknown[]) => {
        const named = rest[rest.length - 1] as Record<string, string | undefined>;
        for (const g of groups) {
          if (named[g.group] === undefined) continue;
          if (g.kind === 'card' && !passesLuhn(match)) return match;
          return replace(match, g.kind);
        }
        return match;
      });
    },
  };
}
