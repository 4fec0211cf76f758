// The JIT (docs/hart.md, "JIT") against the interpreter: the same program with
// --jit off and on must print the same, retire the same number of instructions and
// take its traps and interrupts at the same instruction. The JIT runs at a low heat
// here so that nearly every page gets compiled.
//
//   node --import tsx --test test/hart/jit.test.ts

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Hart, Priv, type JitStats } from '../../src/hart/index.js';
import { RamGuestMemory } from '../../src/machine/devices/guest-memory.js';
import { Machine } from '../../src/machine/machine.js';
import { buildTest } from '../asm/harness.js';
import { words } from '../helpers/elf-builder.js';
import { addi, auipc, bne, JSELF, ld, lui } from '../helpers/rv.js';
import { HART_WASM, needHart, needHartAndGcc } from '../helpers/tools.js';

const HEAT = 2;

interface ElfRun {
  kind: string;
  output: string;
  retired: bigint;
  words: Record<string, bigint>;
  addrs: Record<string, bigint>;
  stats: JitStats;
}

async function runElf(elf: string, jit: boolean, symbols: readonly string[] = []): Promise<ElfRun> {
  const chunks: Uint8Array[] = [];
  const machine = await Machine.create(readFileSync(HART_WASM), {
    ramSize: 16 << 20, console: { write: (b: Uint8Array) => chunks.push(b.slice()) }, jit, jitHeat: HEAT,
  });
  const image = machine.loadElf(readFileSync(elf));
  machine.boot(image.entry);
  const outcome = machine.run({ maxInsns: 200_000_000n });
  const values: Record<string, bigint> = {};
  const addrs: Record<string, bigint> = {};
  for (const s of symbols) {
    const at = image.symbols.get(s);
    assert.ok(at !== undefined, `${elf} has no symbol ${s}`);
    values[s] = machine.hart.readU64(Number(at));
    addrs[s] = at;
  }
  return {
    kind: outcome.kind, output: Buffer.concat(chunks).toString('latin1'), retired: machine.retired, words: values, addrs,
    stats: machine.hart.jitStats,
  };
}

describe('JIT against the interpreter', { skip: needHartAndGcc }, () => {
  it('test/asm/jit.S: patched hot code, a straddling store, a trap and an interrupt in hot loops', async () => {
    const elf = buildTest('jit');
    const syms = ['jit_trap_instret', 'jit_irq_epc', 'jit_irq_instret', 'jit_irq_count'];
    const off = await runElf(elf, false, [...syms, 'fn_f', 'fn_f_end']);
    const on = await runElf(elf, true, [...syms, 'fn_f', 'fn_f_end']);
    assert.equal(off.kind, 'exit');
    assert.equal(on.output, off.output);
    assert.equal(on.retired, off.retired);
    assert.deepEqual(on.words, off.words);
    // The interrupt came once, inside the long loop, which the JIT had compiled.
    assert.equal(on.words.jit_irq_count, 1n);
    assert.ok(on.words.jit_irq_epc! >= on.addrs.fn_f! && on.words.jit_irq_epc! < on.addrs.fn_f_end!);
    assert.ok(on.words.jit_trap_instret! > 0n);
    assert.ok(on.stats.compiles > 0 && on.stats.compiledInsns > 0, JSON.stringify(on.stats));
    // Compiled code retired most of the hot loops' instructions, and no more than all.
    assert.ok(on.stats.compiledRetired > Number(on.retired) / 2, JSON.stringify(on.stats));
    assert.ok(on.stats.compiledRetired < Number(on.retired), JSON.stringify(on.stats));
    // Every patch dropped the code of the page it wrote.
    assert.ok(on.stats.dropped >= 4, JSON.stringify(on.stats));
    assert.equal(off.stats.compiles, 0);
    assert.equal(off.stats.compiledRetired, 0);
  });

  it('test/asm/jit_h.S: V=1 code through two G-stage aliases, patched by the guest, a guest-page fault in a hot loop', async () => {
    const elf = buildTest('jit_h');
    const syms = ['jith_cause', 'jith_tval', 'jith_tval2', 'jith_epc', 'jith_instret'];
    const off = await runElf(elf, false, syms);
    const on = await runElf(elf, true, syms);
    assert.equal(off.kind, 'exit');
    assert.equal(on.output, off.output);
    assert.equal(on.retired, off.retired);
    // The fault in the hot loop: same cause, addresses and instret at the trap.
    assert.deepEqual(on.words, off.words);
    assert.equal(on.words.jith_cause, 21n);
    assert.ok(on.words.jith_instret! > 0n);
    // fn's page runs only in VS-mode: the guest's patch dropped its compiled code.
    assert.ok(on.stats.compiles > 0 && on.stats.dropped >= 1, JSON.stringify(on.stats));
  });

  it('test/asm/jit_trap.S: EBREAK and illegal instructions trap from compiled code as from the interpreter', async () => {
    const elf = buildTest('jit_trap');
    const syms = ['jt_count', 'jt_cause', 'jt_epc', 'jt_tval', 'jt_instret'];
    const off = await runElf(elf, false, syms);
    const on = await runElf(elf, true, syms);
    assert.equal(off.kind, 'exit');
    assert.equal(on.output, off.output);
    assert.equal(on.retired, off.retired);
    // Every trap: same cause, pc, mtval and minstret (summed over the 1200 traps).
    assert.deepEqual(on.words, off.words);
    assert.equal(on.words.jt_count, 1200n);
    assert.ok(on.words.jt_tval !== 0n && on.words.jt_instret! > 0n);
    // The functions that trap were compiled (their page's only code).
    assert.ok(on.stats.compiles > 0 && on.stats.compiledInsns > 0, JSON.stringify(on.stats));
  });

  for (const name of ['jit_alias', 'rv64i_control', 'c_ext', 'm_ext', 'int_random', 'zb', 'sv39', 'fence', 'traps', 'interrupts', 'misaligned']) {
    it(`test/asm/${name}.S: same output and instruction count`, async () => {
      const elf = buildTest(name);
      const off = await runElf(elf, false);
      const on = await runElf(elf, true);
      assert.equal(on.output, off.output);
      assert.equal(on.retired, off.retired);
      assert.equal(on.kind, off.kind);
    });
  }
});

const BASE = 0x8000_0000;
const bus = { mmioRead: () => undefined, mmioWrite: () => false };
const jal = (rd: number, offset: number): number =>
  ((((offset >> 20) & 1) << 31) | (((offset >> 1) & 0x3ff) << 21) | (((offset >> 11) & 1) << 20) |
    (((offset >> 12) & 0xff) << 12) | (rd << 7) | 0x6f) >>> 0;
const jalr = (rd: number, rs1: number, imm: number): number => (((imm & 0xfff) << 20) | (rs1 << 15) | (rd << 7) | 0x67) >>> 0;
const RET = jalr(0, 1, 0);
/** csrrs rd, csr, x0: a CSR read, which compiled code leaves to the interpreter. */
const csrr = (rd: number, csr: number): number => ((csr << 20) | (2 << 12) | (rd << 7) | 0x73) >>> 0;

/**
 * x10 += f() N times, f on the next page: `addi x10, x10, 1; ret`. Returns the hart
 * stopped at the final `j .`.
 */
async function callLoop(jit: boolean, n: number): Promise<Hart> {
  const hart = await Hart.create(readFileSync(HART_WASM), bus, { ramSize: 1 << 20, jit });
  if (jit) hart.setJit(true, HEAT);
  // 0: x10 = 0; x11 = n; loop: jal f; x11 -= 1; bne x11, x0, loop; j .
  hart.writeBytes(BASE, words(addi(10, 0, 0), addi(11, 0, n), jal(1, 0x1000 - 8), addi(11, 11, -1), bne(11, 0, -8), JSELF));
  hart.writeBytes(BASE + 0x1000, words(addi(10, 10, 1), RET));
  hart.reset(BigInt(BASE));
  return hart;
}

function runTo(hart: Hart, pc: number, budget = 10_000n): void {
  for (let i = 0; i < 10_000 && hart.pc !== BigInt(pc); i++) hart.run(budget);
  assert.equal(hart.pc, BigInt(pc));
}

/**
 * A loop on one page calling f on the next 1000 times (compiled code chains between
 * the two pages' functions); f counts in x10, reads mscratch (not compiled: the
 * interpreter runs it and compiled code resumes after it) and loads from x13 + 8k,
 * which leaves RAM at the 501st call: a load access fault inside f, taken through
 * mtvec to `j .`.
 */
async function chainedFault(jit: boolean): Promise<Hart> {
  const hart = await Hart.create(readFileSync(HART_WASM), bus, { ramSize: 1 << 20, jit });
  if (jit) hart.setJit(true, HEAT);
  hart.writeBytes(BASE, words(
    addi(10, 0, 0), auipc(13, 0x100), addi(13, 13, -2000), addi(13, 13, -2004), // x13 = end of RAM - 4000
    addi(11, 0, 1000), jal(1, 0x1000 - 20), addi(11, 11, -1), bne(11, 0, -8), JSELF,
  ));
  hart.writeBytes(BASE + 0x800, words(JSELF)); // the trap handler
  hart.writeBytes(BASE + 0x1000, words(addi(10, 10, 1), csrr(14, 0x340), ld(12, 13, 0), addi(13, 13, 8), RET));
  hart.reset(BigInt(BASE));
  hart.writeCsr('mtvec', BigInt(BASE + 0x800));
  hart.writeCsr('mscratch', 42n);
  return hart;
}

describe('JIT chaining between pages', { skip: needHart }, () => {
  it('a fault in a function chained to from another page is taken at the same instruction and instret', async () => {
    const results = [];
    for (const jit of [false, true]) {
      const hart = await chainedFault(jit);
      runTo(hart, BASE + 0x800);
      results.push({
        instret: hart.instret, x: [10, 11, 12, 13, 14].map((r) => hart.x[r]),
        trap: ['mcause', 'mepc', 'mtval'].map((c) => hart.readCsr(c as 'mcause')), stats: hart.jitStats,
      });
    }
    const [off, on] = results;
    assert.deepEqual(on!.trap, off!.trap);
    assert.deepEqual(on!.x, off!.x);
    assert.equal(on!.instret, off!.instret);
    assert.deepEqual(off!.trap, [5n, BigInt(BASE + 0x1008), BigInt(BASE + 0x10_0000)]);
    assert.equal(off!.x[0], 501n);
    assert.equal(off!.x[4], 42n);
    assert.ok(on!.stats.livePages >= 2, JSON.stringify(on!.stats));
  });

  it('chained code ends each run() on the budget exactly, where the interpreter does', async () => {
    const off = await chainedFault(false);
    const on = await chainedFault(true);
    for (const step of [1n, 7n, 100n, 997n, 4095n, 4097n, 3n, 1000n]) {
      off.run(step);
      on.run(step);
      assert.equal(on.instret, off.instret);
      assert.equal(on.pc, off.pc, `after ${on.instret} instructions`);
      assert.deepEqual([10, 11, 13].map((r) => on.x[r]), [10, 11, 13].map((r) => off.x[r]));
    }
    assert.ok(on.jitStats.livePages >= 2, JSON.stringify(on.jitStats));
  });
});

describe('JIT invalidation by host writes', { skip: needHart }, () => {
  for (const how of ['writeU32', 'DMA (RamGuestMemory)'] as const) {
    it(`code written by the host (${how}) after it became hot runs in its new form`, async () => {
      const results = [];
      for (const jit of [false, true]) {
        const hart = await callLoop(jit, 1000);
        hart.run(1500n); // about half the loop: f is hot
        const patch = addi(10, 10, 100);
        if (how === 'writeU32') hart.writeU32(BASE + 0x1000, patch);
        else new RamGuestMemory(hart.ram, hart.ramBase, (pa, len) => hart.codeWritten(pa, len)).write(BASE + 0x1000, words(patch));
        runTo(hart, BASE + 20);
        results.push({ x10: hart.x[10], instret: hart.instret, stats: hart.jitStats });
      }
      const [off, on] = results;
      assert.equal(on!.x10, off!.x10);
      assert.equal(on!.instret, off!.instret);
      assert.ok(off!.x10 > 1000n, 'the patch took effect');
      assert.ok(on!.stats.compiles > 0 && on!.stats.dropped > 0, JSON.stringify(on!.stats));
    });
  }

  it('a long compiled loop ends each run() on the budget exactly', async () => {
    const hart = await Hart.create(readFileSync(HART_WASM), bus, { ramSize: 1 << 20, jit: true });
    hart.setJit(true, HEAT);
    // x1 counts to 2^20 in a 2-instruction loop.
    hart.writeBytes(BASE, words(lui(2, 0x100), addi(1, 1, 1), bne(1, 2, -4), JSELF));
    hart.reset(BigInt(BASE));
    for (const step of [1n, 7n, 1000n, 4095n, 4097n, 123_457n]) {
      const before = hart.instret;
      hart.run(step);
      assert.equal(hart.instret - before, step);
    }
    assert.ok(hart.jitStats.compiles > 0);
    runTo(hart, BASE + 12, 100_000n);
    assert.equal(hart.x[1], 1n << 20n);
  });
});

/** xorshift32: reproducible random bytes. */
function randomBytes(seed: number, n: number): Uint8Array {
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

/**
 * Random bytes run as code (mostly illegal encodings, EBREAKs and faults, each trap
 * going to a handler inside the random code, or hosted: every trap into M an exit
 * that resumes elsewhere), in M, S or U: everything the hart shows at the end.
 */
async function randomRun(seed: number, jit: boolean, hosted: boolean): Promise<{ text: string; compiles: number; traps: number }> {
  const CODE = 64 << 10;
  const machine = await Machine.create(readFileSync(HART_WASM), {
    ramSize: 8 << 20, console: { write: () => {} }, jit, jitHeat: HEAT,
  });
  const hart = machine.hart;
  const code = randomBytes(seed, CODE);
  if (seed % 2 === 0) for (let i = 0; i < CODE; i += 4) code[i]! |= 3; // 32-bit encodings
  hart.writeBytes(hart.ramBase, code);
  const base = BigInt(hart.ramBase);
  const traps: string[] = [];
  if (hosted) {
    machine.hostM({
      handleMTrap: (t) => {
        traps.push(`${t.cause}@${t.epc}:${t.tval}:${machine.retired}`);
        if (traps.length >= 200) return { kind: 'firmware-fault', pc: t.epc, message: 'enough traps' };
        hart.pc = base + BigInt((seed * 4096 + traps.length * 4 * 97) % CODE);
        return undefined;
      },
    });
  }
  machine.boot(base, { priv: hosted ? Priv.S : [Priv.M, Priv.S, Priv.U][seed % 3]!, a0: base, a1: base + 0x1000n });
  hart.writeCsr('pmpaddr0', (1n << 54n) - 1n);
  hart.writeCsr('pmpcfg0', 0x1fn);
  hart.writeCsr('mtvec', base + BigInt((seed * 4096) % CODE));
  const outcome = machine.run({ maxInsns: 300_000n });
  const csrs = (['mepc', 'mcause', 'mtval', 'minstret', 'mstatus'] as const).map((c) => hart.readCsr(c));
  const text = JSON.stringify({ outcome, retired: machine.retired, pc: hart.pc, priv: hart.priv, x: [...hart.x], csrs, traps },
    (_, v: unknown) => (typeof v === 'bigint' ? v.toString(16) : v));
  return { text, compiles: hart.jitStats.compiles, traps: traps.length };
}

describe('JIT against the interpreter on random code', { skip: needHart }, () => {
  it('ends, traps and retires as the interpreter does (compiled EBREAK and illegal encodings among it)', async () => {
    let compiles = 0;
    let hostedTraps = 0;
    for (let seed = 1; seed <= 24; seed++) {
      for (const hosted of [false, true]) {
        const off = await randomRun(seed, false, hosted);
        const on = await randomRun(seed, true, hosted);
        assert.equal(on.text, off.text, `seed ${seed}${hosted ? ', hosted' : ''}`);
        compiles += on.compiles;
        hostedTraps += on.traps;
      }
    }
    assert.ok(compiles > 0 && hostedTraps > 0, `${compiles} compilations, ${hostedTraps} hosted traps`);
  });
});
