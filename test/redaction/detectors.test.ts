import { describe, expect, it } from 'vitest';
import type { DetectorName } from '../../src/redaction/detector.js';
import { ALL_DETECTORS, createScanner } from '../../src/redaction/scanner.js';

/** What detector `name` alone finds in `text`, as the secret texts. */
function found(name: DetectorName, text: string): string[] {
  return createScanner({ detectors: [name] }).find(text).map((span) => text.slice(span.start, span.end));
}

const OPENAI = 'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z';
const ANTHROPIC = 'sk-ant-api03-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAA';
const AWS_ID = 'AKIAIOSFODNN7EXAMPLE';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const GHP = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sflKxwRJSMeKKF2QT4fwpM';

/** [detector, text, what it must find] — every kind, glued to preceding letters too. */
const CASES: Array<[DetectorName, string, string[]]> = [
  ['openai', `key ${OPENAI} end`, [OPENAI]],
  ['openai', `x${OPENAI}`, [OPENAI]],
  ['openai', 'old sk-abcdefghijklmnopqrstuvwxyz', ['sk-abcdefghijklmnopqrstuvwxyz']],
  ['openai', 'svc sk-svcacct-Zz9_Yy8-Xx7Ww6Vv5Uu4Tt3', ['sk-svcacct-Zz9_Yy8-Xx7Ww6Vv5Uu4Tt3']],
  ['openai', 'task-management-dashboard-component-view desk-booking', []],
  ['openai', 'sk-short123', []],
  ['openai', ANTHROPIC, []],
  ['anthropic', `token${ANTHROPIC}.`, [ANTHROPIC]],
  ['anthropic', OPENAI, []],
  ['anthropic', `slug-sk-ant-x-sk-ant-${'q'.repeat(25)}`, [`sk-ant-${'q'.repeat(25)}`]],
  ['openai', `slug-sk-x-sk-${'q'.repeat(25)} task-sk-${'q'.repeat(25)}-x`, [`sk-${'q'.repeat(25)}`]],
  ['aws', `id ${AWS_ID} here`, [AWS_ID]],
  ['aws', `token${AWS_ID}`, [AWS_ID]],
  ['aws', 'temp ASIAY34FZKBOKMUTVV7A', ['ASIAY34FZKBOKMUTVV7A']],
  ['aws', `${AWS_ID} ${AWS_SECRET}`, [AWS_ID, AWS_SECRET]],
  ['aws', `${AWS_ID},${AWS_SECRET}\n`, [AWS_ID, AWS_SECRET]],
  ['aws', `${AWS_SECRET} ${AWS_ID}`, [AWS_SECRET, AWS_ID]],
  ['aws', `aws_secret_access_key = ${AWS_SECRET}`, [AWS_SECRET]],
  ['aws', `{"SecretAccessKey": "${AWS_SECRET}"}`, [AWS_SECRET]],
  ['aws', `a lone ${AWS_SECRET} is any base64`, []],
  ['aws', 'AKIA123 ASIAN AKIASHORT', []],
  ['github', `userghp_abcdefghijklmnopqrstuvwxyz0123456789 and gho_${'A1'.repeat(18)}`, [GHP.replace('ghp', 'userghp').slice(4), `gho_${'A1'.repeat(18)}`]],
  ['github', `ghs_${'x'.repeat(36)} ghu_${'y'.repeat(36)} ghr_${'z'.repeat(36)}`, [`ghs_${'x'.repeat(36)}`, `ghu_${'y'.repeat(36)}`, `ghr_${'z'.repeat(36)}`]],
  ['github', `github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz`, ['github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz']],
  ['github', 'ghp_short my_var gh_x', []],
  ['stripe', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc rk_live_abcdefghij12 xsk_test_0123456789ab', ['sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'rk_live_abcdefghij12', 'sk_test_0123456789ab']],
  ['stripe', 'pk_live_4eC39HqLyjWDarjtT1zdp7dc sk_live_short', []],
  ['slack', 'xoxb-123456789012-1234567890123-abcdefghijklmnop xoxp-1-2-3-abcdefghij', ['xoxb-123456789012-1234567890123-abcdefghijklmnop', 'xoxp-1-2-3-abcdefghij']],
  ['slack', 'xapp-1-A0123456789-0123456789-abcdef rotated xoxe.xoxp-1-ABCDEFGHIJKL', ['xapp-1-A0123456789-0123456789-abcdef', 'xoxe.xoxp-1-ABCDEFGHIJKL']],
  ['slack', 'userxoxa-0123456789ab xoxr-0123456789ab xoxs-0123456789ab', ['xoxa-0123456789ab', 'xoxr-0123456789ab', 'xoxs-0123456789ab']],
  ['slack', 'xoxb-short xoxo-0123456789ab', []],
  ['google', 'k=AIzaSyA1234567890abcdefghijklmnopqrstuv', ['AIzaSyA1234567890abcdefghijklmnopqrstuv']],
  ['google', 'AIzaShort', []],
  ['jwt', `Bearer ${JWT}`, [JWT]],
  ['jwt', `cookie=x${JWT};`, [JWT]],
  ['jwt', 'none eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjM0In0. end', ['eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjM0In0.']],
  ['jwt', 'cut eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjM0In0', ['eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjM0In0']],
  ['jwt', 'eyJhbGciOiJub25lIn0 alone, eyJhbGciOiJub25lIn0.notjson', []],
  ['authScheme', 'Authorization: Bearer abcdefgh12345678', ['abcdefgh12345678']],
  ['authScheme', 'authorization: bearer ABCDEFGH.1234-5678_abc~+/==', ['ABCDEFGH.1234-5678_abc~+/==']],
  ['authScheme', 'BEARER ABCDEFGHIJ123 and bEaReR Zq1Zq1Zq1Zq1', ['ABCDEFGHIJ123', 'Zq1Zq1Zq1Zq1']],
  ['authScheme', 'Authorization: basic dXNlcjpwYXNzd29yZA== Basic\tYWxhZGRpbjpvcGVuc2VzYW1l', ['dXNlcjpwYXNzd29yZA==', 'YWxhZGRpbjpvcGVuc2VzYW1l']],
  ['authScheme', 'the bearer of bad news; basic information; Bearer instrument; basic template', []],
  ['authScheme', `bearer ${'q'.repeat(30)}`, ['q'.repeat(30)]],
  ['authScheme', 'Basic Q2xpZW50OnNlY3JldA Basic YWRtaW4x.opaque-token', ['Q2xpZW50OnNlY3JldA', 'YWRtaW4x.opaque-token']],
  ['privateKey', 'k=-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\nafter', ['-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----']],
  ['privateKey', '"-----BEGIN PRIVATE KEY-----\\nMIIEvQ\\n-----END PRIVATE KEY-----\\n"', ['-----BEGIN PRIVATE KEY-----\\nMIIEvQ\\n-----END PRIVATE KEY-----']],
  ['privateKey', 'a -----BEGIN EC PRIVATE KEY----- b -----BEGIN OPENSSH PRIVATE KEY----- c', ['-----BEGIN EC PRIVATE KEY----- b -----BEGIN OPENSSH PRIVATE KEY----- c']],
  ['privateKey', '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIF (cut here', ['-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIF (cut here']],
  ['privateKey', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE----- -----BEGIN PUBLIC KEY-----', []],
  ['url', 'see https://user:pass@host.example/x and ftp://anonymous:guest@ftp.example', ['user:pass', 'anonymous:guest']],
  ['url', 'https://x-access-token:abc@github.com https://user:p@ss@host/', ['x-access-token:abc', 'user:p@ss']],
  ['url', 'https://0123456789abcdef0123@github.com/o/r ssh://git@github.com', ['0123456789abcdef0123']],
  ['url', "postgres://app:g0Hd7&pn!PGJ%236Ag6'B@h:5432/db sftp://r:X*G%3Az'Z,a;.XQO(@db/v1 'https://u:p@h'", ["app:g0Hd7&pn!PGJ%236Ag6'B", "r:X*G%3Az'Z,a;.XQO(", 'u:p']],
  ['url', '/cb?access_token=abc123&state=xyz#id_token=def&X-Amz-Signature=f00d&sig=s1g&api_key=k&apikey=k2&code=c0de&key=AIza', ['abc123', 'def', 'f00d', 's1g', 'k', 'k2', 'c0de', 'AIza']],
  ['url', '?X-Amz-Credential=AKIA%2F20260101&password=hunter2&client_secret=cs&page=2&monkey=1&token_count=5', ['AKIA%2F20260101', 'hunter2', 'cs']],
  ['url', 'https://host.example:8443/path?page=2 a=b', []],
  ['connectionString', 'postgres://app:s3cret@db.internal:5432/app mysql://root:pw@h/db', ['app:s3cret', 'root:pw']],
  ['connectionString', 'mongodb+srv://u:p@cluster0.mongodb.net/?retryWrites=true redis://:pass@h:6379 amqp://guest:guest@mq', ['u:p', ':pass', 'guest:guest']],
  ['connectionString', 'jdbc:postgresql://u:p@h/db rediss://onlyapassword@h', ['u:p', 'onlyapassword']],
  ['connectionString', 'Server=tcp:x.database.windows.net;User Id=sa;Password=my pass;Encrypt=true', ['my pass']],
  ['connectionString', 'Driver={ODBC};Uid=sa;Pwd={a;b};', ['a;b']],
  ['connectionString', 'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abc+/==;EndpointSuffix=core.windows.net', ['abc+/==']],
  ['connectionString', 'Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=k3y=', ['k3y=']],
  ['connectionString', 'BlobEndpoint=https://a.blob;SharedAccessSignature=sv=2021&sig=abc%3D', ['sv=2021&sig=abc%3D']],
  ['connectionString', 'https://host/ ftp-like text, password=free text', []],
  ['assignment', 'password=hunter2 user=bob passwd: x2 pwd=p3&next=1 secret: s3cr3t', ['hunter2', 'x2', 'p3', 's3cr3t']],
  ['assignment', '{"api_key": "xyz abc", "n": 1, "client_secret":"c\\"s"}', ['xyz abc', 'c\\"s']],
  ['assignment', "DB_PASSWORD=pa55 OPENAI_API_KEY='k-1' x-api-key: k2 'token' => 't0k'", ['pa55', 'k-1', 'k2', 't0k']],
  ['assignment', 'Authorization: Bearer abc.def AUTH_TOKEN:=zz', ['abc.def', 'zz']],
  ['assignment', 'pass: p4ss bypass: x', ['p4ss']],
  ['assignment', JSON.stringify({ note: 'x', v: 'password="correct horse"', w: "api_key='k9' pwd=p\"q" }), ['correct horse', 'k9', 'p']],
  ['assignment', JSON.stringify({ v: JSON.stringify({ api_key: 'n3sted' }) }), ['n3sted']],
  ['assignment', '{"ssn":"horse horsehjk","cvv":"123","Session":"s1","set-cookie":"id=9","note":"ok"}', ['horse horsehjk', '123', 's1', 'id=9']],
  ['assignment', 'max_tokens: 100, tokens=5, secretary: Ann, keyboard=us, password: {…} token:\nnext', []],
  ['email', 'mail ada@example.com, a.b+tag@mail.example.co.uk.', ['ada@example.com', 'a.b+tag@mail.example.co.uk']],
  ['email', 'userada@example.com@x @mention a@b x@localhost', ['userada@example.com']],
  ['email', '@mention a@b x@localhost x@1.2 foo@bar. @@ a@-.', []],
  ['email', 'para josé.núñez@correo.españa.es ou 李@例子.com.', ['josé.núñez@correo.españa.es', '李@例子.com']],
  ['card', 'card 4111 1111 1111 1111, 4111-1111-1111-1111, 4111.1111.1111.1111, 4111111111111111', ['4111 1111 1111 1111', '4111-1111-1111-1111', '4111.1111.1111.1111', '4111111111111111']],
  ['card', 'amex 3782 822463 10005 qty 3 4111 1111 1111 1111 grouped 0000 0000 0000 0000', ['3782 822463 10005', '4111 1111 1111 1111', '0000 0000 0000 0000']],
  ['card', 'x4111111111111111y', ['4111111111111111']],
  ['card', 'card 4111_1111_1111_1111 or 4111 - 1111 - 1111 - 1111 or 4111/1111/1111/1111 or 41 11 11 11 11 11 11 11', ['4111_1111_1111_1111', '4111 - 1111 - 1111 - 1111', '4111/1111/1111/1111', '41 11 11 11 11 11 11 11']],
  ['card', 'ts 1764615600000 id 01HZX3K9Q2W7E8R5T6Y4U1I0PA 2026-11-22 12345678901234567890 4111 1111 1111 1112 3.141592653589793', []],
  ['card', 'ids 0000000000000000 7999999999999999 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6', []],
  ['phone', 'call +351 912 345 678, +44 20 7946 0958 or +1 (555) 123-4567, +14155550123.', ['+351 912 345 678', '+44 20 7946 0958', '+1 (555) 123-4567', '+14155550123']],
  ['phone', 'us (555) 123-4567, (555)123-4567, 555-123-4567, 555.123.4567', ['(555) 123-4567', '(555)123-4567', '555-123-4567', '555.123.4567']],
  ['phone', 'dates 2026-11-22 12:00:00 +2026-11-22 1+23456789 v1.2.3 5551234567 555 123 4567 555-123-4567-89 1555-123-4567', []],
];

describe('detectors: what each finds, and what it leaves', () => {
  it.each(CASES.map(([name, text, want], i) => ({ i, name, text, want })))('$name #$i', ({ name, text, want }) => {
    expect(found(name, text)).toEqual(want);
  });

  it('every detector has cases that find something and cases that find nothing', () => {
    for (const name of ALL_DETECTORS) {
      expect(CASES.some(([n, , want]) => n === name && want.length > 0), name).toBe(true);
      expect(CASES.some(([n, , want]) => n === name && want.length === 0), name).toBe(true);
    }
  });

  it('spans are reported in increasing start order by every detector', () => {
    for (const [name, text] of CASES) {
      const starts: number[] = [];
      createScanner({ detectors: [name] }); // compiles
      const scanner = createScanner({ detectors: [name] });
      for (const span of scanner.find(text)) starts.push(span.start);
      expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    }
  });
});
