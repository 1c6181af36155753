import { ALNUM, DOT, PLUS, SPACE, collectInto, eachIndex, reportInOrder, indexFrom, nameBefore, nameMatcher, runStart, type Detector, type NameSpan } from '../detector.js';
import { scanUserinfo } from './url.js';
import { valueEnd, valueStart } from './value.js';

/**
 * Database and broker connection strings:
 * - URL style (`postgres://u:p@h/db`, `postgresql://`, `mysql://`, `mongodb+srv://`,
 *   `redis://:pass@h`, `amqp://`…, `jdbc:` prefixes included): the span is the whole userinfo,
 *   with or without a `:`;
 * - key=value style (ADO.NET, ODBC, Azure): `Password=…;`, `Pwd=…;`, `AccountKey=…;`,
 *   `SharedAccessKey=…;`, `SharedAccessSignature=…;`: the span is the value, to the next `;`
 *   (or the line's end; a `{…}` or quoted value to its close), when a `;` ends it or comes before
 *   the name (outside such a list, `password=x` is the assignment detector's).
 */

/** URL schemes (lowercase) of connection strings. */
export const CONNECTION_SCHEMES: readonly string[] = [
  'postgres', 'postgresql', 'mysql', 'mariadb', 'mongodb', 'mongodb+srv', 'redis', 'rediss', 'amqp', 'amqps',
  'mssql', 'sqlserver', 'oracle', 'clickhouse', 'cockroachdb', 'couchdb', 'neo4j', 'neo4j+s', 'bolt', 'nats',
  'kafka', 'ldap', 'ldaps', 'ftp', 'ftps', 'sftp', 'smtp', 'smtps', 'imap', 'imaps', 'mqtt', 'mqtts', 'cassandra', 'snowflake',
];

/** Key names (folded) of key=value connection strings whose value is a secret. */
export const CONNECTION_SECRET_KEYS: readonly string[] = ['password', 'pwd', 'accountkey', 'sharedaccesskey', 'sharedaccesssignature'];

const MAX_SCHEME = 16;
const isSecretKey = nameMatcher(CONNECTION_SECRET_KEYS, []);

function endsQuoted(code: number): boolean {
  return code === 10 || code === 13;
}

function endsAtBrace(code: number): boolean {
  return code === 125 || code === 10 || code === 13;
}

/** `cached` (the index of `needle` at or after an earlier position, or -1 for none) when still ahead of `from`, else looked up again. */
function nextFrom(text: string, cached: number, needle: string, from: number): number {
  return cached !== -1 && cached < from ? indexFrom(text, needle, from) : cached;
}

export const connectionStringDetector: Detector = {
  name: 'connectionString',
  kind: 'credential',
  scan(text, found) {
    const spans: Array<[number, number]> = [];
    const push = collectInto(spans);
    eachIndex(text, '://', (at) => {
      const schemeStart = runStart(text, at, ALNUM | PLUS | DOT, Math.max(0, at - MAX_SCHEME));
      if (!CONNECTION_SCHEMES.includes(text.slice(schemeStart, at).toLowerCase())) return at + 3;
      return scanUserinfo(text, at, true, push);
    });
    // The next `;` and line break, each looked up once per stretch of text (so a value that
    // no `;` ends costs its own length, however many `Password=` follow it).
    let semicolon = -2;
    let lineBreak = -2;
    const name: NameSpan = { start: 0, end: 0 };
    eachIndex(text, '=', (at) => {
      if (!isSecretKey(text, nameBefore(text, at, 0, name))) return at + 1;
      const nameStart = name.start;
      const value = valueStart(text, at + 1);
      if (value === undefined) return at + 1;
      semicolon = nextFrom(text, semicolon, ';', value.start);
      lineBreak = nextFrom(text, lineBreak, '\n', value.start);
      const lineEnd = lineBreak < 0 ? text.length : lineBreak;
      const listed = (semicolon >= 0 && semicolon < lineEnd) || text.charCodeAt(runStart(text, nameStart, SPACE, Math.max(0, nameStart - 4)) - 1) === 59;
      // Outside a `;` list it is free text: the assignment detector's.
      if (!listed) return at + 1;
      let end: number;
      if (value.quote !== 0) end = valueEnd(text, value, endsQuoted);
      else if (text.charCodeAt(value.start) === 123) end = valueEnd(text, { start: value.start + 1, quote: 0 }, endsAtBrace);
      else {
        end = Math.min(lineEnd, semicolon < 0 ? text.length : semicolon);
        if (end > value.start && text.charCodeAt(end - 1) === 13) end--;
      }
      const start = text.charCodeAt(value.start) === 123 && value.quote === 0 ? value.start + 1 : value.start;
      if (end > start) push(start, end);
      return Math.max(end, at + 1);
    });
    reportInOrder(spans, found);
  },
};
