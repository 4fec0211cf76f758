import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CAUSE_BREAKPOINT, CAUSE_LOAD_ACCESS } from '../../src/hart/causes.js';
import {
  MCONTROL6_HIT0, MCONTROL6_STORE, MCONTROL6_U, TDATA1_TYPE_SHIFT, TRIGGER_TYPE_MCONTROL6,
} from '../../src/hart/spec/csr.js';
import { Hart, HartExit, Priv, type AccessSize, type MmioHandler } from '../../src/hart/index.js';
import { words } from '../helpers/elf-builder.js';
import { addi, auipc, JSELF, ld, lui, lw, NOP, sd, sw, WFI } from '../helpers/rv.js';
import { HART_WASM, needHart } from '../helpers/tools.js';

const BASE = 0x8000_0000;
const UART = 0x1000_0000;

/** A bus that logs every access and answers reads from a table (missing: access fault). */
class FakeBus implements MmioHandler {
  readonly log: string[] = [];
  readonly values = new Map<number, bigint>();
  onWrite?: () => void;
  mmioRead(addr: number, size: AccessSize): bigint | undefined {
    this.log.push(`r 0x${addr.toString(16)} ${size}`);
    return this.values.get(addr);
  }
  mmioWrite(addr: number, size: AccessSize, value: bigint): boolean {
    this.log.push(`w 0x${addr.toString(16)} ${size} 0x${value.toString(16)}`);
    this.onWrite?.();
    return true;
  }
}

async function hartWith(program: number[], bus = new FakeBus()): Promise<{ hart: Hart; bus: FakeBus }> {
  const hart = await Hart.create(readFileSync(HART_WASM), bus, { ramSize: 1 << 20 });
  hart.writeBytes(BASE, words(...program));
  hart.reset(BigInt(BASE));
  return { hart, bus };
}

/** One PMP entry over everything, so S and U may run from RAM. */
function openPmp(hart: Hart): void {
  hart.writeCsr('pmpaddr0', (1n << 54n) - 1n);
  hart.writeCsr('pmpcfg0', 0x1fn); // NAPOT, R, W, X
}

describe('Hart', { skip: needHart }, () => {
  it('has the H extension in the default profile, not on rv64gc: misa.H, the hypervisor CSRs, back out again', async () => {
    const { hart } = await hartWith([JSELF]);
    const MISA_H = 1n << 7n;
    const CSR_HSTATUS = 0x600;
    assert.equal(hart.profile, 'rva22');
    assert.equal(hart.readCsr('misa') & MISA_H, MISA_H, 'the default profile has H');
    assert.equal(hart.csrExists(CSR_HSTATUS), true);
    assert.equal(hart.readCsr(CSR_HSTATUS), 2n << 32n, 'hstatus.VSXL reads 64-bit');
    assert.equal(hart.readCsr('mideleg'), 0x1444n, 'VS-level and guest external interrupts are delegated');
    hart.setProfile('rv64gc');
    assert.equal(hart.readCsr('misa') & MISA_H, 0n);
    assert.equal(hart.csrExists(CSR_HSTATUS), false);
    assert.equal(hart.readCsr('mideleg'), 0n);
    hart.setProfile('rva22h');
    assert.equal(hart.readCsr('misa') & MISA_H, MISA_H, 'rva22h: the same hart as rva22');
  });

  it('zeroes a large range of RAM exactly, pages already zero or not, with unaligned ends', async () => {
    const { hart } = await hartWith([JSELF]);
    const start = BASE + 0x10000 + 3; // not page- or word-aligned
    const len = 0x40000 - 5;
    // Data in some pages (at the first and last byte of the range, mid-page, at a page's
    // last byte), others left zero, and bytes just outside the range.
    const marks = [start, start + 0x1000 + 17, start + 0x7ffc, start + 0x2a000, start + len - 1];
    for (const pa of marks) hart.writeU8(pa, 0xa5);
    hart.writeU8(start - 1, 0x11);
    hart.writeU8(start + len, 0x22);
    hart.fill(start, len, 0);
    const ram = hart.ram.subarray(start - BASE, start - BASE + len);
    assert.equal(ram.findIndex((b) => b !== 0), -1, 'every byte in the range is zero');
    assert.equal(hart.readU8(start - 1), 0x11, 'the byte before the range is kept');
    assert.equal(hart.readU8(start + len), 0x22, 'the byte after the range is kept');
    hart.fill(start, len, 0x5a);
    assert.equal(hart.ram.subarray(start - BASE, start - BASE + len).findIndex((b) => b !== 0x5a), -1, 'a non-zero fill writes everything');
  });

  it('starts in M-mode at the RAM base and runs to the budget', async () => {
    const { hart } = await hartWith([addi(1, 0, 5), addi(2, 1, -7), JSELF]);
    assert.equal(hart.pc, BigInt(BASE));
    assert.equal(hart.priv, Priv.M);
    assert.equal(hart.run(2n), HartExit.Budget);
    assert.equal(hart.x[1], 5n);
    assert.equal(hart.x[2], 0xffff_ffff_ffff_fffen);
    assert.equal(hart.pc, BigInt(BASE + 8));
    assert.equal(hart.instret, 2n);
    assert.deepEqual(hart.lastRetired(), { pc: BigInt(BASE + 4), insn: addi(2, 1, -7) });
    assert.equal(hart.run(10n), HartExit.Budget);
    assert.equal(hart.pc, BigInt(BASE + 8), 'j . stays put');
  });

  it('sends non-RAM accesses to the MMIO handler, sizes and values intact', async () => {
    const bus = new FakeBus();
    bus.values.set(UART + 4, 0xdead_beefn);
    const { hart } = await hartWith([lui(5, UART >>> 12), addi(6, 0, 0x41), sw(6, 5, 0), lw(7, 5, 4), JSELF], bus);
    hart.run(4n);
    assert.deepEqual(bus.log, ['w 0x10000000 4 0x41', 'r 0x10000004 4']);
    assert.equal(hart.x[7], 0xffff_ffff_dead_beefn, 'lw sign-extends the device value');
  });

  it('turns a refused MMIO read into a load access fault', async () => {
    const { hart } = await hartWith([lui(5, UART >>> 12), lw(7, 5, 8), JSELF]);
    hart.writeBytes(BASE + 0x100, words(JSELF));
    hart.writeCsr('mtvec', BigInt(BASE + 0x100));
    hart.run(3n);
    assert.equal(hart.readCsr('mcause'), BigInt(CAUSE_LOAD_ACCESS));
    assert.equal(hart.readCsr('mtval'), BigInt(UART + 8));
    assert.equal(hart.readCsr('mepc'), BigInt(BASE + 4));
    assert.equal(hart.pc, BigInt(BASE + 0x100));
  });

  it('routes an MMIO hole inside RAM to the handler', async () => {
    const { hart, bus } = await hartWith([auipc(5, 1), addi(6, 0, 3), sd(6, 5, 0), JSELF]);
    hart.addMmioHole(BASE + 0x1000, 8);
    hart.run(3n);
    assert.deepEqual(bus.log, ['w 0x80001000 8 0x3']);
    assert.equal(hart.readU64(BASE + 0x1000), 0n, 'RAM under the hole is untouched');
  });

  it('returns Stop when a device requests it during an access', async () => {
    const bus = new FakeBus();
    const { hart } = await hartWith([lui(5, UART >>> 12), sw(0, 5, 0), addi(1, 0, 1), addi(1, 0, 2), JSELF], bus);
    bus.onWrite = () => hart.requestStop();
    assert.equal(hart.run(100n), HartExit.Stop);
    assert.ok(hart.instret <= 3n, `stopped right after the store, instret ${hart.instret}`);
  });

  it('returns Wfi when nothing is pending', async () => {
    const { hart } = await hartWith([WFI, JSELF]);
    assert.equal(hart.run(100n), HartExit.Wfi);
    assert.equal(hart.skipToNextTimer(), false);
  });

  it('exposes the virtual clock', async () => {
    const { hart } = await hartWith([JSELF]);
    hart.mtime = 1000n;
    hart.mtimecmp = 5000n;
    assert.equal(hart.mtime, 1000n);
    assert.equal(hart.mtimecmp, 5000n);
  });

  it('reads and writes RAM by physical address', async () => {
    const { hart } = await hartWith([JSELF]);
    hart.writeU32(BASE + 0x200, 0x1234_5678);
    assert.equal(hart.readU32(BASE + 0x200), 0x1234_5678);
    assert.equal(hart.readU8(BASE + 0x200), 0x78);
    hart.writeBytes(BASE + 0x300, new TextEncoder().encode('cellvisor\0junk'));
    assert.equal(hart.readCString(BASE + 0x300), 'cellvisor');
    assert.equal(hart.readCString(BASE + 0x300, 4), 'cell');
    assert.equal(hart.inRam(BASE + (1 << 20) - 8, 8), true);
    assert.equal(hart.inRam(BASE + (1 << 20) - 4, 8), false);
    assert.throws(() => hart.readU32(BASE - 4), RangeError);
    assert.throws(() => hart.writeBytes(BASE + (1 << 20) - 2, Uint8Array.of(1, 2, 3)), RangeError);
  });

  it('hosted M-mode: the exit record holds the trap, and only the chosen causes exit', async () => {
    const ECALL = 0x00000073;
    const ILLEGAL = 0x00000000;
    // 0: ecall (exits), 4: an illegal instruction (enters M natively at mtvec = 0x100).
    const program = [ECALL, ILLEGAL, ...Array<number>(100).fill(JSELF)];
    const { hart } = await hartWith(program);
    openPmp(hart);
    hart.writeCsr('mtvec', BigInt(BASE + 0x100));
    hart.priv = Priv.S;
    hart.setHostedM(true);
    hart.setHostedMCauses(1n << 9n, 0n); // only an ecall from S
    assert.equal(hart.run(10n), HartExit.MTrap);
    assert.deepEqual(hart.exitInfo(), { cause: 9n, tval: 0n, epc: BigInt(BASE) });
    assert.equal(hart.readCsr('mcause'), 0n, 'an exit writes no M CSR');
    hart.pc = BigInt(BASE + 4);
    assert.equal(hart.run(3n), HartExit.Budget, 'the illegal instruction does not leave the module');
    assert.equal(hart.priv, Priv.M);
    assert.equal(hart.readCsr('mcause'), 2n);
    assert.equal(hart.readCsr('mepc'), BigInt(BASE + 4));
    assert.equal(hart.pc, BigInt(BASE + 0x100));
  });

  it('hosted M-mode: a host that resumes at a trapping pc gets the trap again, not a trap loop', async () => {
    // A kernel resumes another thread at the same pc as the last exit (two cells running
    // the same code): no instruction retires in between, and that is no loop.
    const { hart } = await hartWith([0x00000073, JSELF]);
    openPmp(hart);
    hart.priv = Priv.U;
    hart.setHostedM(true);
    for (let i = 0; i < 3; i++) {
      hart.pc = BigInt(BASE);
      assert.equal(hart.run(10n), HartExit.MTrap, `exit ${i}`);
      assert.deepEqual(hart.exitInfo(), { cause: 8n, tval: 0n, epc: BigInt(BASE) });
    }
  });

  it('injects a trap into S-mode as if delegated', async () => {
    const { hart } = await hartWith([NOP, NOP, JSELF]);
    hart.writeCsr('stvec', BigInt(BASE + 0x200) | 1n); // vectored
    hart.writeCsr('sstatus', 2n); // SIE
    hart.priv = Priv.U;
    hart.pc = BigInt(BASE + 4);
    hart.injectTrap(13n, 0x1234n);
    assert.equal(hart.priv, Priv.S);
    assert.equal(hart.pc, BigInt(BASE + 0x200), 'an exception goes to the vector base');
    assert.equal(hart.readCsr('scause'), 13n);
    assert.equal(hart.readCsr('sepc'), BigInt(BASE + 4));
    assert.equal(hart.readCsr('stval'), 0x1234n);
    const sstatus = hart.readCsr('sstatus');
    assert.equal(sstatus & 0x122n, 0x20n, 'SIE cleared, SPIE set, SPP = U');
    hart.injectTrap(5n, 0n, true);
    assert.equal(hart.pc, BigInt(BASE + 0x200 + 4 * 5), 'an interrupt goes to its vector');
    assert.equal(hart.readCsr('scause'), (1n << 63n) | 5n);
    assert.equal(hart.readCsr('sstatus') & 0x100n, 0x100n, 'SPP = S');
  });

  it('injects a trap into a guest (V=1) through VS-mode, or into HS-mode when asked, with H', async () => {
    const MRET = 0x30200073;
    const ECALL = 0x00000073;
    const program = new Array<number>(0x400 / 4).fill(JSELF);
    program[0] = MRET; // M: into the guest at mepc
    program[0x100 / 4] = NOP; // the guest (VS)
    program[0x104 / 4] = ECALL; // cause 10 from VS
    program[0x200 / 4] = ECALL; // vstvec: still V=1, so cause 10 again
    program[0x300 / 4] = ECALL; // stvec: HS-mode, cause 9
    const { hart } = await hartWith(program);
    hart.setProfile('rva22h');
    hart.reset(BigInt(BASE));
    openPmp(hart);
    hart.setHostedM(true);
    hart.writeCsr('mstatus', (1n << 11n) | (1n << 39n)); // MPP = S, MPV = 1
    hart.writeCsr('mepc', BigInt(BASE + 0x100));
    hart.writeCsr('vstvec', BigInt(BASE + 0x200) | 1n); // vectored
    hart.writeCsr('vsstatus', 2n); // SIE
    hart.writeCsr('stvec', BigInt(BASE + 0x300));
    assert.equal(hart.run(10n), HartExit.MTrap);
    assert.deepEqual(hart.exitInfo(), { cause: 10n, tval: 0n, epc: BigInt(BASE + 0x104) }, 'the guest runs in VS-mode');

    // The host injects a load page fault into the guest's supervisor.
    hart.injectTrap(13n, 0x1234n);
    assert.equal(hart.priv, Priv.S);
    assert.equal(hart.pc, BigInt(BASE + 0x200), 'vstvec, not stvec');
    assert.equal(hart.readCsr('vscause'), 13n);
    assert.equal(hart.readCsr('vsepc'), BigInt(BASE + 0x104));
    assert.equal(hart.readCsr('vstval'), 0x1234n);
    assert.equal(hart.readCsr('vsstatus') & 0x122n, 0x120n, 'vsstatus: SIE cleared, SPIE set, SPP = S');
    assert.equal(hart.readCsr('scause'), 0n, 'HS-mode sees nothing');
    assert.equal(hart.readCsr('sepc'), 0n);
    assert.equal(hart.run(10n), HartExit.MTrap);
    assert.deepEqual(hart.exitInfo(), { cause: 10n, tval: 0n, epc: BigInt(BASE + 0x200) }, 'V stays 1');

    // A VS timer interrupt, given by the number the guest sees (5).
    hart.pc = BigInt(BASE + 0x104);
    hart.injectTrap(5n, 0n, true);
    assert.equal(hart.readCsr('vscause'), (1n << 63n) | 5n);
    assert.equal(hart.pc, BigInt(BASE + 0x200 + 4 * 5), 'the vstvec vector of interrupt 5');

    // The hypervisor's own: a guest-page fault into HS-mode, as if from the guest.
    hart.pc = BigInt(BASE + 0x104);
    hart.priv = Priv.S;
    hart.injectTrap(21n, 0x5000n, false, { into: 'HS', gpa: 0x8000_1234n, tinst: 0x3000n });
    assert.equal(hart.pc, BigInt(BASE + 0x300), 'stvec');
    assert.equal(hart.readCsr('scause'), 21n);
    assert.equal(hart.readCsr('sepc'), BigInt(BASE + 0x104));
    assert.equal(hart.readCsr('stval'), 0x5000n);
    assert.equal(hart.readCsr('htval'), 0x8000_1234n >> 2n);
    assert.equal(hart.readCsr('htinst'), 0x3000n);
    assert.equal(hart.readCsr('hstatus') & 0x1c0n, 0x1c0n, 'hstatus: SPV, SPVP (from VS) and GVA set');
    assert.equal(hart.run(10n), HartExit.MTrap);
    assert.deepEqual(hart.exitInfo(), { cause: 9n, tval: 0n, epc: BigInt(BASE + 0x300) }, 'V = 0: HS-mode');

    // From V=0, into HS-mode: hstatus.SPV and GVA are cleared, as a trap from V=0 does.
    hart.pc = BigInt(BASE + 0x304);
    hart.priv = Priv.U;
    hart.injectTrap(2n, 0n);
    assert.equal(hart.pc, BigInt(BASE + 0x300));
    assert.equal(hart.readCsr('hstatus') & 0xc0n, 0n, 'SPV and GVA cleared');
    assert.equal(hart.readCsr('htval'), 0n);
  });

  it('takes a trigger (Sdtrig) breakpoint in U-mode as an MTrap exit when M-mode is hosted', async () => {
    // x1 = BASE + 0x800; U: addi, sd x0 -> 0(x1) (watched by trigger 1), ld 8(x1), j .
    const { hart } = await hartWith([addi(2, 0, 1), sd(0, 1, 0), ld(3, 1, 8), JSELF]);
    hart.setHostedM(true);
    hart.x[1] = BigInt(BASE + 0x800);
    hart.writeU64(BASE + 0x800, 0x1111n);
    hart.writeCsr('pmpaddr0', (1n << 54n) - 1n);
    hart.writeCsr('pmpcfg0', 0x1fn);
    const mcontrol6 = BigInt(TRIGGER_TYPE_MCONTROL6) << BigInt(TDATA1_TYPE_SHIFT);
    hart.writeCsr('tselect', 1n);
    hart.writeCsr('tdata2', BigInt(BASE + 0x804)); // any byte of the 8-byte store matches
    hart.writeCsr('tdata1', mcontrol6 | BigInt(MCONTROL6_U | MCONTROL6_STORE));
    hart.priv = Priv.U;
    assert.equal(hart.run(10n), HartExit.MTrap);
    assert.deepEqual(hart.exitInfo(), { cause: BigInt(CAUSE_BREAKPOINT), tval: BigInt(BASE + 0x800), epc: BigInt(BASE + 4) });
    assert.equal(hart.pc, BigInt(BASE + 4), 'before the store');
    assert.equal(hart.readU64(BASE + 0x800), 0x1111n, 'the store has not happened');
    assert.equal(hart.priv, Priv.U);
    assert.notEqual(hart.readCsr('tdata1') & BigInt(MCONTROL6_HIT0), 0n, 'hit0 is set');
    // A debugger disarms it and resumes: the store and the load on the same page go on.
    hart.writeCsr('tdata1', 0n);
    assert.equal(hart.run(2n), HartExit.Budget);
    assert.equal(hart.readU64(BASE + 0x800), 0n);
    assert.equal(hart.pc, BigInt(BASE + 12));
  });

  it('rejects a RAM size that is not a multiple of 4 KiB', async () => {
    await assert.rejects(Hart.create(readFileSync(HART_WASM), new FakeBus(), { ramSize: 1000 }), /not a positive multiple of 4 KiB/);
  });
});
