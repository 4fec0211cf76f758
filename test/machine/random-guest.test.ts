// No input from a guest may crash the host (ARCHITECTURE.md, "Fail closed"): random
// bytes executed as code on the full virt board, in M-, S- and U-mode, with M-mode run
// natively (the random code is its own trap handler) or hosted (every trap into M is an
// exit answered in TypeScript), with and without Sv39 translation, on both profiles.
// Every run must end in an outcome the board defines for that set-up, with the hart in
// a state that agrees with it, never in a host exception; and the same seed must give
// the same run.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { causeName, CAUSE_INTERRUPT_BIT } from '../../src/hart/causes.js';
import { Priv, type TrapInfo } from '../../src/hart/index.js';
import { MemoryBlockBackend } from '../../src/machine/devices/block-backend.js';
import type { MTrapHandler } from '../../src/machine/machine.js';
import type { RunOutcome } from '../../src/machine/outcome.js';
import { VirtBoard } from '../../src/machine/virt.js';
import { HART_WASM, needHart } from '../helpers/tools.js';

const RAM = 8 << 20;
const CODE = 64 << 10;
const MAX_INSNS = 200_000n;
/** Hosted runs end (as a firmware would on a trap it cannot handle) after this many traps into M. */
const HOSTED_TRAPS = 64;

/** xorshift32: reproducible bytes. */
function bytes(seed: number, n: number): Uint8Array {
  let s = seed >>> 0 || 1;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    out[i] = s & 0xff;
  }
  return out;
}

interface Setup {
  readonly hosted: boolean;
  readonly priv: Priv;
  readonly translated: boolean;
  readonly profile: 'rv64gc' | 'rva22';
  /** Make every 32-bit-aligned word a 32-bit encoding (random halfwords are mostly compressed). */
  readonly wide: boolean;
}

/** Half the seeds host M-mode; every combination of the rest comes up. */
function setupFor(seed: number): Setup {
  const hosted = seed % 2 === 1;
  // Hosted M-mode runs no guest code in M.
  const priv = hosted ? [Priv.S, Priv.U][(seed >> 1) % 2] : [Priv.M, Priv.S, Priv.U][(seed >> 1) % 3];
  return {
    hosted,
    priv,
    translated: priv !== Priv.M && (seed >> 2) % 2 === 1,
    profile: (seed >> 3) % 3 === 0 ? 'rv64gc' : 'rva22',
    wide: (seed >> 1) % 2 === 0,
  };
}

/**
 * Hosted M-mode for random code: records each trap and checks what the hart shows at
 * that moment, then resumes somewhere else in the random code (a different place each
 * time, so the hart never sees the same trap twice in a row), until HOSTED_TRAPS.
 */
class Recorder implements MTrapHandler {
  readonly traps: TrapInfo[] = [];
  readonly problems: string[] = [];
  readonly #board: VirtBoard;
  readonly #seed: number;

  constructor(board: VirtBoard, seed: number) {
    this.#board = board;
    this.#seed = seed;
  }

  handleMTrap(trap: TrapInfo): RunOutcome | undefined {
    const hart = this.#board.machine.hart;
    this.traps.push(trap);
    // A hosted trap changes nothing in the hart: it stops at the trapping instruction,
    // below M, and the trap is one the spec defines.
    if (hart.pc !== trap.epc) this.problems.push(`trap at epc 0x${trap.epc.toString(16)} but pc 0x${hart.pc.toString(16)}`);
    if (hart.priv === Priv.M) this.problems.push('a hosted trap left the hart in M-mode');
    if (/reserved/.test(causeName(trap.cause))) this.problems.push(`trap with reserved cause 0x${trap.cause.toString(16)}`);
    if ((trap.cause & CAUSE_INTERRUPT_BIT) === 0n && ((hart.readCsr('medeleg') >> trap.cause) & 1n) !== 0n) {
      this.problems.push(`exception ${trap.cause} reached M although delegated`);
    }
    if (this.traps.length >= HOSTED_TRAPS) {
      return { kind: 'firmware-fault', pc: trap.epc, message: `recorder: ${HOSTED_TRAPS} traps` };
    }
    const k = this.traps.length;
    hart.pc = BigInt(hart.ramBase + ((this.#seed * 4096 + k * 4 * 97) % CODE));
    return undefined;
  }
}

interface Run {
  readonly setup: Setup;
  readonly outcome: RunOutcome;
  readonly retired: bigint;
  readonly pc: bigint;
  readonly priv: Priv;
  readonly recorder?: Recorder;
}

async function runSeed(wasm: WebAssembly.Module, seed: number): Promise<Run> {
  const setup = setupFor(seed);
  const board = await VirtBoard.create(wasm, {
    ramSize: RAM, console: { write: () => {} }, drive: new MemoryBlockBackend(64 << 10), log: () => {},
    profile: setup.profile,
  });
  const { machine } = board;
  const hart = machine.hart;
  const code = bytes(seed, CODE);
  if (setup.wide) for (let i = 0; i < CODE; i += 4) code[i] |= 3;
  hart.writeBytes(hart.ramBase, code);
  const base = BigInt(hart.ramBase);
  const recorder = setup.hosted ? new Recorder(board, seed) : undefined;
  machine.hostM(recorder);
  machine.boot(base, { priv: setup.priv, a0: base, a1: base + 0x1000n });
  // Lower modes need PMP to reach memory; translated runs use a random page-table
  // root inside the random bytes.
  hart.writeCsr('pmpaddr0', (1n << 54n) - 1n);
  hart.writeCsr('pmpcfg0', 0x1fn);
  hart.writeCsr('mtvec', base + BigInt((seed * 4096) % CODE));
  if (setup.translated) hart.writeCsr('satp', (8n << 60n) | ((base >> 12n) + BigInt(seed % 16)));
  const outcome = machine.run({ maxInsns: MAX_INSNS });
  return { setup, outcome, retired: machine.retired, pc: hart.pc, priv: hart.priv, recorder };
}

/** What a run may end in: nothing here powers off on purpose, but random stores may hit the finisher or HTIF. */
const GUEST_ENDINGS = ['insn-limit', 'idle', 'exit', 'reset', 'device-fault'];
const NATIVE_ENDINGS = new Set([...GUEST_ENDINGS, 'trap-loop']);
// Hosted: the recorder ends runs, and never resumes at the pc of the last trap, so no trap loop.
const HOSTED_ENDINGS = new Set([...GUEST_ENDINGS, 'firmware-fault']);

const show = (o: RunOutcome): string => JSON.stringify(o, (_, v: unknown) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v));

describe('random code on the virt board', { skip: needHart }, () => {
  it('ends every run in an outcome its set-up allows, the hart agreeing, the same each time', async () => {
    const wasm = await WebAssembly.compile(readFileSync(HART_WASM));
    const seen = new Map<string, number>();
    let retired = 0n;
    let hostedTraps = 0;
    let hostedRuns = 0;
    for (let seed = 1; seed <= 48; seed++) {
      const run = await runSeed(wasm, seed);
      const { setup, outcome } = run;
      const where = `seed ${seed} (${JSON.stringify(setup)}): ${show(outcome)}`;
      assert.ok((setup.hosted ? HOSTED_ENDINGS : NATIVE_ENDINGS).has(outcome.kind), where);
      if (outcome.kind === 'insn-limit') {
        assert.equal(outcome.retired, MAX_INSNS, where);
        assert.equal(outcome.pc, run.pc, where);
      }
      if (outcome.kind === 'idle') assert.equal(outcome.pc, run.pc, where);
      if (setup.hosted) {
        hostedRuns++;
        const recorder = run.recorder!;
        assert.deepEqual(recorder.problems, [], where);
        assert.notEqual(run.priv, Priv.M, where);
        hostedTraps += recorder.traps.length;
        // The recorder's own ending comes exactly at its limit, at the last trap's pc.
        if (outcome.kind === 'firmware-fault') {
          assert.equal(recorder.traps.length, HOSTED_TRAPS, where);
          assert.equal(outcome.pc, recorder.traps.at(-1)!.epc, where);
          assert.equal(run.pc, outcome.pc, where);
        } else {
          assert.ok(recorder.traps.length < HOSTED_TRAPS, where);
        }
      }
      // Deterministic: the same seed gives the same outcome after the same instructions.
      if (seed <= 16) {
        const again = await runSeed(wasm, seed);
        assert.equal(show(again.outcome), show(outcome), `${where}: a second run differs`);
        assert.equal(again.retired, run.retired, `${where}: a second run retired ${again.retired}`);
        assert.equal(again.recorder?.traps.length, run.recorder?.traps.length, where);
      }
      const key = `${setup.hosted ? 'hosted' : 'native'} ${outcome.kind}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      retired += run.retired;
    }
    assert.ok(retired > 0n, 'the random code ran');
    assert.equal(hostedRuns, 24);
    // Random code traps often: hosted M-mode must have seen it, as exits.
    assert.ok(hostedTraps >= hostedRuns, `only ${hostedTraps} traps reached hosted M-mode in ${hostedRuns} runs`);
    // Say what the runs ended in, for whoever reads the log.
    console.log(`random code: ${retired} instructions; outcomes ${JSON.stringify(Object.fromEntries(seen))}`);
  });
});
