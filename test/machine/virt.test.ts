import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { boot, planBoot, type Bios } from '../../src/firmware/boot.js';
import { DEFAULT_PROFILE, PROFILES } from '../../src/hart/profile.js';
import { boardDtb } from '../../src/machine/fdt/board-dt.js';
import type { CharSource } from '../../src/machine/host.js';
import { DEFAULT_RTC_EPOCH_NS, VirtBoard, virtDtConfig } from '../../src/machine/virt.js';
import { assemble, HART_WASM, needHart, needHartAndGcc, scratchFile } from '../helpers/tools.js';

const RAM = 16 << 20;
const needDtc: string | false = spawnSync('dtc', ['--version']).status === 0 ? false : 'dtc not installed';

function dts(blob: Uint8Array): string {
  const r = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', scratchFile('board.dtb', blob)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** Input that arrives in the given pieces, then ends. */
function pieces(...chunks: string[]): CharSource & { reads: number } {
  const queue = chunks.map((c) => new TextEncoder().encode(c));
  return {
    reads: 0,
    read() {
      this.reads++;
      return queue.shift();
    },
  };
}

async function bootProgram(name: string, source: string, options: { bios?: Bios; input?: CharSource } = {}) {
  const elf = readFileSync(assemble(name, source));
  const out: number[] = [];
  const board = await VirtBoard.create(readFileSync(HART_WASM), {
    ramSize: RAM, console: { write: (b) => out.push(...b) }, input: options.input,
  });
  const plan = planBoot({ bios: options.bios ?? { kind: 'hosted' }, kernel: { name, bytes: elf } }, RAM,
    (chosen) => boardDtb(virtDtConfig(RAM, chosen)));
  boot(board, plan);
  return { board, console: () => new TextDecoder().decode(Uint8Array.from(out)) };
}

const SHUTDOWN = `
  .macro shutdown reason
    li a0, 0
    li a1, \\reason
    li a7, 0x53525354
    li a6, 0
    ecall
  .endm
`;

// An S-mode echo loop driven by the UART's receive interrupt through PLIC context 1
// (SEIP): echoes every byte and powers off after a newline.
const ECHO = `${SHUTDOWN}
  .equ UART, 0x10000000
  .equ PLIC, 0x0c000000
  .globl _start
_start:
  la t0, handler
  csrw stvec, t0
  li s0, UART
  li t0, 1
  sb t0, 1(s0)               # IER.ERBFI
  li s1, PLIC
  li t0, 1
  sw t0, 40(s1)              # priority of source 10
  li t0, 1 << 10
  li t1, PLIC + 0x2080
  sw t0, 0(t1)               # enable source 10 for context 1
  li t1, PLIC + 0x201000
  sw zero, 0(t1)             # context 1 threshold 0
  li t0, 0x200
  csrs sie, t0               # sie.SEIE
  csrsi sstatus, 2
1: wfi
  j 1b
  .align 2
handler:
  li t1, PLIC + 0x201004
  lw t2, 0(t1)               # claim
  li t0, 10
  bne t2, t0, fail
2: lbu t0, 5(s0)             # LSR.DR?
  andi t0, t0, 1
  beqz t0, 3f
  lbu t0, 0(s0)
  sb t0, 0(s0)               # echo
  li t3, 10
  beq t0, t3, done
  j 2b
3: sw t2, 0(t1)              # complete
  sret
done:
  shutdown 0
fail:
  shutdown 1
`;

describe('virt board', { skip: needHart }, () => {
  it('describes itself in a device tree that dtc accepts', { skip: needDtc }, async () => {
    const board = await VirtBoard.create(readFileSync(HART_WASM), { ramSize: RAM, console: { write: () => {} } });
    const source = dts(board.deviceTree({ bootargs: 'console=ttyS0', initrd: { start: 0x8080_0000, end: 0x8090_0000 } }));
    assert.match(source, new RegExp(`riscv,isa = "${PROFILES[DEFAULT_PROFILE].isa}"`));
    assert.match(source, /mmu-type = "riscv,sv48"/);
    assert.match(source, /memory@80000000 \{[^}]*reg = <0x00 0x80000000 0x00 0x1000000>/);
    assert.match(source, /serial@10000000 \{[^}]*interrupts = <0x0a>/);
    assert.match(source, /rtc@101000 \{[^}]*interrupts = <0x0b>/);
    for (let n = 0; n < 8; n++) {
      assert.match(source, new RegExp(`virtio_mmio@${(0x1000_1000 + n * 0x1000).toString(16)} \\{[^}]*interrupts = <0x0${n + 1}>`));
    }
    assert.match(source, /bootargs = "console=ttyS0"/);
    assert.match(source, /stdout-path = "\/soc\/serial@10000000"/);
    assert.match(source, /linux,initrd-start = <0x00 0x80800000>/);
    assert.match(source, /linux,initrd-end = <0x00 0x80900000>/);
  });

  it('routes the UART interrupt through the PLIC to SEIP; piped input arrives a line at a time when the guest waits', { skip: needHartAndGcc }, async () => {
    const input = pieces('he', 'llo\nwor', 'ld\n');
    const { board, console } = await bootProgram('virt-echo', ECHO, { input });
    assert.deepEqual(board.machine.run({ maxInsns: 1_000_000n }), { kind: 'exit', code: 0, source: 'sbi' });
    // The first line only: the guest powered off at its newline.
    assert.equal(console(), 'hello\n');
    assert.equal(input.reads, 2, 'the source is read until the line is whole, and no further');
  });

  it('runs the same instructions whatever the chunking of the input', { skip: needHartAndGcc }, async () => {
    const counts = [];
    for (const input of [pieces('x\n'), pieces('x', '\n')]) {
      const { board } = await bootProgram('virt-echo', ECHO, { input });
      board.machine.run({ maxInsns: 1_000_000n });
      counts.push(board.machine.retired);
    }
    assert.equal(counts[0], counts[1]);
  });

  it('reports a hart that waits for input that will never come', { skip: needHartAndGcc }, async () => {
    const { board } = await bootProgram('virt-echo', ECHO, { input: pieces() });
    assert.equal(board.machine.run({ maxInsns: 1_000_000n }).kind, 'idle');
  });

  it('returns a wait, not a stuck hart, when the host delivers input itself', { skip: needHartAndGcc }, async () => {
    const { board, console } = await bootProgram('virt-echo', ECHO);
    const waiting = board.machine.run({ maxInsns: 1_000_000n, idle: 'return' });
    assert.equal(waiting.kind, 'wait');
    assert.equal(waiting.kind === 'wait' && waiting.deadline, undefined);
    board.uart.receive(new TextEncoder().encode('ok\n'));
    assert.deepEqual(board.machine.run({ maxInsns: 1_000_000n, idle: 'return' }), { kind: 'exit', code: 0, source: 'sbi' });
    assert.equal(console(), 'ok\n');
  });

  it('runs M-mode code without firmware, with the device tree in a1 and MEIP from PLIC context 0', { skip: needHartAndGcc }, async () => {
    const { board, console } = await bootProgram('virt-mmode', `
      .equ UART, 0x10000000
      .globl _start
    _start:
      lwu t0, 0(a1)
      li t1, 0xedfe0dd0
      bne t0, t1, fail
      la t0, handler
      csrw mtvec, t0
      li s0, UART
      li t0, 1
      sb t0, 1(s0)             # IER.ERBFI
      li s1, 0x0c000000
      li t0, 1
      sw t0, 40(s1)
      li t0, 1 << 10
      li t1, 0x0c002000        # context 0 enables
      sw t0, 0(t1)
      li t0, 0x800
      csrs mie, t0             # MEIE
      csrsi mstatus, 8
    1: wfi
      j 1b
      .align 2
    handler:
      csrr t0, mcause
      li t1, 0x800000000000000b
      bne t0, t1, fail
      lbu t0, 0(s0)
      sb t0, 0(s0)
      li t0, 0x5555            # test finisher: pass
      li t1, 0x100000
      sw t0, 0(t1)
    fail:
      li t0, 0x13333
      li t1, 0x100000
      sw t0, 0(t1)
    `, { bios: { kind: 'none' }, input: pieces('!\n') });
    assert.deepEqual(board.machine.run({ maxInsns: 1_000_000n }), { kind: 'exit', code: 0, source: 'test finisher' });
    assert.equal(console(), '!');
  });

  it('keeps RTC time virtual: the epoch plus mtime', { skip: needHartAndGcc }, async () => {
    const { board } = await bootProgram('virt-rtc', `${SHUTDOWN}
      .globl _start
    _start:
      li t0, 0x101000
      lwu a2, 0(t0)            # TIME_LOW latches TIME_HIGH
      lwu a3, 4(t0)
      slli a3, a3, 32
      or s2, a2, a3
      shutdown 0
    `);
    board.machine.run({ maxInsns: 1000n });
    const ns = board.machine.hart.x[18];
    const mtime = board.machine.hart.mtime;
    assert.ok(ns >= DEFAULT_RTC_EPOCH_NS && ns <= DEFAULT_RTC_EPOCH_NS + mtime * 100n, `${ns}`);
  });
});
