import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DEFAULT_MEDIA_DIR } from '../base/defaults.js';

import type { MediaStore } from '../wire/media-store.js';

export type { MediaStore } from '../wire/media-store.js';

const HANDLE_PREFIX = 'sha256:';
const HEX_DIGEST = /^[0-9a-f]{64}$/;

/** Options of `fileMediaStore`. */
export interface FileMediaStoreOptions {
  /** Root directory (default `DEFAULT_MEDIA_DIR`, `.optrail/media`). */
  dir?: string;
}

/**
 * A content-addressed media store on disk: bytes live at `<dir>/<hh>/<sha256>` and the handle is
 * `sha256:<hex>`. Writes go to a temporary file renamed into place, so a reader never sees a
 * partial file, and identical bytes are written once.
 */
export function fileMediaStore(options: FileMediaStoreOptions = {}): MediaStore {
  const root = resolve(options.dir ?? DEFAULT_MEDIA_DIR);

  function locate(digest: string): { folder: string; file: string } {
    const folder = join(root, digest.slice(0, 2));
    return { folder, file: join(folder, digest) };
  }

  function digestOf(bytes: Uint8Array): string {
    return createHash('sha256').update(bytes).digest('hex');
  }

  function temporaryName(file: string): string {
    return `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  }

  async function write(bytes: Uint8Array, digest: string): Promise<void> {
    const { folder, file } = locate(digest);
    const present = await stat(file).then(
      (s) => s.size === bytes.byteLength,
      () => false,
    );
    if (present) return;
    await mkdir(folder, { recursive: true });
    const temporary = temporaryName(file);
    await writeFile(temporary, bytes, { mode: 0o600 });
    await rename(temporary, file);
  }

  return {
    put(bytes) {
      const digest = digestOf(bytes);
      return { handle: HANDLE_PREFIX + digest, written: write(bytes, digest) };
    },
    putSync(bytes) {
      const digest = digestOf(bytes);
      const { folder, file } = locate(digest);
      let present = false;
      try {
        present = statSync(file).size === bytes.byteLength;
      } catch {
        present = false;
      }
      if (!present) {
        mkdirSync(folder, { recursive: true });
        const temporary = temporaryName(file);
        writeFileSync(temporary, bytes, { mode: 0o600 });
        renameSync(temporary, file);
      }
      return HANDLE_PREFIX + digest;
    },
    async get(handle) {
      if (!handle.startsWith(HANDLE_PREFIX)) return undefined;
      const digest = handle.slice(HANDLE_PREFIX.length);
      if (!HEX_DIGEST.test(digest)) return undefined;
      try {
        return new Uint8Array(await readFile(locate(digest).file));
      } catch {
        return undefined;
      }
    },
  };
}

/** Reads a store synchronously, for tools; `undefined` when absent. */
export function readMediaFileSync(dir: string, handle: string): Uint8Array | undefined {
  const digest = handle.startsWith(HANDLE_PREFIX) ? handle.slice(HANDLE_PREFIX.length) : '';
  if (!HEX_DIGEST.test(digest)) return undefined;
  try {
    return new Uint8Array(readFileSync(join(resolve(dir), digest.slice(0, 2), digest)));
  } catch {
    return undefined;
  }
}
