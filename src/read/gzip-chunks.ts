import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { READ_CHUNK_BYTES } from '../base/defaults.js';

/** Where and why a gzip stream stopped before its end. */
export interface GzipDamage {
  /** Byte offset in the compressed stream where gunzip stopped. */
  offset: number;
  /** True when the stream just ends early (a torn write); false when the bytes at `offset` are not gzip data. */
  truncated: boolean;
  /** zlib's own words. */
  reason: string;
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/**
 * How many compressed bytes after the start of the failing gunzip call are fed one at a time when
 * the damage is located again (see `decodedChunks`): one call never takes more than one read chunk.
 */
const BYTEWISE_SPAN = 4 * READ_CHUNK_BYTES;

/** The source as Buffers (text is encoded as UTF-8). */
export async function* asBytes(source: AsyncIterable<string | Uint8Array>): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    if (typeof chunk === 'string') yield Buffer.from(chunk, 'utf8');
    else yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
}

function zlibFailure(error: unknown): { truncated: boolean; reason: string } | undefined {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string' || !code.startsWith('Z_')) return undefined;
  const reason = error instanceof Error ? error.message : String(error);
  return { truncated: code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(reason), reason };
}

/**
 * Gunzips `input`, skipping the first `skip` bytes of output. Ends at the end of `input` or at
 * damage, which is returned (from `gunzip.bytesWritten`: the input the engine had consumed when
 * the failing call began). A failure of `input` itself is thrown as it is.
 */
async function* gunzipped(input: AsyncIterable<Buffer>, skip: number): AsyncGenerator<Buffer, { damage?: GzipDamage; produced: number }> {
  const bytes = Readable.from(input, { objectMode: false });
  const gunzip = createGunzip({ chunkSize: READ_CHUNK_BYTES });
  let sourceFailed = false;
  let sourceError: unknown;
  bytes.on('error', (error) => {
    sourceFailed = true;
    sourceError = error;
    gunzip.destroy(error);
  });
  bytes.pipe(gunzip);
  let produced = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      const from = produced >= skip ? 0 : Math.min(chunk.length, skip - produced);
      produced += chunk.length;
      if (from < chunk.length) yield from === 0 ? chunk : chunk.subarray(from);
    }
    return { produced };
  } catch (error) {
    if (sourceFailed) throw sourceError;
    const failure = zlibFailure(error);
    if (failure === undefined) throw error;
    return { damage: { offset: gunzip.bytesWritten, ...failure }, produced };
  } finally {
    bytes.destroy();
    gunzip.destroy();
  }
}

/** `source` again, with the bytes from `from` on split so that each of the next `span` bytes is its own write. */
async function* bytewiseFrom(source: AsyncIterable<Buffer>, from: number, span: number): AsyncGenerator<Buffer> {
  let offset = 0;
  for await (const chunk of source) {
    let i = 0;
    if (offset < from) {
      i = Math.min(chunk.length, from - offset);
      yield chunk.subarray(0, i);
    }
    for (; i < chunk.length && offset + i < from + span; i++) yield chunk.subarray(i, i + 1);
    if (i < chunk.length) yield chunk.subarray(i);
    offset += chunk.length;
  }
}

/**
 * The source's bytes, gunzipped when its first bytes are the gzip magic (concatenated members
 * included). A stream that ends early or holds bytes that are not gzip data ends the output
 * there, and `onDamage` is told where, after every byte decoded before it was yielded.
 *
 * zlib drops the output of the call that fails (up to a read chunk of events), so when the source
 * can be read again (`reopen`, a file) the damaged stretch is decoded a second time one byte per
 * call, yielding the events before the damage that the first pass lost and the exact offset.
 * From a stream that cannot be read again, the output of that one call is lost and the offset is
 * where the call began.
 */
export async function* decodedChunks(
  source: AsyncIterable<Buffer>,
  reopen: (() => AsyncIterable<Buffer>) | undefined,
  onDamage: (damage: GzipDamage) => void,
): AsyncGenerator<Buffer> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  let head = first.value;
  // The magic is two bytes; a source may hand them over one at a time.
  while (head.length < 2) {
    const more = await iterator.next();
    if (more.done) break;
    head = Buffer.concat([head, more.value]);
  }
  const rest: AsyncIterable<Buffer> = { [Symbol.asyncIterator]: () => iterator };
  if (!(head.length >= 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1)) {
    yield head;
    yield* rest;
    return;
  }
  const headBytes = head;
  async function* all() {
    yield headBytes;
    yield* rest;
  }
  const firstPass = yield* gunzipped(all(), 0);
  let damage = firstPass.damage;
  if (damage === undefined) return;
  if (!damage.truncated && reopen !== undefined) {
    try {
      const again = yield* gunzipped(bytewiseFrom(reopen(), damage.offset, BYTEWISE_SPAN), firstPass.produced);
      if (again.damage !== undefined) damage = again.damage;
    } catch {
      // the file cannot be read again: the first pass's damage stands
    }
  }
  onDamage(damage);
}
