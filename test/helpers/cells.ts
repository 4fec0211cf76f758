// Native cells for the kernel's tests: C sources in test/kernel/cells/ compiled against
// the SDK with `cellvisor cc`'s own arguments, and a KernelImage booted and run in-process
// on a VirtBoard, the way `cellvisor run` does, with everything a test asserts collected.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cellCompilerArgs, SDK_DIR } from '../../src/cli/cc.js';
import { bootImage } from '../../src/kernel/boot.js';
import type { CellStats } from '../../src/kernel/cell.js';
import type { KernelImage } from '../../src/kernel/image.js';
import { Kernel } from '../../src/kernel/kernel.js';
import type { ConsoleLines } from '../../src/machine/console-feed.js';
import type { CharSource } from '../../src/machine/host.js';
import type { RunOutcome } from '../../src/machine/outcome.js';
import { VirtBoard } from '../../src/machine/virt.js';
import { GCC, HART_WASM, ROOT, needHartAndGcc } from './tools.js';

export const CELL_SOURCES = join(ROOT, 'test', 'kernel', 'cells');
export const CELL_BUILD = join(ROOT, 'build', 'test', 'cells');

/** `false` to run, or why kernel tests cannot (node:test's `skip` takes either). */
export const needCells: string | false = needHartAndGcc;

const mtimeOf = (path: string): number => statSync(path).mtimeMs;

/** The newest of what every cell is built from: the SDK, the ABI header, the cells' own headers. */
function newestSdkInput(): number {
  const files = [
    join(SDK_DIR, 'link.ld'),
    ...readdirSync(CELL_SOURCES).filter((f) => f.endsWith('.h')).map((f) => join(CELL_SOURCES, f)),
    ...readdirSync(join(SDK_DIR, 'include')).map((f) => join(SDK_DIR, 'include', f)),
    ...readdirSync(join(SDK_DIR, 'src')).map((f) => join(SDK_DIR, 'src', f)),
    join(ROOT, 'build', 'include', 'cellvisor', 'abi.h'),
  ];
  return Math.max(...files.map(mtimeOf));
}

let headersReady = false;

async function ensureHeaders(): Promise<void> {
  if (headersReady) return;
  const script = pathToFileURL(join(ROOT, 'scripts', 'gen-headers.mjs')).href;
  const mod = (await import(script)) as { generateHeaders: () => string[] };
  mod.generateHeaders();
  headersReady = true;
}

/**
 * The ELF of test/kernel/cells/NAME.c, compiled when it is missing or older than its
 * source or the SDK. `-D` options (`defines`) give variants their own ELF name.
 */
export async function cellElf(name: string, defines: readonly string[] = []): Promise<Uint8Array> {
  await ensureHeaders();
  const source = join(CELL_SOURCES, `${name}.c`);
  if (!existsSync(source)) throw new Error(`no cell source ${source}`);
  const suffix = defines.map((d) => `-${d.replace(/[^A-Za-z0-9_]/g, '_')}`).join('');
  const out = join(CELL_BUILD, `${name}${suffix}.elf`);
  if (!existsSync(out) || mtimeOf(out) < Math.max(mtimeOf(source), newestSdkInput())) {
    mkdirSync(CELL_BUILD, { recursive: true });
    // Test files run in parallel processes: each writes its own file, then renames it.
    const tmp = `${out}.${process.pid}.tmp`;
    const args = cellCompilerArgs(tmp, ['-Wall', '-Werror', ...defines.map((d) => `-D${d}`), source]);
    const r = spawnSync(GCC, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cellvisor cc failed on ${source}:\n${r.stderr}`);
    renameSync(tmp, out);
  }
  return readFileSync(out);
}

export interface CellRun {
  readonly outcome: RunOutcome;
  /** Every cell's console lines in the order printed, as `name| line`. */
  readonly lines: readonly string[];
  /** The kernel's own reports (faults), one line each. */
  readonly log: readonly string[];
  readonly stats: Readonly<Record<string, CellStats>>;
  /** What reached the board's console (the UART, written by a driver cell). */
  readonly console: string;
  /** Instructions the hart retired, and the virtual time (mtime ticks) at the end. */
  readonly retired: bigint;
  readonly mtime: bigint;
  readonly kernel: Kernel;
  readonly board: VirtBoard;
}

export interface RunOptions {
  /** The run ends here at the latest (an 'insn-limit' outcome). */
  readonly maxInsns: bigint;
  /** UART input, handed over a line at a time when the guest waits for it. */
  readonly input?: CharSource | ConsoleLines;
  readonly ramSize?: number;
  /** Ends the run with a 'time-limit' outcome at this much virtual time. */
  readonly stopAtNs?: number;
}

let hartModule: WebAssembly.Module | undefined;

/** Boots `image` on a fresh board and runs it until it powers off or the limit is reached. */
export async function runImage(image: KernelImage, options: RunOptions): Promise<CellRun> {
  hartModule ??= new WebAssembly.Module(readFileSync(HART_WASM));
  const consoleBytes: number[] = [];
  const board = await VirtBoard.create(hartModule, {
    ramSize: options.ramSize ?? 64 << 20,
    console: { write: (bytes) => consoleBytes.push(...bytes) },
    input: options.input,
  });
  const lines: string[] = [];
  const log: string[] = [];
  const kernel = new Kernel(board, { output: (cell, line) => lines.push(`${cell}| ${line}`), log: (m) => log.push(m) });
  bootImage(kernel, image);
  if (options.stopAtNs !== undefined) kernel.stopAt = Math.ceil(options.stopAtNs / NS_PER_TICK);
  kernel.start();
  const outcome = board.machine.run({ maxInsns: options.maxInsns });
  for (const c of kernel.cells) kernel.flushOutput(c);
  const stats: Record<string, CellStats> = {};
  for (const c of kernel.cells) stats[c.name] = { ...c.stats };
  const console = new TextDecoder().decode(new Uint8Array(consoleBytes));
  return { outcome, lines, log, stats, console, retired: board.machine.retired, mtime: board.machine.hart.mtime, kernel, board };
}

/** The lines one cell printed, without the `name| ` prefix. */
export function linesOf(run: CellRun, cell: string): string[] {
  const prefix = `${cell}| `;
  return run.lines.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));
}

/** Nanoseconds of virtual time → mtime ticks (10 MHz). */
export const NS_PER_TICK = 100;
