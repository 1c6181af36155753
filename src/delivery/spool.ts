import { closeSync, mkdirSync, openSync, readdirSync, readSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describeDestination, sameDestination, type Destination } from './destination.js';
import { destinationAtHead, heldByLiveProcess, indexSegment, SEGMENT_SUFFIX, type Segment } from './spool-segment.js';

/** One spooled batch: its idempotency key, event count and NDJSON body. */
export interface SpoolRecord {
  key: string;
  count: number;
  body: Buffer;
}

/** What the spool knows of itself. */
export interface SpoolStats {
  bytes: number;
  records: number;
  events: number;
  /** Events lost to eviction (spool full) since this process started. */
  evictedEvents: number;
  /** Records found torn (a writer killed mid-append) when segments were read. */
  tornRecords: number;
  /** Events found in segments left by an earlier process. */
  recoveredEvents: number;
  /** Events in segments of this directory written for another destination (or an unknown one), never sent from here. */
  foreignEvents: number;
  /** Events of records found damaged when read back (a flipped byte, a segment removed by hand): lost, counted. */
  corruptEvents: number;
}

/** Segments of a spool directory that belong to another destination, by destination. */
export interface ForeignSpool {
  /** `undefined`: segments written before destinations were recorded. */
  destination: Destination | undefined;
  segments: number;
  events: number;
}


const SEGMENT_BYTES = 8 * 1024 * 1024;

/**
 * A crash-safe disk queue of batches, oldest first. Each record is appended whole with one
 * `writeSync` as a header line `{"k","n","len"}` followed by `len` bytes of gzip-compressed
 * NDJSON and a newline, so a killed writer leaves at most one torn record, which readers skip and
 * count. A delivered record is acknowledged by a line `{"a":<key>}` in its segment, so a restart
 * resends only what was not acknowledged. Files are created 0600. Segments of 8 MiB are deleted once every record in them was
 * delivered. The spool never holds more than `maxBytes`: the oldest segments are evicted and
 * their events counted. Segments left by an earlier process are claimed (renamed, so two
 * processes never resend the same segment) and resent first.
 *
 * A spool given a `destination` starts each segment with a line `{"d":<destination>}`, written in
 * the same `writeSync` as the segment's first record, and claims only the segments of its own
 * destination: those of another destination, or without that line (an older optrail), stay
 * where they are, untouched, counted in `foreignEvents` and listed by `foreign`. Without a
 * destination (tools, tests) it reads every segment and writes none of that line.
 */
export class DiskSpool {
  private readonly segments: Segment[] = [];
  private fd: number | undefined;
  /** `{"d":<destination>}` and a newline, or nothing without a destination. */
  private readonly destinationLine: Buffer;
  private writing: Segment | undefined;
  private counter = 0;
  readonly stats: SpoolStats = { bytes: 0, records: 0, events: 0, evictedEvents: 0, tornRecords: 0, recoveredEvents: 0, foreignEvents: 0, corruptEvents: 0 };
  /** Segments found here for other destinations, one entry per destination. */
  readonly foreign: ForeignSpool[] = [];

  constructor(
    readonly dir: string,
    private readonly maxBytes: number,
    readonly destination?: Destination,
  ) {
    this.destinationLine = destination ? Buffer.from(JSON.stringify({ d: destination }) + '\n') : Buffer.alloc(0);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.recover();
  }

  /** Appends a batch; evicts the oldest data first when it would not fit. */
  append(record: SpoolRecord): void {
    const body = gzipSync(record.body, { level: 1 });
    const header = Buffer.from(JSON.stringify({ k: record.key, n: record.count, len: body.length }) + '\n');
    const frame = Buffer.concat([header, body, Buffer.from('\n')]);
    this.makeRoom(frame.length + this.destinationLine.length);
    if (!this.writing || this.writing.bytes + frame.length > SEGMENT_BYTES) this.openSegment();
    const segment = this.writing!;
    // A new segment's destination goes in the write of its first record: no segment is on disk with records and without it.
    const lead = segment.bytes === 0 ? this.destinationLine : Buffer.alloc(0);
    const write = lead.length > 0 ? Buffer.concat([lead, frame]) : frame;
    let offset = 0;
    while (offset < write.length) offset += writeSync(this.fd!, write, offset, write.length - offset);
    segment.records.push({ key: record.key, count: record.count, offset: segment.bytes + lead.length + header.length, length: body.length, done: false });
    segment.bytes += write.length;
    this.stats.bytes += write.length;
    this.stats.records++;
    this.stats.events += record.count;
  }

  /** The oldest undelivered record (that `skip` does not exclude), or `undefined` when there is none. */
  peek(skip?: (key: string) => boolean): SpoolRecord | undefined {
    for (const segment of this.segments) {
      for (let entry = this.nextIn(segment, skip); entry !== undefined; entry = this.nextIn(segment, skip)) {
        const record = this.read(segment, entry);
        if (record) return record;
        // Damaged on disk (a flipped byte, a segment gone): counted as lost, never resent, never thrown.
        this.stats.corruptEvents += entry.count;
        this.ack(entry.key);
      }
    }
    return undefined;
  }

  private nextIn(segment: Segment, skip: ((key: string) => boolean) | undefined): Segment['records'][number] | undefined {
    if (segment.delivered >= segment.records.length) return undefined;
    return segment.records.find((r) => !r.done && !skip?.(r.key));
  }

  private read(segment: Segment, entry: Segment['records'][number]): SpoolRecord | undefined {
    try {
      const fd = openSync(join(this.dir, segment.name), 'r');
      try {
        const compressed = Buffer.alloc(entry.length);
        let read = 0;
        while (read < entry.length) {
          const n = readSync(fd, compressed, read, entry.length - read, entry.offset + read);
          if (n === 0) break;
          read += n;
        }
        return { key: entry.key, count: entry.count, body: gunzipSync(compressed) };
      } finally {
        closeSync(fd);
      }
    } catch {
      return undefined;
    }
  }

  /** Marks the record with `key` as delivered; deletes its segment when every record in it is. */
  ack(key: string): void {
    let segment: Segment | undefined;
    let entry: Segment['records'][number] | undefined;
    for (const candidate of this.segments) {
      entry = candidate.records.find((r) => r.key === key && !r.done);
      if (entry) {
        segment = candidate;
        break;
      }
    }
    if (!segment || !entry) return;
    entry.done = true;
    segment.delivered++;
    this.stats.records--;
    this.stats.events -= entry.count;
    if (segment.delivered >= segment.records.length && segment !== this.writing) {
      this.remove(segment);
      return;
    }
    this.persistAck(segment, key);
  }

  /**
   * Writes `{"a":<key>}` into the record's own segment, so a process that dies before the segment
   * is deleted does not resend what was delivered (the next one reads the ack and skips the record).
   */
  private persistAck(segment: Segment, key: string): void {
    const line = Buffer.from(JSON.stringify({ a: key }) + '\n');
    try {
      const own = segment === this.writing && this.fd !== undefined;
      const fd = own ? this.fd! : openSync(join(this.dir, segment.name), 'a', 0o600);
      try {
        let offset = 0;
        while (offset < line.length) offset += writeSync(fd, line, offset, line.length - offset);
      } finally {
        if (!own) closeSync(fd);
      }
      segment.bytes += line.length;
      this.stats.bytes += line.length;
    } catch {
      // the ack stays in memory: at worst a restart resends the record, which the receiver drops by event_id
    }
  }

  get empty(): boolean {
    return this.stats.records === 0;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    const writing = this.writing;
    this.writing = undefined;
    if (writing && writing.delivered >= writing.records.length) this.remove(writing);
  }

  private openSegment(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    const previous = this.writing;
    if (previous && previous.delivered >= previous.records.length) this.remove(previous);
    const name = `${Date.now().toString().padStart(15, '0')}-${process.pid}-${String(this.counter++).padStart(6, '0')}${SEGMENT_SUFFIX}`;
    this.fd = openSync(join(this.dir, name), 'a', 0o600);
    this.writing = { name, bytes: 0, records: [], delivered: 0, torn: 0 };
    this.segments.push(this.writing);
  }

  private makeRoom(incoming: number): void {
    while (this.stats.bytes + incoming > this.maxBytes && this.segments.length > 0) {
      const oldest = this.segments[0]!;
      const lost = oldest.records.filter((r) => !r.done).reduce((sum, r) => sum + r.count, 0);
      this.stats.evictedEvents += lost;
      this.stats.records -= oldest.records.length - oldest.delivered;
      this.stats.events -= lost;
      if (oldest === this.writing) {
        closeSync(this.fd!);
        this.fd = undefined;
        this.writing = undefined;
      }
      this.remove(oldest);
    }
  }

  private remove(segment: Segment): void {
    const at = this.segments.indexOf(segment);
    if (at !== -1) this.segments.splice(at, 1);
    this.stats.bytes -= segment.bytes;
    try {
      unlinkSync(join(this.dir, segment.name));
    } catch {
      // already gone
    }
  }

  /**
   * Claims the segments an earlier process left for this destination, oldest first, and indexes
   * their records; counts (and leaves alone) those of other destinations.
   */
  private recover(): void {
    const names = readdirSync(this.dir).filter((n) => n.endsWith(SEGMENT_SUFFIX)).sort();
    for (const name of names) {
      // A segment another live process writes or has claimed is its own: two workers sharing a
      // spool directory never take each other's data.
      if (heldByLiveProcess(name)) continue;
      if (this.destination) {
        let head: Destination | undefined;
        try {
          head = destinationAtHead(join(this.dir, name));
        } catch {
          continue; // claimed meanwhile by another process
        }
        if (!head || !sameDestination(head, this.destination)) {
          let found: Segment;
          try {
            found = indexSegment(this.dir, name);
          } catch {
            continue;
          }
          // A segment without a destination and without a whole record (a writer killed in its first write) holds nothing: claimed and deleted.
          if (found.destination || found.records.length > 0) {
            this.countForeign(found);
            continue;
          }
        }
      }
      const claimed = `${name.slice(0, -SEGMENT_SUFFIX.length)}.claimed-${process.pid}-${this.counter++}${SEGMENT_SUFFIX}`;
      try {
        renameSync(join(this.dir, name), join(this.dir, claimed));
      } catch {
        continue; // another process claimed it first
      }
      const segment = indexSegment(this.dir, claimed);
      this.stats.tornRecords += segment.torn;
      if (segment.delivered >= segment.records.length) {
        unlinkSync(join(this.dir, claimed)); // empty, or every record acknowledged before the writer died
        continue;
      }
      this.segments.push(segment);
      const events = segment.records.reduce((sum, r) => sum + (r.done ? 0 : r.count), 0);
      this.stats.bytes += segment.bytes;
      this.stats.records += segment.records.length - segment.delivered;
      this.stats.events += events;
      this.stats.recoveredEvents += events;
    }
  }

  private countForeign(segment: Segment): void {
    const events = segment.records.reduce((sum, r) => sum + (r.done ? 0 : r.count), 0);
    this.stats.foreignEvents += events;
    const known = segment.destination;
    let entry = this.foreign.find((f) => (f.destination && known ? sameDestination(f.destination, known) : f.destination === known));
    if (!entry) this.foreign.push((entry = { destination: known, segments: 0, events: 0 }));
    entry.segments++;
    entry.events += events;
  }

  /** One line per destination whose segments wait here unsent, for the exporter's report; empty when none. */
  foreignReport(): string[] {
    const here = this.destination ? ` and are not sent to this one (${describeDestination(this.destination)})` : '';
    return this.foreign.map(({ destination, segments, events }) =>
      destination
        ? `spool ${this.dir}: ${events} event(s) in ${segments} segment(s) were written for another destination (${describeDestination(destination)})${here}`
        : `spool ${this.dir}: ${events} event(s) in ${segments} segment(s) were written for an unknown destination (by an older optrail)${here}; send or delete them by hand`,
    );
  }
}

/** What a spool directory holds, read without claiming anything: its segments, their bytes, the destination of the oldest. */
export interface SpoolDirSummary {
  segments: number;
  bytes: number;
  /** The oldest segment's destination; `undefined` when it has none (an older optrail). */
  destination: Destination | undefined;
}

/** A summary of the spool in `dir`; `undefined` when it holds no segment (or is no directory). */
export function summarizeSpoolDir(dir: string): SpoolDirSummary | undefined {
  try {
    const names = readdirSync(dir).filter((n) => n.endsWith(SEGMENT_SUFFIX)).sort();
    if (names.length === 0) return undefined;
    const bytes = names.reduce((sum, n) => sum + statSync(join(dir, n)).size, 0);
    return { segments: names.length, bytes, destination: destinationAtHead(join(dir, names[0]!)) };
  } catch {
    return undefined; // not a directory, or emptied meanwhile
  }
}
