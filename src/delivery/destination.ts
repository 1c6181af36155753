import { createHash } from 'node:crypto';
import { safeUrl } from './http-post.js';

/**
 * Where a spool's batches may go: the exporter's kind (its wire format), the endpoint in its
 * safe form (normalised, without userinfo, query or fragment) and a digest of what else selects
 * the receiving account (every header sent, which holds the key, and the query string). Written
 * at the head of every spool segment, so a segment is only ever resent to the destination it
 * was written for. Holds no secret and nothing reversible: the digest is salted by the endpoint,
 * so one key gives unrelated digests at two endpoints.
 */
export interface Destination {
  /** `http` (NDJSON) or `otlp` (OTLP/JSON). */
  readonly kind: string;
  /** The endpoint without userinfo, query or fragment, as `new URL` normalises it. */
  readonly url: string;
  /** 16 hex digits of sha256 over the kind, the endpoint, its query and every header (names lowercased, sorted). */
  readonly credentials: string;
}

/** Hex digits of a digest kept in a path or a segment: 64 bits tell destinations apart without saying anything of them. */
const DIGEST_HEX = 16;

function digest(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, DIGEST_HEX);
}

/** The destination of batches POSTed to `url` (already without userinfo) with `headers`. */
export function destinationOf(kind: string, url: string, headers: Record<string, string>): Destination {
  const parsed = new URL(url);
  const sent = Object.entries(headers)
    .map(([name, value]) => [name.toLowerCase(), value] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const safe = safeUrl(url);
  return { kind, url: safe, credentials: digest(['optrail-destination-v1', kind, safe, parsed.search, sent]) };
}

/** Whether two destinations are one. */
export function sameDestination(a: Destination, b: Destination): boolean {
  return a.kind === b.kind && a.url === b.url && a.credentials === b.credentials;
}

/** `kind url`, for messages (nothing secret in it). */
export function describeDestination(destination: Destination): string {
  return `${destination.kind} ${destination.url}`;
}

/**
 * The spool directory's name for a destination: `<kind>-<host>[_<port>]-<16 hex>`, readable
 * enough to tell spools apart by eye, the digest over the whole destination keeping two
 * endpoints of one host (or two keys of one endpoint) apart.
 */
export function spoolDirectoryName(destination: Destination): string {
  const { host } = new URL(destination.url);
  return `${pathSafe(destination.kind)}-${pathSafe(host.replace(':', '_'))}-${digest([destination.kind, destination.url, destination.credentials])}`;
}

/** A name as one path component: no separator, no `..`, bounded. */
export function pathSafe(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64);
  return /^\.*$/.test(safe) ? safe.replace(/\./g, '_') || '_' : safe;
}

/** What `endpointOf` gives the delivery: a URL fetch accepts and the headers to send with it. */
export interface Endpoint {
  url: string;
  headers: Record<string, string>;
}

/**
 * Moves userinfo out of the URL (fetch refuses a URL with credentials, and its message would
 * repeat them) into `Authorization: Basic`. Throws a TypeError, naming neither value, when an
 * Authorization header is given as well.
 */
export function endpointOf(where: string, url: string, headers: Record<string, string>): Endpoint {
  const parsed = new URL(url);
  if (parsed.username === '' && parsed.password === '') return { url, headers };
  if (Object.keys(headers).some((name) => name.toLowerCase() === 'authorization')) {
    throw new TypeError(`${where}: the url carries credentials (user:password@) and an Authorization header is given too; give only one`);
  }
  const basic = Buffer.from(`${decoded(parsed.username)}:${decoded(parsed.password)}`).toString('base64');
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.href, headers: { ...headers, Authorization: `Basic ${basic}` } };
}

/** A URL's percent-encoded userinfo part as the server expects it in Basic; as is when malformed. */
function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
