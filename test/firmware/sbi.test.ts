import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { boot, planBoot, type Bios } from '../../src/firmware/boot.js';
import { boardDtb } from '../../src/machine/fdt/board-dt.js';
import { VirtBoard, virtDtConfig } from '../../src/machine/virt.js';
import { assemble, HART_WASM, needHartAndGcc } from '../helpers/tools.js';

const RAM = 16 << 20;

/** Boots an assembled program on the virt board; returns the board, its firmware and its console. */
async function bootProgram(name: string, source: string, bios: Bios = { kind: 'hosted' }) {
  const elf = readFileSync(assemble(name, source));
  const out: number[] = [];
  const board = await VirtBoard.create(readFileSync(HART_WASM), { ramSize: RAM, console: { write: (b) => out.push(...b) } });
  const plan = planBoot({ bios, kernel: { name, bytes: elf } }, RAM, (chosen) => boardDtb(virtDtConfig(RAM, chosen)));
  const { firmware } = boot(board, plan);
  return { board, plan, firmware, console: () => new TextDecoder().decode(Uint8Array.from(out)) };
}

// SBI calls as macros: EID in a7, FID in a6.
const PRELUDE = `
  .macro sbi eid, fid
    li a7, \\eid
    li a6, \\fid
    ecall
  .endm
  .macro putc ch
    li a0, \\ch
    sbi 1, 0
  .endm
  .macro shutdown reason
    li a0, 0
    li a1, \\reason
    sbi 0x53525354, 0
  .endm
  .globl _start
_start:
`;

describe('hosted SBI firmware', { skip: needHartAndGcc }, () => {
  it('starts the kernel in S-mode with a0 = hart id and a1 = the device tree, and shuts down with SRST', async () => {
    const { board, plan, firmware, console } = await bootProgram('sbi-boot', `${PRELUDE}
      bnez a0, fail
      lwu t0, 0(a1)              # FDT magic 0xd00dfeed, big-endian
      li t1, 0xedfe0dd0
      bne t0, t1, fail
      csrr t0, sstatus           # readable: we are in S-mode (M CSRs would trap)
      sbi 0x10, 0                # BASE get_spec_version: 2.0
      li t0, 0x2000000
      bne a1, t0, fail
      li a0, 0x54494d45
      sbi 0x10, 3                # probe_extension(TIME)
      beqz a1, fail
      putc 'o'
      putc 'k'
      shutdown 0
    fail:
      shutdown 1
    `);
    assert.ok(plan.kernelEntry === 0x8000_0000);
    assert.deepEqual(board.machine.run({ maxInsns: 100_000n }), { kind: 'exit', code: 0, source: 'sbi' });
    assert.equal(console(), 'ok');
    assert.equal(firmware?.stats.get('legacy/console_putchar'), 2);
    assert.equal(firmware?.stats.get('BASE/probe_extension'), 1);
  });

  it('reports a failure shutdown as exit code 1', async () => {
    const { board } = await bootProgram('sbi-fail', `${PRELUDE}
      shutdown 1
    `);
    assert.deepEqual(board.machine.run({ maxInsns: 1000n }), { kind: 'exit', code: 1, source: 'sbi' });
  });

  it('delivers set_timer as a supervisor timer interrupt; an idle hart skips virtual time to it', async () => {
    const { board } = await bootProgram('sbi-timer', `${PRELUDE}
      la t0, handler
      csrw stvec, t0
      rdtime s0
      li t0, 10000000            # one virtual second from now
      add a0, s0, t0
      sbi 0x54494d45, 0
      li t0, 0x20                # sie.STIE
      csrs sie, t0
      csrsi sstatus, 2           # sstatus.SIE
    1: wfi
      j 1b
      .align 2
    handler:
      csrr t0, scause
      li t1, 0x8000000000000005
      bne t0, t1, fail
      rdtime t0
      sub t0, t0, s0
      li t1, 10000000
      bltu t0, t1, fail          # not before its time
      shutdown 0
    fail:
      shutdown 1
    `);
    const outcome = board.machine.run({ maxInsns: 100_000n });
    assert.deepEqual(outcome, { kind: 'exit', code: 0, source: 'sbi' });
    assert.ok(board.machine.retired < 1000n, `idle time is skipped, not executed (${board.machine.retired} instructions)`);
    assert.ok(board.machine.hart.mtime >= 10_000_000n);
  });

  it('answers an unknown extension with SBI_ERR_NOT_SUPPORTED', async () => {
    const { board, firmware } = await bootProgram('sbi-unknown', `${PRELUDE}
      sbi 0x12345, 7
      li t0, -2
      bne a0, t0, fail
      shutdown 0
    fail:
      shutdown 1
    `);
    assert.deepEqual(board.machine.run({ maxInsns: 1000n }), { kind: 'exit', code: 0, source: 'sbi' });
    assert.equal(firmware?.stats.get('0x12345/7'), 1);
  });

  it('turns a trap it cannot handle into a firmware fault', async () => {
    const { firmware } = await bootProgram('sbi-fault', `${PRELUDE}
      shutdown 0
    `);
    const outcome = firmware!.handleMTrap({ cause: 2n, tval: 0n, epc: 0x8000_0010n });
    assert.deepEqual(outcome, {
      kind: 'firmware-fault', pc: 0x8000_0010n,
      message: 'firmware: unexpected trap into M-mode (exception 2) at pc 0x80000010, tval 0x0',
    });
  });
});
