// The hosted firmware hands an S-mode kernel the same machine state as OpenSBI
// (fw_dynamic.bin on the same board and profile), register by register, except for the
// deliberate differences docs/board.md lists in its Boot section.
//
// A small S-mode program is booted under both. When the hart first reaches its entry in
// S-mode, the test reads the hand-off state through the Hart API (M-mode CSRs cannot be
// read from S); the program then records what S-mode itself sees (a0/a1, sstatus, satp,
// scounteren, ...) and which counters S-mode and U-mode may read, and shuts down through
// SBI SRST.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { boot, planBoot, type Bios } from '../../src/firmware/boot.js';
import { Priv, type CpuProfile, type Hart } from '../../src/hart/index.js';
import { CSR, type CsrName } from '../../src/hart/csr-names.js';
import { CSR_PMPADDR0 } from '../../src/hart/spec/csr.js';
import { boardDtb } from '../../src/machine/fdt/board-dt.js';
import { parseElf } from '../../src/machine/loader/elf.js';
import { VirtBoard, virtDtConfig } from '../../src/machine/virt.js';
import { assemble, HART_WASM, needHartAndGcc, ROOT } from '../helpers/tools.js';

const FW_DYNAMIC = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin';
const needOpenSbi: string | false = needHartAndGcc || (existsSync(FW_DYNAMIC) ? false : `${FW_DYNAMIC} not installed (Debian package opensbi)`);

const RAM = 64 << 20;
/** Where a firmware starts an S-mode kernel (boot.ts); the probe is linked there. */
const KERNEL_BASE = 0x8020_0000;
/** OpenSBI reaches the kernel in well under this many instructions. */
const MAX_FIRMWARE_INSNS = 20_000_000;

// What the probe records, 8 bytes each, in this order at its `result` symbol.
const RECORDED = ['a0', 'a1', 'sstatus', 'satp', 'scounteren', 'sie', 'senvcfg', 'stvec',
  'S-readable counters', 'U-readable counters', 'unexpected scause', 'unexpected sepc'] as const;
type Recorded = (typeof RECORDED)[number];

const PROBE = `
  .option norvc
  .equ SSTATUS_SPP, 0x100
  .equ CAUSE_ILLEGAL_INSTRUCTION, 2
  .equ CAUSE_USER_ECALL, 8
  .globl _start
_start:
  j _start                    # the test reads the hand-off state here, then moves pc on
  la s0, result
  sd a0, 0(s0)
  sd a1, 8(s0)
  csrr t0, sstatus
  sd t0, 16(s0)
  csrr t0, satp
  sd t0, 24(s0)
  csrr t0, scounteren
  sd t0, 32(s0)
  csrr t0, sie
  sd t0, 40(s0)
  csrr t0, senvcfg
  sd t0, 48(s0)
  csrr t0, stvec
  sd t0, 56(s0)
  la t0, trap
  csrw stvec, t0

  # cycle, time, instret, hpmcounter3..31: bit n of s3 set when reading counter n trapped
  li s3, 0
  .set n, 0
  .rept 32
  li s2, n
  csrr t0, 0xc00 + n
  .set n, n + 1
  .endr
  not t0, s3
  slli t0, t0, 32
  srli t0, t0, 32
  sd t0, 64(s0)

  # the same in U-mode, which comes back with an ecall
  li s3, 0
  la t0, user
  csrw sepc, t0
  li t0, SSTATUS_SPP
  csrc sstatus, t0
  sret
user:
  .set n, 0
  .rept 32
  li s2, n
  csrr t0, 0xc00 + n
  .set n, n + 1
  .endr
  ecall
user_done:
  not t0, s3
  slli t0, t0, 32
  srli t0, t0, 32
  sd t0, 72(s0)
  li a0, 0
  j shutdown

trap:
  csrr t1, scause
  li t2, CAUSE_USER_ECALL
  beq t1, t2, user_done
  li t2, CAUSE_ILLEGAL_INSTRUCTION
  bne t1, t2, unexpected
  li t1, 1
  sll t1, t1, s2
  or s3, s3, t1
  csrr t1, sepc
  addi t1, t1, 4
  csrw sepc, t1
  sret
unexpected:
  sd t1, 80(s0)
  csrr t1, sepc
  sd t1, 88(s0)
  li a0, 1
shutdown:                     # SBI SRST system_reset(shutdown, a0 = reason)
  mv a1, a0
  li a0, 0
  li a7, 0x53525354
  li a6, 0
  ecall
1:j 1b

  .balign 8
result:
  .zero ${RECORDED.length * 8}
`;

const PMP_ENTRIES = 16;
/** The hand-off state the test reads through the Hart API at the kernel's entry. */
const HANDOFF_CSRS: readonly CsrName[] = [
  'mstatus', 'medeleg', 'mideleg', 'mie', 'mip', 'mcounteren', 'scounteren', 'menvcfg', 'senvcfg', 'mcountinhibit',
  'satp', 'stvec', 'sscratch', 'stimecmp', 'fcsr', 'pmpcfg0', 'pmpcfg2',
  // With H (read only where the hart has them):
  'hstatus', 'hedeleg', 'hideleg', 'hie', 'hvip', 'hcounteren', 'htimedelta', 'henvcfg', 'hgatp',
  'vsstatus', 'vsie', 'vstvec', 'vsscratch', 'vsatp', 'vstimecmp', 'mtval2', 'mtinst',
];

type State = Map<string, bigint>;

interface HandOff {
  /** The hart's state when it first reached the kernel's entry in S-mode. */
  readonly atEntry: State;
  /** What the program recorded from S-mode. */
  readonly recorded: ReadonlyMap<Recorded, bigint>;
}

function snapshot(hart: Hart): State {
  const s: State = new Map();
  for (const name of HANDOFF_CSRS) if (hart.csrExists(CSR[name])) s.set(name, hart.readCsr(name));
  for (let i = 0; i < PMP_ENTRIES; i++) s.set(`pmpaddr${i}`, hart.readCsr(CSR_PMPADDR0 + i));
  s.set('a0', hart.x[10]);
  s.set('a1', hart.x[11]);
  s.set('mtimecmp', hart.mtimecmp);
  return s;
}

let probeElf: Uint8Array | undefined;

async function handOff(bios: Bios, profile: CpuProfile): Promise<HandOff> {
  probeElf ??= readFileSync(assemble('handoff-probe', PROBE, KERNEL_BASE));
  const board = await VirtBoard.create(readFileSync(HART_WASM), { ramSize: RAM, console: { write: () => {} }, profile });
  const plan = planBoot({ bios, kernel: { name: 'probe', bytes: probeElf } }, RAM, (chosen) => boardDtb(virtDtConfig(RAM, chosen)));
  assert.equal(plan.kernelEntry, KERNEL_BASE);
  boot(board, plan);
  const { machine } = board;
  const hart = machine.hart;
  const entry = BigInt(KERNEL_BASE);
  // The probe's first instruction jumps to itself, so a native firmware can run in
  // large steps: once the hart stands at the entry in S-mode, it stays there.
  while (!(hart.pc === entry && hart.priv === Priv.S)) {
    assert.ok(machine.retired < MAX_FIRMWARE_INSNS, `the firmware did not reach 0x${KERNEL_BASE.toString(16)} in S-mode`);
    const outcome = machine.run({ maxInsns: machine.retired + 100_000n });
    assert.equal(outcome.kind, 'insn-limit', `the firmware stopped before the kernel: ${JSON.stringify(outcome, (_, v: unknown) => typeof v === 'bigint' ? `0x${v.toString(16)}` : v)}`);
  }
  const atEntry = snapshot(hart);
  hart.pc = entry + 4n;
  const outcome = machine.run({ maxInsns: machine.retired + 1_000_000n });
  const result = parseElf(probeElf).symbols.get('result');
  assert.ok(result !== undefined);
  const recorded = new Map(RECORDED.map((name, i) => [name, hart.readU64(Number(result) + 8 * i)]));
  assert.deepEqual(outcome.kind === 'exit' ? outcome.code : outcome, 0,
    `the probe did not shut down cleanly; unexpected scause ${recorded.get('unexpected scause')} at ${recorded.get('unexpected sepc')}`);
  return { atEntry, recorded };
}

const hex = (v: bigint | undefined): string => (v === undefined ? 'absent' : `0x${v.toString(16)}`);

/** The rows of the deliberate-differences table in docs/board.md: register → reason. */
function documentedDifferences(): Map<string, string> {
  const doc = readFileSync(join(ROOT, 'docs', 'board.md'), 'utf8');
  const start = doc.indexOf('Deliberate differences from OpenSBI');
  assert.ok(start >= 0, 'docs/board.md has no "Deliberate differences from OpenSBI" table');
  const rows = new Map<string, string>();
  for (const line of doc.slice(start).split('\n').slice(1)) {
    if (line.trim() === '' && rows.size > 0) break;
    const m = /^\| `([^`]+)` \| (.+) \|$/.exec(line.trim());
    if (m) rows.set(m[1], m[2]);
  }
  return rows;
}

function differing(a: State, b: State): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of new Set([...a.keys(), ...b.keys()])) {
    if (a.get(name) !== b.get(name)) out.set(name, `hosted ${hex(a.get(name))}, OpenSBI ${hex(b.get(name))}`);
  }
  return out;
}

describe('the hand-off to an S-mode kernel', { skip: needOpenSbi }, () => {
  for (const profile of ['rva22', 'rv64gc'] as const) {
    it(`is OpenSBI fw_dynamic's, but for the documented differences (--cpu ${profile})`, async () => {
      const hosted = await handOff({ kind: 'hosted' }, profile);
      const opensbi = await handOff({ kind: 'file', name: 'fw_dynamic.bin', bytes: readFileSync(FW_DYNAMIC) }, profile);
      const documented = documentedDifferences();
      const diff = differing(hosted.atEntry, opensbi.atEntry);
      const undocumented = [...diff].filter(([name]) => !documented.has(name)).map(([n, d]) => `${n}: ${d}`);
      assert.deepEqual(undocumented, [], 'hand-off registers that differ from OpenSBI and docs/board.md does not list');
      const stale = [...documented.keys()].filter((name) => !diff.has(name) && hosted.atEntry.has(name));
      assert.deepEqual(stale, [], 'docs/board.md lists differences that are gone');
      // What the kernel sees from S-mode itself: no exceptions here.
      assert.deepEqual([...hosted.recorded].map(([n, v]) => `${n}=${hex(v)}`), [...opensbi.recorded].map(([n, v]) => `${n}=${hex(v)}`));
    });
  }

  it('lets U-mode read cycle, time and instret, as Linux\'s vDSO needs, and S-mode every counter', async () => {
    const { recorded } = await handOff({ kind: 'hosted' }, 'rva22');
    assert.equal(hex(recorded.get('U-readable counters')), '0x7');
    assert.equal(hex(recorded.get('S-readable counters')), '0xffffffff');
    assert.equal(recorded.get('a0'), 0n);
  });
});
