import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_REDACTION_CACHE_SIZE } from '../../src/base/defaults.js';
import {
  DEFAULT_ALLOWED_KEYS,
  DEFAULT_SECRET_KEYS,
  keyWords,
  SECRET_KEY_METADATA_WORDS,
  secretKeyMatcher,
} from '../../src/redaction/secret-keys.js';

const isSecret = secretKeyMatcher();

/** Key names as people write them: every one holds a secret. */
const SECRET = [
  // The and the design's lists.
  'db_password', 'x-api-key', 'OPENAI_API_KEY', 'aws_secret_access_key', 'auth_token', 'pwd', 'cookie',
  'set-cookie', 'client_secret', 'private_key', 'session', 'authorization', 'proxy-authorization',
  'x-auth-token', 'apiKey', 'APIKEY', 'access_token', 'refresh_token', 'id_token', 'credentials',
  'passphrase', 'secret', 'signature', 'x-amz-security-token', 'sessionId', 'cvv', 'cvc', 'ssn', 'pin',
  'otp', 'card_number', 'creditCard', 'jwt', 'bearer', 'dsn', 'connection_string', 'private-token',
  // Case, separators, camelCase humps, digits, glued words.
  'PASSWORD', 'Password', 'password2', 'PASSWORD_2', '2fa_code', 'X-Api_Key', 'x.api.key', 'x api key',
  '__api_key__', '-api-key-', 'XAPIKEY', 'xapikey', 'OPENAIAPIKEY', 'OpenAIApiKey', 'ApiKEY', 'APIKey',
  'dbpassword', 'DBPASSWORD', 'passWord', 'pass_word', 'passwords', 'api_keys', 'accesstokens',
  'SESSIONID', 'SESSIONid', 'session_id', 'connect.sid', 'OAuthToken', 'oauth_token', 'token',
  'csrf_token', 'X-CSRF-Token', 'page_token', 'Authorization', 'basic_auth', 'auth', 'auth_header',
  'secret_key', 'SECRET_KEY_BASE', 'jwt_secret', 'webhook_secret', 'secrets', 'cookies', 'Set-Cookie',
  'password_hash', 'password_reset_token', 'private_key_id', 'stripe_secret_key', 'github_token',
  'GITHUB_TOKEN', 'HF_TOKEN', 'ANTHROPIC_API_KEY', 'AZURE_STORAGE_ACCOUNT_KEY', 'AccountKey',
  'Ocp-Apim-Subscription-Key', 'cvv2', 'cardNumber', 'CREDITCARDNUMBER', 'cc_number', 'security_code',
  'social_security_number', 'pin_code', 'totp_secret', 'mfa_code', 'DATABASE_URL', 'connectionString',
  'SENTRY_DSN', 'pass', 'user_pass', 'creds', 'x-amz-signature', 'sig', 'X-Hub-Signature-256',
  // Plurals: the last word of a compound entry, and glued forms.
  'api_keys', 'apiKeys', 'client_secrets', 'access_tokens', 'session_ids', 'private_keys', 'PRIVATEKEYS',
  // Hostile spellings: fullwidth letters, zero-width and soft-hyphen separators, unicode glued on.
  'ｐａｓｓｗｏｒｄ', 'pass\u200bword', 'pass\u00adword', 'passwordé', 'мой_password', '🔑password🔑',
  // A secret run not followed by a metadata word, even when another run is.
  'session_token_count_token', 'token_count_password',
];

/** Key names that look secret and are not: LLM token counts, metadata about a secret, ordinary words. */
const NOT_SECRET = [
  'prompt_tokens', 'completion_tokens', 'total_tokens', 'max_tokens', 'cached_tokens', 'reasoning_tokens',
  'input_tokens', 'output_tokens', 'cache_read_input_tokens', 'promptTokenCount', 'candidatesTokenCount',
  'totalTokenCount', 'gen_ai.usage.input_tokens', 'llm.token_count.prompt', 'tokenizer', 'token_count',
  'tokenCount', 'token_usage', 'tokenUsage', 'token_limit', 'token_ids', 'tokenIds', 'tokens',
  'tokens_per_second', 'max_completion_tokens', 'inputTokenDetails', 'outputTokenDetails', 'author', 'authorized', 'authority', 'authored_by',
  'keyboard', 'monkey', 'key', 'keys', 'Key', 'key_id', 'public_key', 'publicKey', 'authorized_keys',
  'passage', 'passenger', 'bypass', 'compass', 'session_count', 'sessionCount', 'secretary', 'secretariat',
  'possession', 'obsession', 'ping', 'opinion', 'shipping', 'mapping', 'classname', 'api_key_type',
  'api_key_name', 'token_type', 'token_type_hint', 'token_url', 'token_uri', 'auth_uri', 'auth_url',
  'auth_provider_x509_cert_url', 'session_token_expires_at', 'token_expires_in', 'password_length',
  'password_policy', 'private_key_path', 'PASSWORD_FILE', 'cookie_max_age', 'cookie_domain',
  'SignatureVersion', 'SignatureMethod', 'secret_name', 'pass_rate', 'pass_count', 'session_timeout_ms',
  'auth_type', 'auth_enabled', 'credential_strength', 'password_strength', 'username', 'user_id', 'email', 'model', 'provider', 'messages', 'content',
  '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype', '', '_', '---', ' ', '🔑',
];

describe('secretKeyMatcher: which key names hold a secret', () => {
  it('catches every secret key name as people write it', () => {
    expect(SECRET.filter((key) => !isSecret(key))).toEqual([]);
  });

  it('keeps token counts, metadata about secrets and ordinary words', () => {
    expect(NOT_SECRET.filter((key) => isSecret(key))).toEqual([]);
  });

  it('catches every default entry, and allows every default allowed key', () => {
    expect(DEFAULT_SECRET_KEYS.filter((key) => !isSecret(key))).toEqual([]);
    expect(DEFAULT_ALLOWED_KEYS.filter((key) => isSecret(key))).toEqual([]);
  });

  it('keys replaces the defaults; extraKeys adds to them', () => {
    const only = secretKeyMatcher({ keys: ['customerNotes'] });
    expect(['customer_notes', 'CUSTOMER-NOTES', 'customernotes', 'password'].map(only)).toEqual([true, true, true, false]);
    const none = secretKeyMatcher({ keys: [] });
    expect(['password', 'api_key', 'token'].map(none)).toEqual([false, false, false]);
    const more = secretKeyMatcher({ extraKeys: ['orderRef', /^x-internal-/] });
    expect(['order_ref', 'X-ORDER-REF', 'x-internal-id', 'password', 'orders'].map(more)).toEqual([true, true, true, true, false]);
  });

  it('RegExp entries test the key as written and keep their flags; g keeps no state', () => {
    const exact = secretKeyMatcher({ keys: [/^X-Tenant$/] });
    expect(['X-Tenant', 'x-tenant', 'X_Tenant'].map(exact)).toEqual([true, false, false]);
    const anyCase = secretKeyMatcher({ keys: [/^X-Tenant$/i] });
    expect(['X-Tenant', 'x-tenant', 'X_Tenant'].map(anyCase)).toEqual([true, true, false]);
    const global = /tenant/g;
    const stateless = secretKeyMatcher({ keys: [global] });
    // Distinct keys (no cache hit): a stateful /g regex would fail every other one.
    expect(['tenant', 'tenant1', 'tenant2', 'tenant3'].map(stateless)).toEqual([true, true, true, true]);
    expect(global.lastIndex).toBe(0);
  });

  it('allowKeys beat keys, and match whole keys only', () => {
    const m = secretKeyMatcher({ allowKeys: ['session', /^x-public-/i] });
    expect(['session', 'Session', 'SESSION', 'session_token', 'user_session', 'X-Public-Token', 'x-token'].map(m)).toEqual([
      false, false, false, true, true, false, true,
    ]);
    expect(secretKeyMatcher({ keys: [/token/i] })('prompt_tokens')).toBe(false);
    expect(secretKeyMatcher({ keys: [/token/i] })('next_tokens')).toBe(true);
  });

  it('a name listed in keys or extraKeys is no longer allowed by default', () => {
    expect(secretKeyMatcher({ extraKeys: ['tokens'] })('tokens')).toBe(true);
    expect(secretKeyMatcher({ extraKeys: ['tokens'] })('prompt_tokens')).toBe(false);
    expect(secretKeyMatcher({ extraKeys: ['tokens'], allowKeys: ['tokens'] })('tokens')).toBe(false);
  });

  it('rejects options it cannot use, with what is wrong', () => {
    const bad = (options: unknown) => () => secretKeyMatcher(options as never);
    expect(bad({ keys: 'password' })).toThrow(new TypeError('keys must be an array of strings and RegExps, got string'));
    expect(bad({ extraKeys: ['ok', 42] })).toThrow(new TypeError('extraKeys[1] must be a string or a RegExp, got number'));
    expect(bad({ allowKeys: [null] })).toThrow(new TypeError('allowKeys[0] must be a string or a RegExp, got null'));
    expect(bad({ extraKeys: ['__'] })).toThrow(new TypeError('extraKeys[0] ("__") has no letter or digit, so it would match no key'));
  });

  it('never throws: a key whose decision throws is secret (fail closed)', () => {
    const throwing = /x/;
    throwing.test = () => {
      throw new Error('boom');
    };
    // The matcher copies RegExps, so a hostile `test` on the original cannot run...
    expect(secretKeyMatcher({ keys: [throwing] })('x')).toBe(true);
    // ...and a key whose conversion to string throws is secret.
    const hostileKey = { toString: () => { throw new Error('no'); } } as unknown as string;
    expect(isSecret(hostileKey)).toBe(true);
    expect(isSecret(Symbol('password') as unknown as string)).toBe(true);
    expect(isSecret(Symbol('label') as unknown as string)).toBe(false);
    expect(isSecret(42 as unknown as string)).toBe(false);
    expect(isSecret(undefined as unknown as string)).toBe(false);
  });

  it('decides huge keys in linear time, and does not keep them', () => {
    const hugeSecret = `${'a_'.repeat(500_000)}password`;
    const hugeClean = 'aB1-'.repeat(250_000);
    const gluedRepeats = 'password'.repeat(125_000);
    expect([hugeSecret, hugeClean, gluedRepeats, 'x'.repeat(10_000), `${'A'.repeat(10_000)}pi_key`].map(isSecret)).toEqual([
      true, false, true, false, true,
    ]);
    expect([`password_${'count_'.repeat(2000)}`, `${'count_'.repeat(2000)}password`].map(isSecret)).toEqual([false, true]);
    // Near misses of glued and word-sequence entries, a million characters each.
    const nearMiss = secretKeyMatcher({ extraKeys: ['aaaaaaaaab', 'a_a_a_a_b'] });
    expect(['a'.repeat(1_000_000), 'a_'.repeat(500_000), 'passwor'.repeat(140_000), '𝐏a'.repeat(500_000)].map(nearMiss)).toEqual([
      false, false, false, false,
    ]);
  });

  it('remembers a bounded number of keys, deciding the same after forgetting', () => {
    const m = secretKeyMatcher();
    expect(m('db_password')).toBe(true);
    for (let i = 0; i < DEFAULT_REDACTION_CACHE_SIZE + 10; i++) m(`field_${i}`);
    expect([m('db_password'), m('field_0'), m('prompt_tokens')]).toEqual([true, false, false]);
  });
});

describe('keyWords: the words of a key', () => {
  it('splits at separators, camelCase humps and digits, lowercased', () => {
    const cases: Record<string, string[]> = {
      'X-Api_Key': ['x', 'api', 'key'],
      apiKey: ['api', 'key'],
      APIKey: ['api', 'key'],
      APIKEY: ['apikey'],
      XMLHttpRequest: ['xml', 'http', 'request'],
      OAuthToken: ['o', 'auth', 'token'],
      sessionID: ['session', 'id'],
      password2: ['password', '2'],
      '2fa_code': ['2', 'fa', 'code'],
      v2Token: ['v', '2', 'token'],
      '__proto__': ['proto'],
      'gen_ai.usage.input_tokens': ['gen', 'ai', 'usage', 'input', 'tokens'],
      ' --a--  ': ['a'],
      '': [],
      'ｐａｓｓｗｏｒｄ': ['password'],
      'pass\u200bword': ['pass', 'word'],
      'мойПароль': ['мой', 'пароль'],
      '日本語key': ['日本語key'],
      'Ünïcode_Straße': ['ünïcode', 'straße'],
      '𝐏𝐚𝐬𝐬𝐰𝐨𝐫𝐝': ['password'],
      '\ud800password\udfff': ['password'],
    };
    expect(Object.fromEntries(Object.keys(cases).map((key) => [key, keyWords(key)]))).toEqual(cases);
  });

  it('keeps exactly the letters and digits of an ASCII key, in order', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii' }), (key) => {
        const words = keyWords(key);
        return words.every((w) => w.length > 0) && words.join('') === key.toLowerCase().replace(/[^a-z0-9]/g, '');
      }),
      { numRuns: 5000 },
    );
  });
});

/** A default entry as someone might write it: each word in some case, joined by some separator. */
function writtenAs(entry: string): fc.Arbitrary<string> {
  const words = keyWords(entry);
  const casing = fc.constantFrom<(w: string) => string>(
    (w) => w,
    (w) => w.toUpperCase(),
    (w) => w.charAt(0).toUpperCase() + w.slice(1),
  );
  const separator = fc.constantFrom('_', '-', '.', ' ', '__', '', '/', ':');
  const edge = fc.constantFrom('', '_', '-', '__', ' ', '$', '@');
  return fc
    .tuple(fc.array(casing, { minLength: words.length, maxLength: words.length }), separator, edge, edge)
    .map(([cases, sep, lead, trail]) => {
      // Digits split words anyway; joining two lowercase words with '' keeps one word (glued form).
      const written = words.map((w, i) => cases[i]!(w)).join(sep);
      return `${lead}${written}${trail}`;
    });
}

const wordSafe = fc.constantFrom('my', 'db', 'x', 'user', 'OPENAI', 'Primary', 'new', 'old', 'value', 'data');

describe('secretKeyMatcher: properties', () => {
  it('every case and separator variation of every default entry is secret, alone or in a compound', () => {
    for (const entry of DEFAULT_SECRET_KEYS) {
      fc.assert(
        fc.property(writtenAs(entry), fc.option(wordSafe), fc.option(wordSafe), (key, before, after) => {
          const compound = [before, key, after].filter((p) => p !== null).join('_');
          return isSecret(key) && isSecret(compound);
        }),
        { numRuns: 200 },
      );
    }
  });

  it('every case and separator variation of an allowed key is allowed, even under a catch-all pattern', () => {
    const catchAll = secretKeyMatcher({ extraKeys: [/.*/] });
    for (const entry of DEFAULT_ALLOWED_KEYS) {
      fc.assert(
        fc.property(writtenAs(entry), (key) => !isSecret(key) && !catchAll(key)),
        { numRuns: 100 },
      );
    }
  });

  it('a metadata word right after a secret word makes the key metadata; before it, not', () => {
    const singleWordSecrets = DEFAULT_SECRET_KEYS.filter((e) => keyWords(e).length === 1);
    const wrong: string[] = [];
    for (const secret of singleWordSecrets) {
      for (const meta of SECRET_KEY_METADATA_WORDS) {
        if (isSecret(`${secret}_${meta}`)) wrong.push(`${secret}_${meta}`);
        if (!isSecret(`${meta}_${secret}`)) wrong.push(`${meta}_${secret}`);
        if (!isSecret(`${secret}_${meta}_${secret}`)) wrong.push(`${secret}_${meta}_${secret}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('never throws on any string, and a cached decision equals a fresh one', () => {
    const warm = secretKeyMatcher();
    const piece = fc.constantFrom(...DEFAULT_SECRET_KEYS, ...DEFAULT_ALLOWED_KEYS, ...SECRET_KEY_METADATA_WORDS, '_', '-', 'A', '2', 'é', '\u200b');
    const key = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: 'grapheme' }),
      fc.array(piece, { maxLength: 6 }).map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(key, (k) => {
        const first = warm(k);
        return typeof first === 'boolean' && warm(k) === first && secretKeyMatcher()(k) === first;
      }),
      { numRuns: 5000 },
    );
  });
});
