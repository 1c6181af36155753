import fc from 'fast-check';
import { touchesBackground } from './leaks.js';
import {
  ALNUM, B64, B64URL, DATABASES, PUBLIC_JWT_HEADERS, DIGITS, HEX, HOSTS, LOWER, PASSWORD_CHARS, PLAIN_SECRET_WORDS, PORTS, UPPER_B32, URL_USERS, USERINFO_CHARS, chars,
} from './vocabulary.js';

/**
 * Generators of realistic secrets, one per kind of issue 15 §3. Each secret knows its `parts`: the
 * text that is secret, every 4-character window of which is a leak. Public, fixed text is not
 * in them: provider prefixes (`sk-`, `sk-proj-`, `sk-ant-api03-`, `AKIA`/`ASIA`, `ghp_`,
 * `github_pat_`, `sk_live_`, `xoxb-`, `AIza`), the JWT header, the auth scheme word, PEM armour,
 * URL schemes, user names, hosts, ports and database names, parameter and key names
 * (`password=`, `X-Amz-Signature=`), country codes of phone numbers.
 *
 * | kind | text | parts (secret) |
 * |---|---|---|
 * | openai | `sk-` + 48 alnum | the 48 |
 * | openai-project | `sk-proj-`/`sk-svcacct-`/`sk-admin-` + 40–120 base64url | after the prefix |
 * | anthropic | `sk-ant-api03-` + 93 base64url + `AA` | after the prefix |
 * | aws-access-key | `AKIA`/`ASIA` + 16 base32 | the 16 |
 * | aws-secret-key | 40 base64 next to an access key or a label | the access key's 16 and the 40 |
 * | github | `ghp_`/`gho_`/`ghs_`/`ghu_`/`ghr_` + 36 alnum | the 36 |
 * | github-pat | `github_pat_` + 22 + `_` + 59 alnum | after the prefix |
 * | stripe | `sk_live_`/`rk_live_` + 24–99 alnum | after the prefix |
 * | slack | `xoxb-`/`xoxp-`/`xoxa-`/`xoxs-` + digits-digits-24 alnum | after the prefix |
 * | google | `AIza` + 35 base64url | the 35 |
 * | jwt | header.payload.signature | payload.signature (the header is a public constant) |
 * | jwt-unsigned | `alg: none` header.payload. | payload |
 * | bearer | `Bearer`/`bearer`/`BEARER` + token | the token |
 * | basic | `Basic`/`basic`/`BASIC` + base64(user:pass) | the base64 |
 * | pem | `-----BEGIN … PRIVATE KEY-----` + base64 lines | each body line |
 * | url-userinfo | `scheme://user:pass@host/path` | pass (the user name is not secret) |
 * | url-query | `https://host/p?…param=value…` (param like token/key/secret/password/signature) | value |
 * | assignment | `password=v`, `secret: v`, `api_key="v"` in free text | v |
 * | connection-url | postgres/mysql/mongodb(+srv)/redis/amqp URLs | the password |
 * | connection-kv | `Server=…;Password=v;`, `AccountKey=v` | v |
 * | email | local@domain | the whole address |
 * | card | 13–19 Luhn-valid digits, separators ` `, `-`, `.` or none | as written, and its digits |
 * | phone | US, UK, PT, DE, FR formats | the number after the country code, as written and as digits |
 * | keyed | `hunter2x`, `correct horse`… (under a secret key name) | each word |
 */

export type SecretFamily = 'credential' | 'pii' | 'keyed';

export interface Secret {
  readonly kind: SecretKind;
  readonly family: SecretFamily;
  /** The secret as it appears in the input. */
  readonly text: string;
  /** Its secret text (see the table above). */
  readonly parts: readonly string[];
  /** Public text whose windows are not secret even where a part has them (JWT headers). */
  readonly publicParts?: readonly string[];
  /** Cards: the card as a JS number, when it is exactly one. */
  readonly asNumber?: number;
}

const pick = <T>(list: readonly T[]) => fc.constantFrom(...list);
const b64url = (text: string) => Buffer.from(text).toString('base64url');

type Drawn = { text: string; parts: string[]; publicParts?: readonly string[]; asNumber?: number };

function secret(kind: SecretKind, family: SecretFamily, arb: fc.Arbitrary<Drawn>): fc.Arbitrary<Secret> {
  return arb.filter((s) => !touchesBackground(s.parts, s.publicParts)).map((s) => Object.freeze({ kind, family, ...s }));
}

const prefixed = (kind: SecretKind, prefixes: readonly string[], body: fc.Arbitrary<string>) =>
  secret(kind, 'credential', fc.tuple(pick(prefixes), body).map(([p, b]) => ({ text: p + b, parts: [b] })));

const awsAccess = fc.tuple(pick(['AKIA', 'ASIA']), chars(UPPER_B32, 16));

const [UNSIGNED_HEADER, ...JWT_HEADERS] = PUBLIC_JWT_HEADERS as [string, ...string[]];
const jwtClaims = fc
  .tuple(chars(ALNUM, 8, 24), fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }), fc.boolean(), chars(LOWER, 4, 10))
  .map(([sub, iat, named, name]) => b64url(JSON.stringify(named ? { sub, name, iat } : { sub, iat, exp: iat + 3600 })));

function luhnComplete(digits: string): string {
  for (let check = 0; check < 10; check++) {
    const candidate = digits + check;
    let sum = 0;
    for (let i = 0; i < candidate.length; i++) {
      let d = candidate.charCodeAt(candidate.length - 1 - i) - 48;
      if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
    if (sum % 10 === 0) return candidate;
  }
  throw new Error('unreachable');
}

/** Brands: prefix, length, grouping. */
const CARD_BRANDS: ReadonlyArray<readonly [string, number, readonly number[]]> = [
  ['4', 16, [4, 4, 4, 4]],
  ['4', 13, [4, 4, 5]],
  ['51', 16, [4, 4, 4, 4]],
  ['55', 16, [4, 4, 4, 4]],
  ['2221', 16, [4, 4, 4, 4]],
  ['34', 15, [4, 6, 5]],
  ['37', 15, [4, 6, 5]],
  ['6011', 16, [4, 4, 4, 4]],
  ['36', 14, [4, 6, 4]],
  ['4', 19, [4, 4, 4, 4, 3]],
];

function group(digits: string, sizes: readonly number[], separator: string): string {
  const out: string[] = [];
  let at = 0;
  for (const size of sizes) {
    out.push(digits.slice(at, at + size));
    at += size;
  }
  return out.join(separator);
}

/** A URL password: userinfo characters, sometimes with a %-encoded one (`%40` is `@`). */
const urlPassword = fc
  .tuple(chars(USERINFO_CHARS, 4, 12), fc.constantFrom('', '%40', '%23', '%2F', '%3A'), chars(USERINFO_CHARS, 4, 12))
  .map(([a, encoded, b]) => a + encoded + b);

const d = (n: number, first = DIGITS) => fc.tuple(chars(first, 1), chars(DIGITS, n - 1)).map(([a, b]) => a + b);

/** [country code with its separator, local number as written]. */
const PHONE_FORMATS: fc.Arbitrary<[string, string]> = fc.oneof(
  fc.tuple(d(3, '23456789'), d(3, '23456789'), d(4)).chain(([a, b, c]) =>
    pick<[string, string]>([
      ['', `(${a}) ${b}-${c}`],
      ['', `${a}-${b}-${c}`],
      ['', `${a}.${b}.${c}`],
      ['+1 ', `${a} ${b} ${c}`],
      ['+1-', `${a}-${b}-${c}`],
      ['+1', `${a}${b}${c}`],
      ['+1 ', `(${a}) ${b}-${c}`],
    ]),
  ),
  fc.tuple(d(4), d(4)).map(([a, b]): [string, string] => ['+44 ', `20 ${a} ${b}`]),
  fc.tuple(d(3), d(6)).map(([a, b]): [string, string] => ['+44 ', `7${a} ${b}`]),
  fc.tuple(d(2), d(3), d(3)).map(([a, b, c]): [string, string] => ['+351 ', `9${a} ${b} ${c}`]),
  d(8).map((a): [string, string] => ['+49 ', `30 ${a}`]),
  fc.tuple(d(2), d(2), d(2), d(2)).map(([a, b, c, e]): [string, string] => ['+33 ', `6 ${a} ${b} ${c} ${e}`]),
);

/** A value no detector would call secret: a password word with a few letters or digits, or two words. */
export const plainSecretValue = fc.oneof(
  fc.tuple(pick(PLAIN_SECRET_WORDS), chars(LOWER + DIGITS, 2, 4)).map(([w, s]) => w + s),
  fc.tuple(pick(PLAIN_SECRET_WORDS), pick(PLAIN_SECRET_WORDS), chars(LOWER, 2, 3)).map(([a, b, s]) => `${a} ${b}${s}`),
  chars(PASSWORD_CHARS, 8, 20),
);

const ASSIGNMENT_NAMES = ['password', 'Password', 'PASSWORD', 'passwd', 'pwd', 'secret', 'client_secret', 'api_key', 'apiKey', 'token', 'access_token', 'db_password'];
const ASSIGNMENT_OPERATORS = ['=', ': ', ' = ', ':', ' : '];
const QUERY_PARAMS = ['access_token', 'token', 'api_key', 'apikey', 'key', 'secret', 'client_secret', 'password', 'X-Amz-Signature', 'X-Amz-Security-Token', 'sig', 'signature', 'id_token', 'refresh_token', 'auth'];

export const SECRET_KINDS = [
  'openai', 'openai-project', 'anthropic', 'aws-access-key', 'aws-secret-key', 'github', 'github-pat', 'stripe', 'slack', 'google',
  'jwt', 'jwt-unsigned', 'bearer', 'basic', 'pem', 'url-userinfo', 'url-query', 'assignment', 'connection-url', 'connection-kv',
  'email', 'card', 'phone', 'keyed',
] as const;
export type SecretKind = (typeof SECRET_KINDS)[number];

export const SECRETS: Record<SecretKind, fc.Arbitrary<Secret>> = {
  openai: prefixed('openai', ['sk-'], chars(ALNUM, 48)),
  'openai-project': prefixed('openai-project', ['sk-proj-', 'sk-svcacct-', 'sk-admin-'], chars(B64URL, 40, 120)),
  anthropic: prefixed('anthropic', ['sk-ant-api03-'], chars(B64URL, 93).map((b) => b + 'AA')),
  'aws-access-key': secret('aws-access-key', 'credential', awsAccess.map(([p, b]) => ({ text: p + b, parts: [b] }))),
  'aws-secret-key': secret(
    'aws-secret-key',
    'credential',
    fc
      .tuple(awsAccess, chars(B64, 40), fc.integer({ min: 0, max: 7 }))
      .map(([[p, id], key, form]) => {
        const access = p + id;
        const texts = [
          `${access} ${key}`,
          `${access}:${key}`,
          `${access},${key}`,
          `${access}\n${key}`,
          `aws_access_key_id=${access}\naws_secret_access_key=${key}`,
          `{"AccessKeyId":"${access}","SecretAccessKey":"${key}"}`,
          `AWS_ACCESS_KEY_ID=${access} AWS_SECRET_ACCESS_KEY=${key}`,
          `aws_secret_access_key = ${key}`,
        ];
        return { text: texts[form]!, parts: form === 7 ? [key] : [id, key] };
      }),
  ),
  github: prefixed('github', ['ghp_', 'gho_', 'ghs_', 'ghu_', 'ghr_'], chars(ALNUM, 36)),
  'github-pat': prefixed('github-pat', ['github_pat_'], fc.tuple(chars(ALNUM, 22), chars(ALNUM, 59)).map(([a, b]) => `${a}_${b}`)),
  stripe: prefixed('stripe', ['sk_live_', 'rk_live_'], chars(ALNUM, 24, 99)),
  slack: prefixed(
    'slack',
    ['xoxb-', 'xoxp-', 'xoxa-', 'xoxs-'],
    fc.tuple(chars(DIGITS, 10, 13), chars(DIGITS, 10, 13), chars(ALNUM, 24)).map(([a, b, c]) => `${a}-${b}-${c}`),
  ),
  google: prefixed('google', ['AIza'], chars(B64URL, 35)),
  jwt: secret(
    'jwt',
    'credential',
    fc.tuple(pick(JWT_HEADERS), jwtClaims, chars(B64URL, 43, 86)).map(([h, p, s]) => ({ text: `${h}.${p}.${s}`, parts: [`${p}.${s}`], publicParts: PUBLIC_JWT_HEADERS })),
  ),
  'jwt-unsigned': secret(
    'jwt-unsigned',
    'credential',
    jwtClaims.map((p) => ({ text: `${UNSIGNED_HEADER}.${p}.`, parts: [p], publicParts: PUBLIC_JWT_HEADERS })),
  ),
  bearer: secret(
    'bearer',
    'credential',
    fc
      .tuple(pick(['Bearer', 'bearer', 'BEARER', 'BeArEr']), pick([' ', '  ']), chars(ALNUM + '-._~+/', 16, 64), pick(['', '=', '==']))
      .map(([scheme, space, token, pad]) => ({ text: `${scheme}${space}${token}${pad}`, parts: [token + pad] })),
  ),
  basic: secret(
    'basic',
    'credential',
    fc
      .tuple(pick(['Basic', 'basic', 'BASIC']), pick(URL_USERS), chars(PASSWORD_CHARS, 8, 24))
      .map(([scheme, user, pass]) => {
        const encoded = Buffer.from(`${user}:${pass}`).toString('base64');
        return { text: `${scheme} ${encoded}`, parts: [encoded] };
      }),
  ),
  pem: secret(
    'pem',
    'credential',
    fc
      .tuple(pick(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'OPENSSH PRIVATE KEY', 'ENCRYPTED PRIVATE KEY']), fc.array(chars(B64, 64), { minLength: 1, maxLength: 4 }), chars(B64, 8, 60), pick(['\n', '\r\n']))
      .map(([type, full, last, nl]) => {
        const lines = [...full, last + '='];
        return { text: `-----BEGIN ${type}-----${nl}${lines.join(nl)}${nl}-----END ${type}-----`, parts: lines };
      }),
  ),
  'url-userinfo': secret(
    'url-userinfo',
    'credential',
    fc
      .tuple(pick(['https', 'http', 'ftp', 'sftp', 'wss']), pick(URL_USERS), urlPassword, pick(HOSTS), pick(['', '/', '/v1/items', ':8443/path']))
      .map(([scheme, user, pass, host, path]) => ({ text: `${scheme}://${user}:${pass}@${host}${path}`, parts: [pass] })),
  ),
  'url-query': secret(
    'url-query',
    'credential',
    fc
      .tuple(pick(HOSTS), pick(QUERY_PARAMS), fc.oneof(chars(ALNUM + '-_.', 16, 64), chars(HEX, 64)), pick(['?', '?page=2&', '?a=1&b=x&']), pick(['', '&page=2', '#top']))
      .map(([host, param, value, before, after]) => ({ text: `https://${host}/v1/files${before}${param}=${value}${after}`, parts: [value] })),
  ),
  assignment: secret(
    'assignment',
    'credential',
    fc
      .tuple(pick(ASSIGNMENT_NAMES), pick(ASSIGNMENT_OPERATORS), pick(['', '"', "'"]), plainSecretValue)
      .map(([name, op, quote, value]) => {
        // Unquoted, a value ends at the first space: only quoted values may hold one.
        const v = quote === '' ? value.replace(/ /g, '_') : value;
        return { text: `${name}${op}${quote}${v}${quote}`, parts: v.split(' ') };
      }),
  ),
  'connection-url': secret(
    'connection-url',
    'credential',
    fc
      .tuple(fc.integer({ min: 0, max: 7 }), pick(URL_USERS), urlPassword, pick(HOSTS), pick(PORTS), pick(DATABASES))
      .map(([form, user, pass, host, port, db]) => {
        const texts = [
          `postgres://${user}:${pass}@${host}:${port}/${db}`,
          `postgresql://${user}:${pass}@${host}/${db}?sslmode=require`,
          `mysql://${user}:${pass}@${host}:${port}/${db}`,
          `mongodb://${user}:${pass}@${host}:${port}/${db}?authSource=admin`,
          `mongodb+srv://${user}:${pass}@${host}/${db}?retryWrites=true&w=majority`,
          `redis://:${pass}@${host}:${port}/0`,
          `rediss://default:${pass}@${host}:${port}`,
          `amqp://${user}:${pass}@${host}:${port}/${db}`,
        ];
        return { text: texts[form]!, parts: [pass] };
      }),
  ),
  'connection-kv': secret(
    'connection-kv',
    'credential',
    fc
      .tuple(fc.integer({ min: 0, max: 3 }), pick(URL_USERS), chars(PASSWORD_CHARS.replace(/[;=]/g, ''), 8, 24), pick(HOSTS), pick(DATABASES), chars(B64, 86))
      .map(([form, user, pass, host, db, accountKey]) => {
        if (form === 3) {
          const key = accountKey + '==';
          return { text: `DefaultEndpointsProtocol=https;AccountName=${db}store;AccountKey=${key};EndpointSuffix=core.windows.net`, parts: [key] };
        }
        const texts = [
          `Server=tcp:${host},1433;Database=${db};User Id=${user};Password=${pass};`,
          `Data Source=${host};Initial Catalog=${db};User ID=${user};Pwd=${pass};Encrypt=True`,
          `Host=${host};Port=5432;Username=${user};Password=${pass};Database=${db}`,
        ];
        return { text: texts[form]!, parts: [pass] };
      }),
  ),
  email: secret(
    'email',
    'pii',
    fc
      .tuple(chars(LOWER, 3, 8), pick(['.', '_', '+', '']), chars(LOWER + DIGITS, 2, 6), chars(LOWER, 4, 10), pick(['com', 'org', 'io', 'co.uk', 'pt']))
      .map(([a, sep, b, domain, tld]) => {
        const text = `${a}${sep}${b}@${domain}.${tld}`;
        return { text, parts: [text] };
      }),
  ),
  card: secret(
    'card',
    'pii',
    fc.tuple(pick(CARD_BRANDS), chars(DIGITS, 18), pick([' ', '-', '.', ''])).map(([[prefix, length, sizes], fill, separator]) => {
      const digits = luhnComplete((prefix + fill).slice(0, length - 1));
      const text = group(digits, sizes, separator);
      const n = Number(digits);
      return { text, parts: separator === '' ? [digits] : [text, digits], ...(Number.isSafeInteger(n) ? { asNumber: n } : {}) };
    }),
  ),
  phone: secret(
    'phone',
    'pii',
    PHONE_FORMATS.map(([cc, local]) => ({ text: cc + local, parts: [local, local.replace(/\D/g, '')] })),
  ),
  keyed: secret('keyed', 'keyed', plainSecretValue.map((v) => ({ text: v, parts: v.split(' ') }))),
};

export const CREDENTIAL_KINDS = SECRET_KINDS.filter((k) => k !== 'email' && k !== 'card' && k !== 'phone' && k !== 'keyed');
export const PII_KINDS: readonly SecretKind[] = ['email', 'card', 'phone'];
