/**
 * A local HTTP server that replays LLM provider responses from fixture files, byte for byte, so the
 * real client packages (openai, @anthropic-ai/sdk) can be tested without the network.
 *
 * A request names its fixture in the `x-fixture` header; the reply is
 * `test/fixtures/llm/<name>.http`, a raw HTTP response as the provider sends it: the status line,
 * the headers (`content-type`, the request id, rate-limit headers…), a blank line, then the body
 * (JSON, or server-sent events). (Raw responses rather than `.json` files: `optrail validate
 * test/fixtures` reads every `.json` there as a trace.) A variant the request asks for is served
 * when its file exists, as the provider would change its answer:
 * - `<name>.usage.http` when the request has `stream_options.include_usage: true` (OpenAI then adds
 *   `usage: null` to every chunk and a last chunk with `choices: []` and the usage);
 * - `<name>.base64.http` when the request has `encoding_format: "base64"` (what the OpenAI client
 *   asks for when the caller did not choose an encoding).
 * A request's `x-fixture-request-id` header replaces the request id headers (a test telling calls
 * apart).
 *
 * `x-fixture: a,b` serves `a` to the first attempt and `b` to the retry (the clients count their
 * attempts in `x-stainless-retry-count`). An SSE comment line `: fixture-pause` stops the reply
 * there and holds the connection open until the client closes it: a stream cut mid-way without a
 * timer. Every request is kept in `requests` (method, path, headers, parsed body).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** Where the fixture files are. */
export const LLM_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'llm');

/** The line that holds a streamed reply open (an SSE comment: clients ignore it). */
export const PAUSE_LINE = ': fixture-pause';

/** One request the server received. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
  fixture: string;
}

/** A running fixture server. */
export interface FixtureServer {
  /** `http://127.0.0.1:<port>`; OpenAI clients use `${url}/v1` as baseURL, Anthropic clients `url`. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Streams held open at a `: fixture-pause` line. */
  readonly paused: number;
  /** Resolves when `n` streams have reached their pause line (no timer: the server says so). */
  pausedAt(n: number): Promise<void>;
  close(): Promise<void>;
}

/** A fixture file: its status, headers and body. */
interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The fixture file of `name` for `body` (a variant when the request asks for one and it exists). */
function replyFile(dir: string, name: string, body: any): string | undefined {
  const variants: string[] = [];
  if (body?.stream_options?.include_usage === true) variants.push(`${name}.usage.http`);
  if (body?.encoding_format === 'base64') variants.push(`${name}.base64.http`);
  for (const file of [...variants, `${name}.http`]) {
    const path = join(dir, file);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** A raw HTTP response: `HTTP/1.1 <status> <reason>`, `name: value` lines, a blank line, the body. */
function parseReply(text: string, file: string): Reply {
  const blank = text.indexOf('\n\n');
  if (!text.startsWith('HTTP/1.1 ') || blank === -1) throw new Error(`${file}: not a raw HTTP response (status line, headers, blank line, body)`);
  const [statusLine, ...lines] = text.slice(0, blank).split('\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine!.split(' ')[1]), headers, body: text.slice(blank + 2) };
}

/** Writes `text` up to its pause line (then holds the reply open) or whole; true when it paused. */
function writeBody(res: ServerResponse, text: string): boolean {
  const at = text.indexOf(`${PAUSE_LINE}\n`);
  if (at === -1) {
    res.end(text);
    return false;
  }
  res.write(text.slice(0, at + PAUSE_LINE.length + 1));
  return true;
}

/** Starts the server on a free port of 127.0.0.1. */
export async function startFixtureServer(dir: string = LLM_FIXTURES): Promise<FixtureServer> {
  const requests: RecordedRequest[] = [];
  const pauseWaiters: Array<{ n: number; resolve: () => void }> = [];
  let paused = 0;
  const held = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: any;
      try {
        body = raw === '' ? undefined : JSON.parse(raw);
      } catch {
        body = raw;
      }
      const names = String(req.headers['x-fixture'] ?? '').split(',');
      const attempt = Number(req.headers['x-stainless-retry-count'] ?? 0) || 0;
      const fixture = names[Math.min(attempt, names.length - 1)]!.trim();
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, fixture });
      const file = fixture === '' ? undefined : replyFile(dir, fixture, body);
      if (file === undefined) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `no fixture ${JSON.stringify(fixture)} in ${dir}`, type: 'fixture_missing' } }));
        return;
      }
      const reply = parseReply(readFileSync(file, 'utf8'), file);
      const requestId = req.headers['x-fixture-request-id'];
      if (typeof requestId === 'string') reply.headers['x-request-id'] = reply.headers['request-id'] = requestId;
      res.writeHead(reply.status, reply.headers);
      if (writeBody(res, reply.body)) {
        held.add(res);
        res.on('close', () => held.delete(res));
        paused++;
        for (const waiter of pauseWaiters.splice(0)) {
          if (paused >= waiter.n) waiter.resolve();
          else pauseWaiters.push(waiter);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get paused() {
      return paused;
    },
    pausedAt(n: number) {
      if (paused >= n) return Promise.resolve();
      return new Promise<void>((resolve) => pauseWaiters.push({ n, resolve }));
    },
    close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on: a server started and closed (a connection to it is refused). */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
