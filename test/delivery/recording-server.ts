import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One request as the server got it, body decompressed. */
export interface ReceivedRequest {
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A local endpoint that keeps every request, for the destination and credentials tests. While
 * `down` it answers 503; with `authorization` set it answers 401 to any other header value.
 */
export async function recordingServer(options: { down?: boolean; authorization?: string } = {}) {
  const state = { down: options.down ?? false, received: [] as ReceivedRequest[], refused: 0, unauthorized: 0 };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (state.down) {
        state.refused++;
        response.writeHead(503).end();
        return;
      }
      if (options.authorization !== undefined && request.headers.authorization !== options.authorization) {
        state.unauthorized++;
        response.writeHead(401).end();
        return;
      }
      const raw = Buffer.concat(chunks);
      const body = request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      state.received.push({ url: request.url ?? '', headers: request.headers, body });
      response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    state,
    port,
    /** `http://127.0.0.1:<port><path>`. */
    url: (path = '/v1/events') => `http://127.0.0.1:${port}${path}`,
    /** The request ids of every NDJSON event received, one per event. */
    requestIds: () => state.received.flatMap((r) => r.body.toString('utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line).request_id as string)),
    /** The `service.name` of every OTLP span received, one per span. */
    spanServices: () =>
      state.received.flatMap((r) => {
        const request = JSON.parse(r.body.toString('utf8'));
        return request.resourceSpans.flatMap((rs: any) => {
          const service = rs.resource.attributes.find((a: any) => a.key === 'service.name')?.value.stringValue as string;
          return rs.scopeSpans.flatMap((s: any) => s.spans.map(() => service));
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** How many times each value occurs. */
export function tally(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
