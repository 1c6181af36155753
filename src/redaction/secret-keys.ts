import { BoundedMap } from '../base/bounded-map.js';
import { DEFAULT_REDACTION_CACHE_SIZE } from '../base/defaults.js';

/**
 * The key names whose values are secret whatever they hold, written in snake_case; a key is
 * compared by its words (see `secretKeyMatcher`), so `api_key` also stands for `apiKey`,
 * `X-API-KEY`, `OPENAI_API_KEY` and `xapikey`. Short single words (`secret`, `session`, `token`,
 * `pin`, `auth`…) match whole words only: as letters inside a word they are parts of ordinary
 * words (`secretary`, `possession`, `tokenizer`, `opinion`, `author`).
 */
export const DEFAULT_SECRET_KEYS: readonly string[] = Object.freeze([
  // Passwords.
  'password', 'passwd', 'pwd', 'pass', 'passphrase', 'passcode',
  // Secrets and keys (`key` alone is too generic: an annotation's own field is named `key`).
  'secret', 'secrets', 'client_secret', 'shared_secret', 'secret_key',
  'api_key', 'private_key', 'access_key', 'signing_key', 'encryption_key', 'master_key',
  'account_key', 'subscription_key', 'license_key', 'auth_key', 'session_key', 'app_key',
  // Tokens (`tokens` alone counts LLM tokens and is not secret).
  'token', 'access_token', 'refresh_token', 'id_token', 'auth_token', 'api_token',
  'session_token', 'security_token', 'bearer', 'jwt', 'csrf', 'xsrf',
  // Authentication headers, cookies, sessions, signatures.
  'auth', 'authorization', 'credential', 'credentials', 'creds', 'cookie', 'cookies',
  'set_cookie', 'session', 'session_id', 'sid', 'signature', 'sig',
  // One-time codes.
  'otp', 'totp', '2fa', 'mfa_code',
  // Payment cards and identity numbers.
  'card_number', 'credit_card', 'cc_number', 'cvv', 'cvc', 'security_code', 'pin',
  'ssn', 'social_security_number',
  // Connection strings (they carry a password).
  'dsn', 'connection_string', 'conn_str', 'database_url',
]);

/**
 * Keys that look secret but are not, allowed by default: the token counts of LLM APIs (OpenAI,
 * Anthropic, Gemini, the Vercel AI SDK, OpenTelemetry `gen_ai`) and ids of vocabulary tokens, so even a user pattern
 * like `/token/i` keeps them. Compared as whole keys, after normalising case and separators.
 */
export const DEFAULT_ALLOWED_KEYS: readonly string[] = Object.freeze([
  'tokens', 'prompt_tokens', 'completion_tokens', 'total_tokens', 'max_tokens',
  'max_completion_tokens', 'max_output_tokens', 'input_tokens', 'output_tokens', 'cached_tokens',
  'reasoning_tokens', 'audio_tokens', 'accepted_prediction_tokens', 'rejected_prediction_tokens',
  'prompt_tokens_details', 'completion_tokens_details', 'cache_creation_input_tokens',
  'cache_read_input_tokens', 'prompt_token_count', 'candidates_token_count', 'total_token_count',
  'cached_content_token_count', 'thoughts_token_count', 'tool_use_prompt_token_count',
  'token_count', 'token_usage', 'token_id', 'token_ids', 'tokenizer',
  'gen_ai.usage.input_tokens', 'gen_ai.usage.output_tokens', 'gen_ai.request.max_tokens',
  // the Vercel AI SDK's usage (`inputTokenDetails: { noCacheTokens, cacheReadTokens, … }`)
  'input_token_details', 'output_token_details',
]);

/**
 * Words that, right after the secret words of a key, make the key metadata about a secret rather
 * than the secret: `token_count`, `api_key_type`, `session_expires_at`, `password_length`,
 * `private_key_path`. Absent on purpose: `id` (`session_id` is a credential), `value`, `hash`
 * (crackable), `header`, `prefix`, `last` and `mask` (they hold the secret or 4+ characters of it).
 */
export const SECRET_KEY_METADATA_WORDS: readonly string[] = Object.freeze([
  'count', 'counts', 'limit', 'limits', 'length', 'len', 'size', 'type', 'types', 'kind',
  'usage', 'budget', 'max', 'min', 'index', 'idx', 'offset', 'offsets', 'position', 'start', 'end',
  'expires', 'expiry', 'expiration', 'expire', 'expired', 'exp', 'ttl', 'lifetime', 'age',
  'duration', 'timeout', 'interval', 'created', 'updated', 'changed', 'issued', 'rotation',
  'version', 'method', 'algorithm', 'alg', 'format', 'encoding', 'pattern', 'policy', 'strength',
  'name', 'names', 'label', 'description', 'provider', 'domain', 'scope', 'scopes', 'status',
  'enabled', 'disabled', 'required', 'optional', 'valid', 'url', 'uri', 'endpoint', 'path', 'file',
  'logprob', 'logprobs', 'prob', 'probs', 'probability', 'score', 'rate', 'ratio',
]);

/** Options of `secretKeyMatcher` (and of `redact()` and `createPipeline({ redactCredentials })`). */
export interface SecretKeyOptions {
  /**
   * Secret key names, replacing `DEFAULT_SECRET_KEYS`. Strings are compared by words (case and
   * separators do not matter); RegExps test the key as written, with their own flags. Default:
   * `DEFAULT_SECRET_KEYS`; `[]` matches no key by name.
   */
  keys?: ReadonlyArray<string | RegExp>;
  /** Secret key names added to `keys` (default: none). */
  extraKeys?: ReadonlyArray<string | RegExp>;
  /**
   * Keys allowed back: never secret, whatever `keys` says. Added to `DEFAULT_ALLOWED_KEYS`.
   * Strings match whole keys only (allowing `session` keeps `session_token` secret); RegExps test
   * the key as written. Default: none.
   */
  allowKeys?: ReadonlyArray<string | RegExp>;
}

/* Character classes of `keyWords` (declared before use: no temporal-dead-zone checks in its loop). */
const SEP = 0;
const LOWER = 1; // lowercase and caseless letters, combining marks
const UPPER = 2;
const DIGIT = 3;
const ASCII = /^[\x00-\x7f]*$/;
const ASCII_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  ASCII_CLASS[c] = c >= 97 && c <= 122 ? LOWER : c >= 65 && c <= 90 ? UPPER : c >= 48 && c <= 57 ? DIGIT : SEP;
}
const LETTER = /^[\p{L}\p{M}]$/u;
const NUMBER = /^\p{N}$/u;

/**
 * The words of a key, lowercased: split at every character that is not a letter or digit
 * (`_`, `-`, `.`, spaces, `/`, zero-width characters…), at camelCase humps (`apiKey`, `APIKey` →
 * `api`, `key`) and between letters and digits (`password2` → `password`, `2`). Non-ASCII keys
 * are NFKC-normalised first (fullwidth `ｐａｓｓｗｏｒｄ` is `password`). Linear in `key.length`.
 *
 * @example keyWords('X-Api_Key') // ['x', 'api', 'key']
 */
export function keyWords(key: string): string[] {
  const ascii = ASCII.test(key);
  const text = ascii ? key : key.normalize('NFKC');
  // ASCII lowercases letter for letter, so words are cut from one lowercased copy.
  const lower = ascii ? text.toLowerCase() : '';
  const words: string[] = [];
  let start = -1; // start of the current word, -1 between words
  let prev = SEP; // class of the previous code point of the current word
  let prevPrev = SEP; // class of the one before it (SEP when the word is shorter)
  let prevIndex = 0; // where the previous code point starts
  for (let i = 0; i < text.length; ) {
    const code = text.charCodeAt(i);
    let cls: number;
    let width = 1;
    if (code < 128) cls = ASCII_CLASS[code]!;
    else {
      width = text.codePointAt(i)! > 0xffff ? 2 : 1;
      cls = classOf(text.slice(i, i + width));
    }
    if (cls === SEP) {
      if (start >= 0) words.push(ascii ? lower.slice(start, i) : text.slice(start, i).toLowerCase());
      start = -1;
    } else if (start < 0) {
      start = i;
    } else if ((cls === DIGIT) !== (prev === DIGIT) || (cls === UPPER && prev === LOWER)) {
      words.push(ascii ? lower.slice(start, i) : text.slice(start, i).toLowerCase());
      start = i;
    } else if (cls === LOWER && prev === UPPER && prevPrev === UPPER) {
      // `APIKey`: the last capital of a run begins the next word.
      words.push(ascii ? lower.slice(start, prevIndex) : text.slice(start, prevIndex).toLowerCase());
      start = prevIndex;
    }
    prevPrev = start === i || start < 0 ? SEP : prev;
    prev = cls;
    prevIndex = i;
    i += width;
  }
  if (start >= 0) words.push(ascii ? lower.slice(start) : text.slice(start).toLowerCase());
  return words;
}

function classOf(codePoint: string): number {
  if (codePoint.toLowerCase() !== codePoint) return UPPER;
  if (LETTER.test(codePoint)) return LOWER;
  return NUMBER.test(codePoint) ? DIGIT : SEP;
}

/**
 * Keys longer than this are decided every time rather than remembered, so the cache holds at
 * most `DEFAULT_REDACTION_CACHE_SIZE` × 256 characters.
 */
const LONGEST_CACHED_KEY = 256;
/** A string entry of this many letters or more also matches glued inside words (`dbpassword`). */
const GLUED_SINGLE_WORD_LENGTH = 8;

/**
 * The decision function for secret key names: true when values under `key` are secret whatever
 * they hold. The rule, on the key's words (`keyWords`):
 * 1. A key is secret when its words contain an entry's words in a row (`api_key` matches
 *    `x-api-key`, `OPENAI_API_KEY`, `xApiKey`, and plural `api_keys`), or its words joined contain
 *    an entry of two or more words, or of 8+ letters, joined (`XAPIKEY`, `dbpassword`,
 *    `passwords`, `accesstokens`, `pass_word`). Shorter single words match whole words only
 *    (`secret` not in `secretary`, `session` not in `possession`, `token` not in `tokenizer`
 *    or `tokens`, `pin` not in `ping`).
 * 2. Unless a metadata word (`SECRET_KEY_METADATA_WORDS`: count, limit, length, type, usage,
 *    expires, name, url, path…) comes right after the secret words: `token_count`, `api_key_type`
 *    and `session_token_expires_at` describe a secret and do not hold it.
 * 3. RegExp entries test the key as written, with their own flags (`g` dropped, so a test has
 *    no state). Allowed entries (`DEFAULT_ALLOWED_KEYS` and `allowKeys`) beat secret ones; a
 *    string allowed entry matches the whole key only, so allowing a name never allows its
 *    compounds. A name you list in `keys`/`extraKeys` is no longer allowed by default.
 *
 * The function never throws: a key whose decision throws (a user RegExp, a non-string key
 * whose conversion throws) is secret (fail closed). `__proto__`, `constructor`, `""` are ordinary
 * keys. Decisions are cached per distinct key up to `DEFAULT_REDACTION_CACHE_SIZE` keys of at
 * most 256 characters (keys repeat across events: a repeated key costs one Map lookup); longer
 * keys are decided in time linear in their length.
 *
 * Throws a `TypeError` at once when an option is not an array of strings and RegExps, or a string
 * entry has no letter or digit (it would match nothing).
 *
 * @example
 * const isSecret = secretKeyMatcher({ extraKeys: ['customerNotes'], allowKeys: ['session'] });
 * isSecret('X-Api-Key') // true
 * isSecret('prompt_tokens') // false
 */
export function secretKeyMatcher(options: SecretKeyOptions = {}): (key: string) => boolean {
  const keys = entries(options.keys ?? DEFAULT_SECRET_KEYS, 'keys');
  const extra = entries(options.extraKeys ?? [], 'extraKeys');
  const allow = entries(options.allowKeys ?? [], 'allowKeys');
  const secret = compileSecret([...keys, ...extra]);
  const userSecretNames = new Set([...keys, ...extra].filter((e) => typeof e === 'string').map(joinedName));
  const allowedNames = new Set<string>();
  for (const name of DEFAULT_ALLOWED_KEYS) if (!userSecretNames.has(joinedName(name))) allowedNames.add(joinedName(name));
  const allowedPatterns: RegExp[] = [];
  for (const entry of allow) {
    if (typeof entry === 'string') allowedNames.add(joinedName(entry));
    else allowedPatterns.push(statelessCopy(entry));
  }

  const decide = (key: string): boolean => {
    for (const pattern of allowedPatterns) if (testAsWritten(pattern, key)) return false;
    const words = keyWords(key);
    const joined = words.join('');
    if (allowedNames.has(joined)) return false;
    for (const pattern of secret.patterns) if (testAsWritten(pattern, key)) return true;
    return words.length > 0 && holdsSecretWords(words, joined, secret);
  };

  const cache = new BoundedMap<string, boolean>(DEFAULT_REDACTION_CACHE_SIZE);
  const decideOnce = (key: string): boolean => {
    let decision: boolean;
    try {
      decision = decide(typeof key === 'string' ? key : String(key));
    } catch {
      decision = true;
    }
    if (typeof key === 'string' && key.length <= LONGEST_CACHED_KEY) cache.set(key, decision);
    return decision;
  };
  return (key: string): boolean => cache.get(key) ?? decideOnce(key);
}

interface SecretEntries {
  /** Word sequences of string entries, by their first word. */
  byFirstWord: Map<string, string[][]>;
  /** Joined forms of string entries that also match glued (two or more words, or a long word). */
  glued: string[];
  /** Whether a text holds any glued form: one native pass before looking for each. */
  anyGlued: RegExp | undefined;
  patterns: RegExp[];
}

function compileSecret(list: ReadonlyArray<string | RegExp>): SecretEntries {
  const byFirstWord = new Map<string, string[][]>();
  const glued = new Set<string>();
  const patterns: RegExp[] = [];
  for (const entry of list) {
    if (typeof entry !== 'string') {
      patterns.push(statelessCopy(entry));
      continue;
    }
    const words = keyWords(entry);
    const first = words[0]!;
    const sequences = byFirstWord.get(first) ?? [];
    if (!sequences.some((s) => s.join(' ') === words.join(' '))) sequences.push(words);
    byFirstWord.set(first, sequences);
    const joined = words.join('');
    if (words.length > 1 || joined.length >= GLUED_SINGLE_WORD_LENGTH) glued.add(joined);
  }
  const anyGlued = glued.size > 0 ? new RegExp([...glued].map(escapeRegExp).join('|')) : undefined;
  return { byFirstWord, glued: [...glued], anyGlued, patterns };
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

const METADATA = new Set(SECRET_KEY_METADATA_WORDS);

/** Rules 1 and 2 of `secretKeyMatcher`: linear in the number of words and characters. */
function holdsSecretWords(words: string[], joined: string, secret: SecretEntries): boolean {
  let covered: Uint8Array | undefined; // 1 for each word inside a secret entry; most keys have none
  for (let i = 0; i < words.length; i++) {
    const sequences = secret.byFirstWord.get(words[i]!);
    if (sequences === undefined) continue;
    for (const sequence of sequences) {
      if (wordsAt(words, i, sequence)) (covered ??= new Uint8Array(words.length)).fill(1, i, i + sequence.length);
    }
  }
  if (secret.anyGlued?.test(joined)) {
    let layout: WordLayout | undefined;
    for (const entry of secret.glued) {
      for (let at = joined.indexOf(entry); at >= 0; at = joined.indexOf(entry, at + 1)) {
        layout ??= wordLayout(words, joined.length);
        const first = layout.wordAt[at]!;
        const end = at + entry.length;
        const last = layout.wordAt[end - 1]!;
        // Inside one word it may end anywhere (`passwords`, `sessionidle`); across words only at
        // a word's end (`pass_word`), or `credential_strength` would hold `credentials`.
        if (first !== last && layout.wordEnd[last] !== end) continue;
        (covered ??= new Uint8Array(words.length)).fill(1, first, last + 1);
      }
    }
  }
  if (covered === undefined) return false;
  // Each run of covered words is a secret unless a metadata word follows it.
  for (let i = 0; i < words.length; i++) {
    if (covered[i] === 0 || covered[i + 1] === 1) continue;
    const next = words[i + 1];
    if (next === undefined || !METADATA.has(next)) return true;
  }
  return false;
}

/** True when `sequence` is at `words[i…]`; the last word of a compound entry may be plural (`api_keys`). */
function wordsAt(words: string[], i: number, sequence: string[]): boolean {
  const last = sequence.length - 1;
  for (let k = 0; k < last; k++) if (words[i + k] !== sequence[k]) return false;
  const word = words[i + last];
  const entry = sequence[last]!;
  return word === entry || (last > 0 && word !== undefined && (word === `${entry}s` || word === `${entry}es`));
}

interface WordLayout {
  /** The index of the word each character of the joined words is in. */
  wordAt: Int32Array;
  /** Where each word ends in the joined words. */
  wordEnd: Int32Array;
}

function wordLayout(words: string[], length: number): WordLayout {
  const wordAt = new Int32Array(length);
  const wordEnd = new Int32Array(words.length);
  let offset = 0;
  words.forEach((word, index) => {
    wordAt.fill(index, offset, offset + word.length);
    offset += word.length;
    wordEnd[index] = offset;
  });
  return { wordAt, wordEnd };
}

/** The whole-key form allowed names are compared in: the words joined (`promptTokens` → `prompttokens`). */
function joinedName(name: string): string {
  return keyWords(name).join('');
}

function entries(list: unknown, option: string): ReadonlyArray<string | RegExp> {
  if (!Array.isArray(list)) throw new TypeError(`${option} must be an array of strings and RegExps, got ${describe(list)}`);
  list.forEach((entry: unknown, i) => {
    if (entry instanceof RegExp) return;
    if (typeof entry !== 'string') throw new TypeError(`${option}[${i}] must be a string or a RegExp, got ${describe(entry)}`);
    if (keyWords(entry).length === 0) {
      throw new TypeError(`${option}[${i}] (${JSON.stringify(entry)}) has no letter or digit, so it would match no key`);
    }
  });
  return list as ReadonlyArray<string | RegExp>;
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

/** The RegExp with its flags but `g`, so `test` keeps no state between keys (`y` still anchors at 0). */
function statelessCopy(pattern: RegExp): RegExp {
  return new RegExp(pattern.source, pattern.flags.replace('g', ''));
}

function testAsWritten(pattern: RegExp, key: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(key);
}
