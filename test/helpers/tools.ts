// What some tests need from outside the repository: build/hart.wasm (npm run build:hart)
// and a RISC-V cross compiler. Tests that need them are skipped, saying why, when absent.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const HART_WASM = join(ROOT, 'build', 'hart.wasm');
export const GCC = 'riscv64-unknown-elf-gcc';

/** `false` to run, or the reason to skip (node:test's `skip` option takes either). */
export const needHart: string | false = existsSync(HART_WASM) ? false : 'build/hart.wasm not built (npm run build:hart)';
export const needGcc: string | false = spawnSync(GCC, ['--version']).status === 0 ? false : `${GCC} not installed`;
export const needHartAndGcc: string | false = needHart || needGcc;

let scratch: string | undefined;

function scratchDir(): string {
  if (scratch === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'cellvisor-test-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    scratch = dir;
  }
  return scratch;
}

/** Assembles a bare-metal program linked at `text` (0x80000000 unless given); returns the ELF's path. */
export function assemble(name: string, source: string, text = 0x8000_0000): string {
  const src = join(scratchDir(), `${name}.S`);
  const elf = join(scratchDir(), `${name}.elf`);
  writeFileSync(src, source);
  // -Wl,-n keeps the ELF headers out of the loaded segment (else it starts below RAM);
  // --no-relax keeps `la` pc-relative, as there is no crt0 to set up gp.
  const r = spawnSync(GCC, ['-nostdlib', '-nostartfiles', '-static', '-march=rv64gc', '-mabi=lp64d',
    `-Wl,-Ttext=0x${text.toString(16)}`, '-Wl,-n', '-Wl,--no-relax', src, '-o', elf], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${GCC} failed on ${name}:\n${r.stderr}`);
  return elf;
}

/** A scratch file with these bytes; returns its path. */
export function scratchFile(name: string, bytes: Uint8Array | string): string {
  const path = join(scratchDir(), name);
  writeFileSync(path, bytes);
  return path;
}
