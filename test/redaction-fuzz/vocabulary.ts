import fc from 'fast-check';

/**
 * The fixed text the fuzz puts around secrets (filler words, key names, hosts, user names…) and
 * the seeded random strings secrets are made of. Every fixed string here is "background": the
 * leak check must never see a 4-character window of a secret's random part in it, so generated
 * secrets whose random part shares one with the background are rejected (see `touchesBackground`).
 */

export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const B64URL = ALNUM + '-_';
export const B64 = ALNUM + '+/';
export const UPPER_B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const DIGITS = '0123456789';
export const LOWER = 'abcdefghijklmnopqrstuvwxyz';
export const HEX = '0123456789abcdef';
/** Characters people put in passwords, minus the ones JSON escapes (`"`, `\`) and whitespace. */
export const PASSWORD_CHARS = ALNUM + '!#%*-._~';
/** Characters a URL's userinfo may hold unencoded (RFC 3986 unreserved and sub-delims, but `:`); others are %-encoded. */
export const USERINFO_CHARS = ALNUM + "-._~!$&'()*+,;=";

/** mulberry32: a tiny deterministic generator, so one fast-check integer seeds a whole string. */
export function prng(seed: number): () => number {
  let x = seed | 0;
  return () => {
    x = (x + 0x6d2b79f5) | 0;
    let t = Math.imul(x ^ (x >>> 15), 1 | x);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomText(next: () => number, alphabet: string, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet[Math.floor(next() * alphabet.length)];
  return text;
}

/**
 * A seeded random string of `alphabet` with a length in [min, max]: one fast-check integer picks
 * the characters (cheap: 50,000 payloads of secrets would cost seconds drawn char by char).
 */
export function chars(alphabet: string, min: number, max = min): fc.Arbitrary<string> {
  // noBias: fast-check's bias would draw the same small seeds (0, 1, -1) again and again.
  return fc.tuple(fc.integer({ min, max }), fc.noBias(fc.integer())).map(([length, seed]) => randomText(prng(seed), alphabet, length));
}

/** Words of ordinary prose around secrets. */
export const FILLER_WORDS = [
  'the', 'order', 'shipped', 'today', 'please', 'check', 'status', 'weather', 'in', 'Lisbon', 'user', 'said',
  'call', 'back', 'later', 'retry', 'failed', 'with', 'and', 'then', 'see', 'log', 'for', 'details', 'note',
  'value', 'is', 'here', 'ok', 'got', 'from', 'server', 'use', 'this', 'one', 'not', 'that', 'sent', 'to',
];

/** Letters glued right before a secret (`xsk-…`, `tokenAKIA…`): no word boundary in front of it. */
export const GLUE_PREFIXES = ['x', 'a', 'key', 'token', 'id', 'Z', 'tok', 'val'];

/** Key names that hold no secret, for the benign side of payloads. */
export const BENIGN_KEYS = ['query', 'note', 'data', 'items', 'meta', 'body', 'text', 'info', 'detail', 'extra', 'ref', 'm', 's', 'err', 'headers'];

/**
 * Secret key names in the spellings people use (issue §2; the design's must-hold list): the
 * value under any of them is secret whatever it looks like.
 */
export const SECRET_KEY_NAMES = [
  'db_password', 'dbPassword', 'DB-PASSWORD', 'x-api-key', 'X-API-KEY', 'X_API_KEY', 'xApiKey', 'OPENAI_API_KEY', 'openaiApiKey',
  'aws_secret_access_key', 'AWS_SECRET_ACCESS_KEY', 'awsSecretAccessKey', 'auth_token', 'authToken', 'AUTH-TOKEN', 'pwd', 'PWD',
  'Cookie', 'cookie', 'set-cookie', 'Set-Cookie', 'client_secret', 'clientSecret', 'CLIENT_SECRET', 'private_key', 'privateKey',
  'PRIVATE-KEY', 'session', 'Session', 'authorization', 'Authorization', 'apiKey', 'api_key', 'API_KEY', 'access_token',
  'accessToken', 'refresh_token', 'refreshToken', 'credentials', 'Credentials', 'passphrase', 'cvv', 'CVV', 'ssn', 'SSN', 'password',
  'Password', 'PASSWORD', 'secret',
];

/** Values under secret keys that no detector would flag (`hunter2x`, `correct horse`): only the key says they are secret. */
export const PLAIN_SECRET_WORDS = ['hunter', 'correct', 'horse', 'battery', 'staple', 'dragon', 'sunshine', 'letmein', 'qwerty', 'Tr0ub4dor', 'opensesame', 'zebra', 'mango', 'violet'];

export const URL_USERS = ['admin', 'root', 'deploy', 'app', 'svc', 'reader', 'postgres', 'default'];
export const HOSTS = ['db.internal', 'api.example.net', 'cache.local', 'cluster0.mongodb.net', 'mq.corp.lan', 'files.example.org', 'storage.example.io'];
export const DATABASES = ['orders', 'main', 'analytics', 'app'];
export const PORTS = ['5432', '3306', '6379', '5672', '27017', '1433', '443'];

/** What optrail, the wire format and the redactors write themselves. */
export const STRUCTURE = [
  'event_id', 'request_id', 'kind', 'op_name', 'ctx', 'timestamp', 'seq', 'payload', 'inputs', 'outputs', 'yielded', 'idx',
  'status', 'duration_ms', 'yield_count', 'error', 'message', 'stack', 'type', 'code', 'cause', 'cause_truncated', 'key',
  'value', 'name', 'model', 'provider', 'prompt_tokens', 'completion_tokens', 'total_tokens', 'cost_usd', 'cost_unknown',
  'handle', 'mime', 'size_bytes', 'op_start', 'op_end', 'op_yield', 'annotation', 'group_start', 'group_end', 'llm_usage',
  'media_ref', 'optrail.request_end', 'optrail.dropped', 'open', 'cancelled', 'truncated', '$type', 'Map', 'Set', 'size',
  'entries', 'values', 'Error', 'TypeError', 'string', 'args', 'main', '<redacted>', '[redacted]', 'REDACTED', '$redacted',
  '[unreadable]', '…[truncated 0 chars]', '…[truncated 0 bytes]', 'failed_closed', 'thenable', 'true', 'false', 'null',
  'application/octet-stream', 'text/plain', 'image/png', 'gpt-4o-mini', 'openai', 'anthropic', 'media-handle',
  'header', 'accept', 'json', 'x-trace-note', 'fuzzop', 'fuzzgen', 'turn', 'agent', 'child', 'step', 'fuzz.js',
  '    at fuzzop (fuzz.js:1:1)', 'request failed', 'kaboom', 'amount', 'card', 'person', 'contact', 'headers',
  // what found a secret, as `partial` tokens show it (`<email…abc>`)
  'openai', 'anthropic', 'aws', 'github', 'stripe', 'slack', 'google', 'jwt', 'authScheme', 'privateKey', 'url',
  'connectionString', 'assignment', 'email', 'phone', 'secret_key', '<secret>', '<*>',
];

/**
 * JWT headers (base64url JSON): public constants, the unsigned one first. Their windows are
 * never secret, also inside a JWT's payload, which is base64 of JSON too (`iOiJ` is `":"`).
 */
export const PUBLIC_JWT_HEADERS: readonly string[] = [
  { alg: 'none', typ: 'JWT' },
  { alg: 'HS256', typ: 'JWT' },
  { alg: 'RS256', typ: 'JWT' },
  { typ: 'JWT', alg: 'ES256' },
  { alg: 'HS512' },
].map((h) => Buffer.from(JSON.stringify(h)).toString('base64url'));

/** The public text of generated secrets: schemes, prefixes, parameter and field names, templates (secrets.ts). */
export const SECRET_SKELETONS = [
  'sk-', 'sk-proj-', 'sk-svcacct-', 'sk-admin-', 'sk-ant-api03-', 'AKIA', 'ASIA', 'ghp_', 'gho_', 'ghs_', 'ghu_', 'ghr_', 'github_pat_',
  'sk_live_', 'rk_live_', 'xoxb-', 'xoxp-', 'xoxa-', 'xoxs-', 'AIza', 'Bearer', 'bearer', 'BEARER', 'BeArEr', 'Basic', 'basic', 'BASIC',
  '-----BEGIN PRIVATE KEY-----', '-----BEGIN RSA PRIVATE KEY-----', '-----BEGIN EC PRIVATE KEY-----', '-----BEGIN OPENSSH PRIVATE KEY-----',
  '-----BEGIN ENCRYPTED PRIVATE KEY-----', '-----END ', 'https://', 'http://', 'ftp://', 'sftp://', 'wss://', ':8443/path', '/v1/items',
  '/v1/files?', '?page=2&', '?a=1&b=x&', '&page=2', '#top', 'access_token=', 'token=', 'api_key=', 'apikey=', 'key=', 'secret=',
  'client_secret=', 'password=', 'X-Amz-Signature=', 'X-Amz-Security-Token=', 'sig=', 'signature=', 'id_token=', 'refresh_token=', 'auth=',
  'postgres://', 'postgresql://', '/orders?sslmode=require', 'mysql://', 'mongodb://', '?authSource=admin', 'mongodb+srv://',
  '?retryWrites=true&w=majority', 'redis://:', '/0', 'rediss://default:', 'amqp://', ':5432/', ':3306/', ':6379/', ':5672/', ':27017/',
  ':1433/', ':443/', 'DefaultEndpointsProtocol=https;AccountName=', 'store;AccountKey=', ';EndpointSuffix=core.windows.net',
  'Server=tcp:', ',1433;Database=', ';User Id=', ';Password=', 'Data Source=', ';Initial Catalog=', ';User ID=', ';Pwd=', ';Encrypt=True',
  'Host=', ';Port=5432;Username=', ';Database=', 'aws_access_key_id=', '\naws_secret_access_key=', '{"AccessKeyId":"', '","SecretAccessKey":"',
  'AWS_ACCESS_KEY_ID=', ' AWS_SECRET_ACCESS_KEY=', 'aws_secret_access_key = ', 'Password', 'PASSWORD', 'passwd', 'client_secret',
  'apiKey', 'access_token', 'db_password', '.com', '.org', '.io', '.co.uk', '.pt', 'core.windows.net',
];

/** Every fixed string of the fuzz. */
export const BACKGROUND_TEXT: readonly string[] = [
  ...FILLER_WORDS,
  ...GLUE_PREFIXES,
  ...BENIGN_KEYS,
  ...SECRET_KEY_NAMES,
  ...URL_USERS,
  ...HOSTS,
  ...DATABASES,
  ...PORTS,
  ...STRUCTURE,
  ...PUBLIC_JWT_HEADERS,
  ...SECRET_SKELETONS,
  // glued letters before a public prefix (`tokaccess_token=`)
  ...GLUE_PREFIXES.flatMap((g) => SECRET_SKELETONS.map((p) => g + p.slice(0, 3))),
];
