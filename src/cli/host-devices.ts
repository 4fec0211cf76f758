// Node implementations of the board's host seams (machine/host.ts, block-backend.ts):
// a disk image file behind virtio-blk, and the `--input` file or pipe the board pulls from.

import { closeSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import type { BlockBackend } from '../machine/devices/block-backend.js';
import type { CharSource } from '../machine/host.js';
import { UsageError } from './args.js';
import { fileProblem } from './node-host.js';

const SECTOR = 512;

/** A raw disk image; guest writes go straight to the file (and reach the disk on FLUSH). */
export class FileBlockBackend implements BlockBackend {
  readonly sizeBytes: number;

  private constructor(private readonly fd: number, readonly readOnly: boolean, size: number) {
    this.sizeBytes = size;
  }

  /** Opens `path` (read-only if `readOnly`); a problem is a UsageError naming the file. */
  static open(path: string, readOnly: boolean): FileBlockBackend {
    let fd: number;
    try {
      fd = openSync(path, readOnly ? 'r' : 'r+');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const hint = !readOnly && (code === 'EACCES' || code === 'EROFS') ? '; add ,ro to use it read-only' : '';
      throw new UsageError(path, `${fileProblem(err)}${hint}`);
    }
    const stat = fstatSync(fd);
    if (!stat.isFile() && !stat.isBlockDevice()) {
      closeSync(fd);
      throw new UsageError(path, 'not a regular file or block device');
    }
    if (stat.size < SECTOR) {
      closeSync(fd);
      throw new UsageError(path, `disk image of ${stat.size} bytes is smaller than one 512-byte sector`);
    }
    return new FileBlockBackend(fd, readOnly, stat.size);
  }

  read(offset: number, dst: Uint8Array): boolean {
    try {
      for (let done = 0; done < dst.length;) {
        const n = readSync(this.fd, dst, done, dst.length - done, offset + done);
        if (n === 0) return false;
        done += n;
      }
      return true;
    } catch {
      return false;
    }
  }

  write(offset: number, src: Uint8Array): boolean {
    if (this.readOnly) return false;
    try {
      for (let done = 0; done < src.length;) done += writeSync(this.fd, src, done, src.length - done, offset + done);
      return true;
    } catch {
      return false;
    }
  }

  flush(): boolean {
    if (this.readOnly) return true;
    try {
      fsyncSync(this.fd);
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}

const napCell = new Int32Array(new SharedArrayBuffer(4));

/**
 * A file descriptor (`--input`: a file, or stdin) read synchronously when the board asks:
 * the machine waits for the writer, so the guest sees the same bytes at the same
 * instructions however slowly they arrive.
 */
export function fdSource(fd: number): CharSource {
  const buf = new Uint8Array(64 * 1024);
  let ended = false;
  return {
    read(): Uint8Array | undefined {
      while (!ended) {
        try {
          const n = readSync(fd, buf, 0, buf.length, null);
          if (n === 0) break;
          return buf.slice(0, n);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          // A non-blocking descriptor with nothing in it yet: wait a little and ask again.
          if (code === 'EAGAIN') {
            Atomics.wait(napCell, 0, 0, 2);
            continue;
          }
          if (code === 'EOF' || code === 'EPIPE' || code === 'ECONNRESET') break;
          throw err;
        }
      }
      ended = true;
      return undefined;
    },
  };
}

/** `--input FILE`: anything readable as a stream (a file, a FIFO, /dev/null), not a directory. */
export function openInput(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new UsageError(path, fileProblem(err));
  }
  if (fstatSync(fd).isDirectory()) {
    closeSync(fd);
    throw new UsageError(path, 'is a directory, not a file');
  }
  return fd;
}
