import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Destination } from './destination.js';

/**
 * One spool segment file as read back: `<ms>-<pid>-<n>.spool` (`<…>.claimed-<pid>-<n>.spool` once
 * claimed), a destination line, then records `{"k","n","len"}` + gzip body + newline, and
 * acknowledgements `{"a":key}`.
 */

export const SEGMENT_SUFFIX = '.spool';

export interface Segment {
  name: string;
  bytes: number;
  records: Array<{ key: string; count: number; offset: number; length: number; done: boolean }>;
  /** Records of this segment already delivered. */
  delivered: number;
  torn: number;
  /** The destination line at its head; `undefined` in a segment of an older optrail. */
  destination?: Destination;
}

/** Reads a segment's record index; a torn last record is counted and left out. */
export function indexSegment(dir: string, name: string): Segment {
  const data = readFileSync(join(dir, name));
  const segment: Segment = { name, bytes: statSync(join(dir, name)).size, records: [], delivered: 0, torn: 0 };
  let at = 0;
  const first = data.indexOf(10);
  const destination = first === -1 ? undefined : parseDestinationLine(data.subarray(0, first));
  if (destination) {
    segment.destination = destination;
    at = first + 1;
  }
  while (at < data.length) {
    const newline = data.indexOf(10, at);
    if (newline === -1) {
      segment.torn++;
      break;
    }
    let header: { k?: unknown; n?: unknown; len?: unknown; a?: unknown };
    try {
      header = JSON.parse(data.subarray(at, newline).toString('utf8'));
    } catch {
      segment.torn++;
      break;
    }
    if (typeof header.a === 'string') {
      // An acknowledgement: that record was delivered.
      const acked = segment.records.find((r) => r.key === header.a && !r.done);
      if (acked) {
        acked.done = true;
        segment.delivered++;
      }
      at = newline + 1;
      continue;
    }
    const length = Number(header.len);
    const bodyStart = newline + 1;
    if (typeof header.k !== 'string' || !Number.isInteger(length) || bodyStart + length + 1 > data.length) {
      segment.torn++;
      break;
    }
    segment.records.push({ key: header.k, count: Number(header.n) || 0, offset: bodyStart, length, done: false });
    at = bodyStart + length + 1;
  }
  return segment;
}

/** Longest destination line read at a segment's head before deciding to claim it (a URL is rarely past a few hundred bytes). */
const HEAD_BYTES = 64 * 1024;

/** The destination a segment starts with, read from its head alone; `undefined` when it has none. */
export function destinationAtHead(path: string): Destination | undefined {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const n = readSync(fd, head, 0, HEAD_BYTES, 0);
    const newline = head.subarray(0, n).indexOf(10);
    return newline === -1 ? undefined : parseDestinationLine(head.subarray(0, newline));
  } finally {
    closeSync(fd);
  }
}

/** A `{"d":{kind,url,credentials}}` line as a destination; `undefined` for any other line (a record's header, a torn line). */
function parseDestinationLine(line: Buffer): Destination | undefined {
  if (line.subarray(0, 6).toString('latin1') !== '{"d":{') return undefined;
  try {
    const { kind, url, credentials } = (JSON.parse(line.toString('utf8')) as { d: Record<string, unknown> }).d;
    if (typeof kind === 'string' && typeof url === 'string' && typeof credentials === 'string') return { kind, url, credentials };
  } catch {
    // torn or damaged: not a destination
  }
  return undefined;
}

/**
 * True when the segment `name` was written or claimed by another process that is still running:
 * names are `<ms>-<pid>-<n>.spool`, and `<…>.claimed-<pid>-<n>.spool` once claimed.
 */
export function heldByLiveProcess(name: string): boolean {
  const claimed = /\.claimed-(\d+)-\d+\.spool$/.exec(name);
  const pid = Number(claimed ? claimed[1] : /^\d+-(\d+)-/.exec(name)?.[1]);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}
