// The Node side of the host seam: files and the terminal for machine/ and hart/.

import { readFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CharSink } from '../machine/host.js';

/** Text output of a command: `out` for results, `err` for one-line reports (newline added). */
export interface CliIo {
  out(text: string): void;
  err(line: string): void;
}

/** The package root: two levels above this file in src/cli/ and in dist/cli/ alike. */
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const HART_WASM = join(PACKAGE_ROOT, 'build', 'hart.wasm');

export function packageVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8'));
  const version = (pkg as { version?: unknown }).version;
  return typeof version === 'string' ? version : 'unknown';
}

/**
 * Writes straight to a file descriptor, synchronously: the machine runs in one
 * synchronous loop, so stream buffers would only be flushed after it ends.
 */
export function fdSink(fd: number): CharSink {
  return {
    write(bytes: Uint8Array): void {
      let done = 0;
      while (done < bytes.length) {
        try {
          done += writeSync(fd, bytes, done, bytes.length - done);
        } catch (err) {
          // A non-blocking pipe that is full: wait for the reader by trying again.
          if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
        }
      }
    },
  };
}

/** A human description of a failed file read, e.g. "no such file". */
export function fileProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': return 'no such file';
    case 'EISDIR': return 'is a directory, not a file';
    case 'EACCES': return 'permission denied';
    default: return err instanceof Error ? err.message : String(err);
  }
}

/** build/hart.wasm compiled, or undefined after saying on `io` why it could not be. */
export async function compileHart(io: CliIo): Promise<WebAssembly.Module | undefined> {
  try {
    return await WebAssembly.compile(readFileSync(HART_WASM));
  } catch (err) {
    io.err(`cellvisor: ${HART_WASM}: ${fileProblem(err)}; build the hart with 'npm run build:hart'`);
    return undefined;
  }
}
