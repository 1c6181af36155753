import { NAME, collectInto, eachIndex, isAt, reportInOrder, nameBefore, nameMatcher, scanWork, type Detector, type NameSpan } from '../detector.js';

/**
 * Credentials in URLs:
 * - userinfo: `scheme://user:password@host` → the span is `user:password` (the authority's
 *   part before its last `@`); userinfo without a `:` only when it is at least
 *   `MIN_BARE_USERINFO` characters long (a token used as the user: `https://<token>@github.com`),
 *   so `ssh://git@github.com` stays;
 * - query and fragment parameters named like a secret (`?access_token=…`, `&X-Amz-Signature=…`,
 *   `&sig=…`, `?api_key=…`, `?apikey=…`, `?key=…`, `#access_token=…`, `?code=…` — an OAuth
 *   authorization code is a credential until it is redeemed): the span is the value, to the next
 *   `&`, `#`, space, quote or `<` `>`.
 */

const MIN_BARE_USERINFO = 16;

/** Parameter names (folded) that are secret as they are… */
export const URL_SECRET_PARAMS: readonly string[] = ['key', 'sig', 'code', 'auth', 'pass', 'pwd', 'jwt', 'sid', 'session'];
/** …and endings of parameter names that are secret. */
export const URL_SECRET_PARAM_ENDINGS: readonly string[] = [
  'token', 'secret', 'password', 'passwd', 'signature', 'apikey', 'accesskey', 'secretkey', 'privatekey',
  'subscriptionkey', 'accountkey', 'credential', 'credentials', 'sessionid', 'authkey',
];

const isSecretParam = nameMatcher(URL_SECRET_PARAMS, URL_SECRET_PARAM_ENDINGS);

/** Ends an authority (host part) of a URL: not `'` `(` `)` `,` `;` `&` `=` …, which userinfo may hold (RFC 3986 sub-delims). */
function endsAuthority(code: number): boolean {
  return code <= 32 || code === 47 || code === 63 || code === 35 || code === 34 || code === 96 || code === 60 || code === 62 || code === 92;
}

/** Ends a query parameter's value. */
function endsParamValue(code: number): boolean {
  return code <= 32 || code === 38 || code === 35 || code === 34 || code === 39 || code === 96 || code === 60 || code === 62;
}

/**
 * The userinfo of the URL whose `://` is at `at`: found(start, end) when there is one and
 * `anyUserinfo` is true, or it holds a `:`, or it is long. Returns where the authority ends.
 */
export function scanUserinfo(text: string, at: number, anyUserinfo: boolean, found: (start: number, end: number) => void): number {
  const from = at + 3;
  let i = from;
  let lastAt = -1;
  let colon = false;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (endsAuthority(code)) break;
    if (code === 64) lastAt = i;
    else if (code === 58 && lastAt < 0) colon = true;
    i++;
  }
  scanWork.steps += i - from + 1;
  if (lastAt > from && (anyUserinfo || colon || lastAt - from >= MIN_BARE_USERINFO)) found(from, lastAt);
  return i;
}

export const urlDetector: Detector = {
  name: 'url',
  kind: 'credential',
  scan(text, found) {
    const spans: Array<[number, number]> = [];
    const push = collectInto(spans);
    eachIndex(text, '://', (at) => scanUserinfo(text, at, false, push));
    const name: NameSpan = { start: 0, end: 0 };
    eachIndex(text, '=', (at) => {
      if (!isAt(text, at - 1, NAME)) return at + 1;
      nameBefore(text, at, 0, name);
      const before = text.charCodeAt(name.start - 1);
      if (before !== 63 && before !== 38 && before !== 35) return at + 1; // ? & #
      if (!isSecretParam(text, name)) return at + 1;
      let end = at + 1;
      while (end < text.length && !endsParamValue(text.charCodeAt(end))) end++;
      scanWork.steps += end - at;
      if (end > at + 1) push(at + 1, end);
      return end;
    });
    reportInOrder(spans, found);
  },
};
