// Build and run the assembly tests of test/asm/ on QEMU (the reference) and on
// cellvisor. Shared by test/hart/asm.test.ts and test/asm/regenerate.ts.
//
// A test's *signature* is everything it prints on the HTIF console; a run also
// has an exit code (HTIF exit, 0 = the test reached TEST_END). Its expected
// signature is test/asm/expected/NAME.txt (from QEMU) or, for a test whose
// header says `hand-written:`, test/asm/spec-expected/NAME.txt (from the spec).

import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROFILES, isCpuProfile, type CpuProfile } from '../../src/hart/profile.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const ASM_DIR = join(ROOT, 'test/asm');
export const INCLUDE_DIR = join(ASM_DIR, 'include');
export const EXPECTED_DIR = join(ASM_DIR, 'expected');
/** Expected signatures written by hand from the specification (QEMU 7.2 lacks the extension). */
export const SPEC_EXPECTED_DIR = join(ASM_DIR, 'spec-expected');
export const BUILD_DIR = join(ROOT, 'build/test/asm');
/** The headers generated from src/hart/spec/ (<cellvisor/csr.h>, ...) that test.h includes. */
export const GENERATED_INCLUDE_DIR = join(ROOT, 'build/include');
const GEN_HEADERS = join(ROOT, 'scripts/gen-headers.mjs');

export const GCC = 'riscv64-unknown-elf-gcc';
export const QEMU = 'qemu-system-riscv64';

const GCC_FLAGS = ['-march=rv64gc', '-mabi=lp64d', '-nostdlib', '-nostartfiles'];
/** What every ELF depends on besides its .S file (this file holds the build rule). */
const SHARED_SOURCES = [
  ...['test.h', 'paging.h', 'fp.h', 'hyp.h', 'runtime.S', 'link.ld'].map((f) => join(INCLUDE_DIR, f)),
  fileURLToPath(import.meta.url),
];

let generatedHeaders: string[] | undefined;

/**
 * Brings build/include/cellvisor/*.h up to date with src/hart/spec/ (a no-op when it
 * is; scripts/prepare.js does the same) and returns them, once per process.
 */
function specHeaders(): string[] {
  if (generatedHeaders) return generatedHeaders;
  const r = spawnSync(process.execPath, [GEN_HEADERS], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node scripts/gen-headers.mjs failed:\n${r.stderr}`);
  const dir = join(GENERATED_INCLUDE_DIR, 'cellvisor');
  generatedHeaders = readdirSync(dir).filter((f) => f.endsWith('.h')).map((f) => join(dir, f));
  return generatedHeaders;
}

/** Wall-clock limits: every test finishes in well under a second on either side. */
const QEMU_TIMEOUT_MS = 20_000;
const CELLVISOR_TIMEOUT_MS = 120_000;

export interface RunResult {
  readonly signature: string;
  /** HTIF exit code, or null when the run was killed or crashed. */
  readonly code: number | null;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/** Names of the tests: test/asm/NAME.S. */
export function listTests(): string[] {
  return readdirSync(ASM_DIR)
    .filter((f) => f.endsWith('.S'))
    .map((f) => f.slice(0, -2))
    .sort();
}

export function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

export function elfPath(name: string): string {
  return join(BUILD_DIR, `${name}.elf`);
}

/**
 * What a test declares in its header comment (the comment it starts with), one
 * `key: value` line each:
 *   qemu-cpu: rv64,svpbmt=true      QEMU's `-cpu` for the reference run (default: QEMU's)
 *   cellvisor-cpu: rv64gc           the hart profile cellvisor runs it on (default: rva22)
 *   hand-written: REASON            the expected signature is spec-expected/NAME.txt,
 *                                   written from the specification; QEMU is not run
 */
export interface TestHeader {
  readonly qemuCpu?: string;
  readonly cellvisorCpu?: CpuProfile;
  /** Why QEMU cannot be the reference (for a hand-written expected signature). */
  readonly handWritten?: string;
}

const headers = new Map<string, TestHeader>();

/** The declarations in the header comment of test/asm/NAME.S (throws on a bad value). */
export function testHeader(name: string): TestHeader {
  const cached = headers.get(name);
  if (cached) return cached;
  const src = readFileSync(join(ASM_DIR, `${name}.S`), 'latin1');
  const end = src.indexOf('*/');
  const comment = src.startsWith('/*') && end > 0 ? src.slice(0, end) : '';
  const values = new Map<string, string>();
  for (const line of comment.split('\n')) {
    const m = /^\s*(?:\/\*|\*)?\s*(qemu-cpu|cellvisor-cpu|hand-written):\s*(.*?)\s*$/.exec(line);
    if (m) values.set(m[1], m[2]);
  }
  const qemuCpu = values.get('qemu-cpu');
  if (qemuCpu !== undefined && !/^[\w.-]+(,[\w.-]+=[\w.-]+)*$/.test(qemuCpu)) {
    throw new Error(`test/asm/${name}.S: qemu-cpu: \`${qemuCpu}\` is not a QEMU -cpu value (e.g. rv64,zba=true)`);
  }
  const cpu = values.get('cellvisor-cpu');
  if (cpu !== undefined && !isCpuProfile(cpu)) {
    throw new Error(`test/asm/${name}.S: cellvisor-cpu: \`${cpu}\` is not a profile (${Object.keys(PROFILES).join(', ')})`);
  }
  const handWritten = values.get('hand-written');
  if (handWritten === '') throw new Error(`test/asm/${name}.S: hand-written: needs a reason (why QEMU cannot be the reference)`);
  const header: TestHeader = { qemuCpu, cellvisorCpu: cpu, handWritten };
  headers.set(name, header);
  return header;
}

/** Where the expected signature of a test lives: expected/ (QEMU's) or spec-expected/ (by hand). */
export function goldenPath(name: string): string {
  return join(testHeader(name).handWritten === undefined ? EXPECTED_DIR : SPEC_EXPECTED_DIR, `${name}.txt`);
}

/**
 * Expected-signature files that do not belong where they are: no test of that name,
 * or in expected/ for a hand-written test, or in spec-expected/ for a QEMU-checked one.
 */
export function misplacedGoldens(): string[] {
  const tests = new Set(listTests());
  const out: string[] = [];
  for (const dir of [EXPECTED_DIR, SPEC_EXPECTED_DIR]) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.txt'))) {
      const name = f.slice(0, -4);
      const path = join(dir, f);
      if (!tests.has(name)) out.push(`${relative(ROOT, path)}: there is no test/asm/${name}.S`);
      else if (goldenPath(name) !== path) out.push(`${relative(ROOT, path)}: the test's expected signature is ${relative(ROOT, goldenPath(name))}`);
    }
  }
  return out;
}

export function readGolden(name: string): string | undefined {
  const p = goldenPath(name);
  return existsSync(p) ? readFileSync(p, 'latin1') : undefined;
}

/** Builds build/test/asm/NAME.elf unless it is newer than all of its sources. */
export function buildTest(name: string): string {
  const src = join(ASM_DIR, `${name}.S`);
  const elf = elfPath(name);
  const newest = Math.max(...[src, ...SHARED_SOURCES, ...specHeaders()].map((f) => statSync(f).mtimeMs));
  if (existsSync(elf) && statSync(elf).mtimeMs >= newest) return elf;
  if (!onPath(GCC)) throw new Error(`${GCC} is not installed, and ${elf} is missing or stale`);
  mkdirSync(BUILD_DIR, { recursive: true });
  // The test first: its code then follows the start-up code directly, so the
  // addresses in its signature (epc=...) do not move when the runtime changes.
  const args = [
    ...GCC_FLAGS, `-I${INCLUDE_DIR}`, `-I${GENERATED_INCLUDE_DIR}`, '-T', join(INCLUDE_DIR, 'link.ld'),
    src, join(INCLUDE_DIR, 'runtime.S'), '-o', elf,
  ];
  const r = spawnSync(GCC, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building ${name}.S failed:\n${r.stderr}`);
  return elf;
}

// stdout goes to a file, not a pipe: Node's "pipes" are Unix sockets, and QEMU
// drops console bytes (HTIF writes one byte at a time, without retrying) once a
// socket's send buffer is full of one-byte messages.
function run(cmd: string, args: string[], timeoutMs: number): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'cellvisor-asm-'));
  const outPath = join(dir, 'stdout');
  const outFd = openSync(outPath, 'w');
  return new Promise<RunResult>((resolveRun, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', outFd, 'pipe'] });
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({
        signature: readFileSync(outPath, 'latin1'),
        code,
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    });
  }).finally(() => {
    closeSync(outFd);
    rmSync(dir, { recursive: true, force: true });
  });
}

/**
 * The reference run: QEMU's spike board implements HTIF at the ELF's tohost/fromhost
 * symbols. `cpu` is QEMU's `-cpu` (e.g. `rv64,svpbmt=true`; default: its `rv64`).
 */
export function runQemu(elf: string, cpu?: string): Promise<RunResult> {
  const args = ['-M', 'spike', '-bios', 'none', '-nographic', '-monitor', 'none'];
  if (cpu !== undefined) args.push('-cpu', cpu);
  return run(QEMU, [...args, '-kernel', elf], QEMU_TIMEOUT_MS);
}

const CLI_ENTRY = join(ROOT, 'src/cli/main.ts');
const MACHINE_ENTRY = join(ROOT, 'src/machine/machine.ts');
const HART_WASM = join(ROOT, 'build/hart.wasm');

/** The board the tests run on: QEMU's spike has 128 MiB too. */
const RAM_SIZE = 128 * 2 ** 20;
/** No test needs a million instructions; a runaway one stops here. */
const MAX_INSNS = 50_000_000n;

/** Why cellvisor cannot run the tests yet, or undefined when it can. */
export function cellvisorMissing(): string | undefined {
  if (!existsSync(MACHINE_ENTRY)) return 'src/machine/machine.ts does not exist yet';
  if (!existsSync(HART_WASM)) return 'build/hart.wasm is not built (npm run build:hart)';
  return undefined;
}

let cliHasCpu: boolean | undefined;

/**
 * Why cellvisor cannot run a test on the hart profile `cpu`, or undefined when it can:
 * the in-process runner always can; `cellvisor elf` (CELLVISOR_ASM_RUNNER=cli) only
 * when it has a --cpu option.
 */
export function cellvisorCpuMissing(cpu: CpuProfile | undefined): string | undefined {
  if (cpu === undefined || process.env.CELLVISOR_ASM_RUNNER !== 'cli') return undefined;
  cliHasCpu ??= spawnSync(process.execPath, ['--import', 'tsx', CLI_ENTRY, 'elf', '--help'], { cwd: ROOT, encoding: 'utf8' })
    .stdout.includes('--cpu');
  return cliHasCpu ? undefined : `\`cellvisor elf\` has no --cpu option to select the ${cpu} profile`;
}

let hartModule: Promise<WebAssembly.Module> | undefined;

/**
 * Runs the ELF on cellvisor's bare board, in this process, the way `cellvisor elf`
 * does (CELLVISOR_ASM_RUNNER=cli runs that command instead). `cpu` is the hart's
 * profile (default: the hart's default, rva22).
 */
export async function runCellvisor(elf: string, maxInsns = MAX_INSNS, cpu?: CpuProfile): Promise<RunResult> {
  if (process.env.CELLVISOR_ASM_RUNNER === 'cli') {
    const cpuArgs = cpu === undefined ? [] : ['--cpu', cpu];
    return run(process.execPath, ['--import', 'tsx', CLI_ENTRY, 'elf', ...cpuArgs, elf], CELLVISOR_TIMEOUT_MS);
  }
  const { Machine } = await import('../../src/machine/machine.js');
  const { describeOutcome } = await import('../../src/machine/outcome.js');
  hartModule ??= WebAssembly.compile(readFileSync(HART_WASM));
  const chunks: Uint8Array[] = [];
  const machine = await Machine.create(await hartModule, {
    ramSize: RAM_SIZE,
    console: { write: (bytes: Uint8Array) => chunks.push(bytes.slice()) },
  });
  // Before boot: the profile decides how the hart decodes from its first instruction.
  if (cpu !== undefined) machine.hart.setProfile(cpu);
  const file = readFileSync(elf);
  const signature = (): string => Buffer.concat(chunks).toString('latin1');
  try {
    machine.boot(machine.loadElf(file).entry);
    for (;;) {
      const outcome = machine.run({ maxInsns });
      if (outcome.kind === 'reset') {
        machine.boot(machine.loadElf(file).entry);
        continue;
      }
      const code = outcome.kind === 'exit' ? outcome.code : null;
      const stderr = outcome.kind === 'exit' && outcome.code === 0 ? '' : describeOutcome(outcome);
      return { signature: signature(), code, stderr, timedOut: false };
    }
  } catch (err) {
    // A guest must never be able to throw out of the board: report it as a failure.
    return { signature: signature(), code: null, stderr: `exception: ${(err as Error).stack ?? String(err)}`, timedOut: false };
  }
}

/**
 * Where two signatures differ, one line per differing signature line:
 * "line N: expected `…` got `…`", at most `limit` of them.
 */
export function signatureDiff(expected: string, got: string, limit = 20): string[] {
  const e = expected.split('\n');
  const g = got.split('\n');
  const out: string[] = [];
  const n = Math.max(e.length, g.length);
  for (let i = 0; i < n && out.length < limit; i++) {
    if (e[i] !== g[i]) {
      const show = (s: string | undefined): string => (s === undefined ? '(missing)' : `\`${s}\``);
      out.push(`line ${i + 1}: expected ${show(e[i])} got ${show(g[i])}`);
    }
  }
  return out;
}

/** A one-paragraph account of a run that does not match the golden signature. */
export function describeMismatch(who: string, name: string, golden: string, r: RunResult): string {
  const lines = [`${who} disagrees with ${relative(ROOT, goldenPath(name))}`];
  if (r.timedOut) lines.push('(killed after the time limit)');
  if (r.code !== 0) lines.push(`exit code ${r.code} (expected 0)`);
  lines.push(...signatureDiff(golden, r.signature));
  if (r.stderr.trim()) lines.push(`stderr: ${r.stderr.trim().split('\n').slice(0, 10).join('\n        ')}`);
  return lines.join('\n  ');
}
