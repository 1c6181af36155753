import { collectInto, eachIndex, foldedAt, nameBefore, nameMatcher, reportInOrder, runEnd, SPACE, type Detector, type NameSpan } from '../detector.js';
import { secretKeyMatcher } from '../secret-keys.js';
import { endsFreeValue, valueEnd, valueStart } from './value.js';

/**
 * Secrets written as `name<separator>value` in free text and JSON-ish text: `password=hunter2`,
 * `passwd: x`, `pwd=x`, `secret: x`, `token=x`, `api_key="x"`, `"client_secret": "x"`,
 * `DB_PASSWORD=x`, `'token' => 'x'`. The separator is `=` or `:` (`=>`, `:=`, `==` too), with
 * spaces and quotes around it or not. The name is the run of letters, digits, `_`, `-` and `.`
 * before it, folded (`X-Api-Key` → `xapikey`); it is secret when it ends with one of
 * `ASSIGNMENT_NAME_ENDINGS` or is one of `ASSIGNMENT_NAMES`, or it is a secret key name of
 * payloads (`DEFAULT_SECRET_KEYS` of secret-keys.ts: `ssn`, `cvv`, `session`, `set-cookie`…). The span is the value only: a quoted value to its closing quote, an
 * unquoted one to the first space, quote, `,`, `;`, `&`, `<`, `>` or closing bracket. A value that
 * starts with an HTTP scheme (`Authorization: Bearer x`) is the credential after it. Values that
 * open a structure (`{`, `[`, `(`) are not secrets themselves.
 */

/** Name endings (folded: lowercase letters and digits) whose value is a secret. */
export const ASSIGNMENT_NAME_ENDINGS: readonly string[] = [
  'password', 'passwd', 'pwd', 'passphrase', 'secret', 'token', 'apikey', 'accesskey', 'secretkey', 'privatekey',
  'authkey', 'accountkey', 'credential', 'credentials', 'authorization', 'signature', 'sessionid', 'cookie',
];

/** Names (folded) whose value is a secret, though no longer name ends with them (`pass`, not `bypass`). */
export const ASSIGNMENT_NAMES: readonly string[] = ['pass'];

const isSecretName = nameMatcher(ASSIGNMENT_NAMES, ASSIGNMENT_NAME_ENDINGS);
/** The payload key names that are secret (`DEFAULT_SECRET_KEYS`: `ssn`, `session`, `cookie`…), written in text as well. */
const isSecretKey = secretKeyMatcher();

const SCHEMES = ['bearer', 'basic', 'token', 'digest'];

/** Where the value proper starts: after an HTTP auth scheme and spaces (`Bearer abc` → `abc`). */
function afterScheme(text: string, start: number): number {
  for (const scheme of SCHEMES) {
    if (!foldedAt(text, start, scheme)) continue;
    const spaced = runEnd(text, start + scheme.length, SPACE);
    if (spaced > start + scheme.length) return spaced;
  }
  return start;
}

function scanSeparator(text: string, separator: string, found: (start: number, end: number) => void): void {
  const name: NameSpan = { start: 0, end: 0 };
  eachIndex(text, separator, (at) => {
    nameBefore(text, at, 0, name);
    if (name.end <= name.start || (!isSecretName(text, name) && !isSecretKey(text.slice(name.start, name.end)))) return at + 1;
    const value = valueStart(text, at + 1);
    if (value === undefined) return at + 1;
    const first = text.charCodeAt(value.start);
    if (value.quote === 0 && (first === 123 || first === 91 || first === 40)) return at + 1;
    // `Authorization: Bearer x`: the credential after the scheme (in quotes or not).
    const start = afterScheme(text, value.start);
    const end = valueEnd(text, value.quote === 0 ? { start, quote: 0 } : value, endsFreeValue);
    if (end > start) found(start, end);
    return Math.max(end, at + 1);
  });
}

export const assignmentDetector: Detector = {
  name: 'assignment',
  kind: 'credential',
  scan(text, found) {
    const spans: Array<[number, number]> = [];
    const into = collectInto(spans);
    scanSeparator(text, '=', into);
    scanSeparator(text, ':', into);
    reportInOrder(spans, found);
  },
};
