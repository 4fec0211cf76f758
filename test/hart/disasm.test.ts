import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CAUSE_ILLEGAL_INSTRUCTION } from '../../src/hart/causes.js';
import { disassemble } from '../../src/hart/disasm.js';
import { Hart, HartExit, Priv, type CpuProfile } from '../../src/hart/index.js';
import { MSTATUS_FS } from '../../src/hart/spec/csr.js';
import { GCC, HART_WASM, needGcc, needHart } from '../helpers/tools.js';

const PC = 0x8000_0000n;
/** Every extension of the default profile that has instructions and binutils 2.40 knows (not Zicond). */
const EXTENSIONS = ['zba', 'zbb', 'zbs', 'zicbom', 'zicboz', 'zicbop', 'zihintpause', 'zfhmin', 'svinval'];
/** H's instructions too (-march takes it as the 'h' letter's extension). */
const OBJDUMP_EXTENSIONS = [...EXTENSIONS, 'h'];

/** A reproducible stream of 32-bit numbers. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const hi = s >>> 16;
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return ((hi << 16) | (s >>> 16)) >>> 0;
  };
}

/**
 * Random instruction words: 16-bit ones, fully random 32-bit ones, and 32-bit ones in
 * the encoding space of each extension beyond RV64GC (its major opcodes with the funct
 * values it uses and their neighbours, every other field random), so that each
 * extension's instructions and the reserved encodings around them all come up.
 */
function randomWords(seed: number, count: number): number[] {
  const next = lcg(seed);
  const of = <T>(xs: readonly T[]): T => xs[next() % xs.length];
  const f7s = [0x00, 0x01, 0x04, 0x05, 0x07, 0x10, 0x14, 0x20, 0x24, 0x30, 0x34, 0x35, 0x25, 0x15];
  const rs2s = [0, 1, 2, 3, 4, 5, 7, 8, 0x18];
  const words: number[] = [];
  const field = (w: number, from: number, width: number, v: number): number =>
    ((w & ~(((1 << width) - 1) << from)) | ((v & ((1 << width) - 1)) << from)) >>> 0;
  for (let k = 0; k < count; k++) {
    let w = next();
    switch (k % 8) {
      case 0: words.push((w & 0xfffc) | (next() % 3)); continue; // compressed
      case 1: break; // anything 32-bit
      case 2: case 3: // Zba, Zbb, Zbs, Zicond: OP, OP-32, OP-IMM, OP-IMM-32
        w = field(w, 0, 7, of([0x33, 0x3b, 0x13, 0x1b]));
        w = field(w, 25, 7, next() % 4 === 0 ? next() : of(f7s));
        if (next() % 2) w = field(w, 20, 5, of(rs2s));
        if (next() % 8 === 0) w = field(field(w, 0, 7, 0x33), 25, 7, 0x07); // Zicond's funct7
        break;
      case 4: // Zicbom, Zicboz, Zicbop, Zihintpause: MISC-MEM, and ORI with rd = x0
        if (next() % 2) {
          w = field(field(w, 0, 7, 0x0f), 12, 3, of([0, 1, 2, 2, 2]));
          if (next() % 4) w = field(w, 7, 5, 0);
          if (next() % 2) w = field(w, 20, 12, of([0, 1, 2, 3, 4, 5, 0x10]));
          if (next() % 8 === 0) w = 0x0100000f;
        } else {
          w = field(field(field(w, 0, 7, 0x13), 12, 3, 6), 7, 5, next() % 4 ? 0 : next());
          if (next() % 2) w = field(w, 20, 5, of([0, 1, 2, 3, 4]));
        }
        break;
      case 5: case 6: // Zfhmin: LOAD-FP, STORE-FP, OP-FP
        if (next() % 3 === 0) {
          w = field(field(w, 0, 7, of([0x07, 0x27])), 12, 3, of([1, 1, 2, 3, 4]));
        } else {
          w = field(w, 0, 7, 0x53);
          w = field(w, 25, 7, of([0x20, 0x21, 0x22, 0x23, 0x72, 0x7a, 0x02, 0x2e, 0x52, 0x62, 0x6a, 0x73, 0x7b]));
          w = field(w, 20, 5, of([0, 1, 2, 3, next()]));
          if (next() % 2) w = field(w, 12, 3, of([0, 7, 1]));
        }
        break;
      case 7: // Svinval and the other SYSTEM encodings without a CSR
        w = field(field(w, 0, 7, 0x73), 12, 3, 0);
        w = field(w, 25, 7, of([0x08, 0x09, 0x0b, 0x0c, 0x11, 0x18, 0x31]));
        if (next() % 2) w = field(w, 7, 5, 0);
        if (next() % 4 === 0) w = of([0x18000073, 0x18100073, 0x10200073, 0x30200073, 0x10500073]);
        break;
    }
    // A 32-bit word must not look like a longer encoding (bits 4:2 = 111).
    words.push(((w | 3) & ((w & 0x1c) === 0x1c ? ~0x10 : ~0)) >>> 0);
  }
  return words;
}

/** Zicond, which binutils 2.40 does not know: the name its specification gives, or undefined. */
function zicondName(w: number): string | undefined {
  if ((w & 0x7f) !== 0x33 || w >>> 25 !== 0x07) return undefined;
  const f3 = (w >>> 12) & 7;
  if (f3 !== 5 && f3 !== 7) return undefined;
  const X = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
    'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];
  return `czero.${f3 === 5 ? 'eqz' : 'nez'} ${X[(w >>> 7) & 31]},${X[(w >>> 15) & 31]},${X[(w >>> 20) & 31]}`;
}

const ROUNDING = ['rne', 'rtz', 'rdn', 'rup', 'rmm'];

/** fcvt.d.s, fcvt.d.w, fcvt.d.wu, fcvt.s.h, fcvt.d.h: conversions that never round. */
function exactConversion(w: number): boolean {
  if ((w & 0x7f) !== 0x53) return false;
  const f7 = w >>> 25;
  const rs2 = (w >>> 20) & 31;
  return (f7 === 0x21 && (rs2 === 0 || rs2 === 2)) || (f7 === 0x69 && rs2 < 2) || (f7 === 0x20 && rs2 === 2);
}

/** Whether the disassembler names `text` as an instruction (objdump's `unknown` marks a reserved rounding mode). */
const named = (text: string): boolean => !/^\.[24]byte /.test(text) && !/^f(?!ence).*,unknown$/.test(text);

describe('disassembler', () => {
  it('names common instructions as objdump -M no-aliases does', () => {
    const cases: [number, string][] = [
      [0x00100513, 'addi a0,zero,1'],
      [0x0505, 'c.addi a0,1'],
      [0xffbff06f, 'jal zero,7ffffffa'],
      [0x00008067, 'jalr zero,0(ra)'],
      [0x30002573, 'csrrs a0,mstatus,zero'],
      [0x3052d073, 'csrrwi zero,mtvec,5'],
      [0x0ff0000f, 'fence iorw,iorw'],
      [0x1605a52f, 'lr.w.aqrl a0,(a1)'],
      [0xc2051553, 'fcvt.w.d a0,fa0,rtz'],
      [0x10500073, 'wfi'],
      [0x30200073, 'mret'],
      [0x12b50073, 'sfence.vma a0,a1'],
      [0x77fd, 'c.lui a5,0xfffff'],
      [0x00000000 & 0xffff, '.2byte 0x0'],
      [0xffffffff, '.4byte 0xffffffff'],
    ];
    for (const [insn, text] of cases) assert.equal(disassemble(insn, PC), text, `0x${insn.toString(16)}`);
  });

  it('names the instructions of the default profile beyond RV64GC', () => {
    // Encodings from `objdump -d -M no-aliases` of the assembled instructions, and
    // for Zicond from its specification (funct7 0000111, funct3 101 / 111).
    const cases: [number, string][] = [
      [0x20c5a533, 'sh1add a0,a1,a2'],
      [0x08c5853b, 'add.uw a0,a1,a2'],
      [0x0835951b, 'slli.uw a0,a1,0x3'],
      [0x0805c53b, 'zext.h a0,a1'],
      [0x60059513, 'clz a0,a1'],
      [0x6025951b, 'cpopw a0,a1'],
      [0x6b85d513, 'rev8 a0,a1'],
      [0x2875d513, 'orc.b a0,a1'],
      [0x28559513, 'bseti a0,a1,0x5'],
      [0x0ac5c533, 'min a0,a1,a2'],
      [0x60c5d53b, 'rorw a0,a1,a2'],
      [0x0ec5d533, 'czero.eqz a0,a1,a2'],
      [0x0ec5f533, 'czero.nez a0,a1,a2'],
      [0x0045200f, 'cbo.zero (a0)'],
      [0x0005200f, 'cbo.inval (a0)'],
      [0x04156013, 'prefetch.r 64(a0)'],
      [0x02056013, 'prefetch.i 32(a0)'],
      [0x0100000f, 'pause'],
      [0x00251507, 'flh fa0,2(a0)'],
      [0x00a51127, 'fsh fa0,2(a0)'],
      [0xe4050553, 'fmv.x.h a0,fa0'],
      [0x40258553, 'fcvt.s.h fa0,fa1'],
      [0x4415f553, 'fcvt.h.d fa0,fa1'],
      [0x16b50073, 'sinval.vma a0,a1'],
      [0x18000073, 'sfence.w.inval'],
      [0x18100073, 'sfence.inval.ir'],
    ];
    for (const [insn, text] of cases) assert.equal(disassemble(insn, PC), text, `0x${insn.toString(16)}`);
  });

  it(`agrees with objdump (RV64GC, ${EXTENSIONS.join(', ')}) on 24000 random instruction words`, { skip: needGcc }, () => {
    const words = randomWords(12345, 24000);
    // (GCC 12's -march does not take Svinval; the assembler's .option arch does.)
    // binutils 2.40 names exact conversions only with rm = RNE (000): for the others,
    // objdump is asked about the same word with rm = 000 and the rounding mode appended.
    const twins = words.filter((w) => exactConversion(w) && ((w >>> 12) & 7) !== 0).map((w) => (w & ~0x7000) >>> 0);
    const lines = [`.option arch, ${OBJDUMP_EXTENSIONS.map((e) => `+${e}`).join(', ')}`, '.text',
      ...[...words, ...twins].map((w) => `.insn 0x${w.toString(16)}`)];
    const dir = mkdtempSync(join(tmpdir(), 'cellvisor-disasm-'));
    try {
      writeFileSync(join(dir, 'r.S'), `${lines.join('\n')}\n`);
      const as = spawnSync(GCC, ['-c', '-march=rv64gc', '-mabi=lp64d', join(dir, 'r.S'), '-o', join(dir, 'r.o')], { encoding: 'utf8' });
      assert.equal(as.status, 0, as.stderr);
      const dump = spawnSync('riscv64-unknown-elf-objdump', ['-d', '-M', 'no-aliases', join(dir, 'r.o')], { encoding: 'utf8', maxBuffer: 1 << 28 });
      assert.equal(dump.status, 0, dump.stderr);
      const listing: [string, number, string][] = [];
      for (const line of dump.stdout.split('\n')) {
        const m = /^\s*([0-9a-f]+):\t([0-9a-f]+)\s+\t(.*)$/.exec(line);
        if (m) listing.push([m[1], parseInt(m[2], 16), m[3].replace(/\s*<[^>]*>/, '').replace(/\s*#.*/, '').replace('\t', ' ').trim()]);
      }
      assert.equal(listing.length, words.length + twins.length);
      const twinText = new Map(listing.slice(words.length).map(([, w, text]) => [w, text]));
      const mismatches: string[] = [];
      let zicond = 0;
      for (const [addr, word, objdump] of listing.slice(0, words.length)) {
        let want = objdump;
        const f3 = (word >>> 12) & 7;
        if (exactConversion(word) && f3 !== 0 && f3 !== 5 && f3 !== 6) {
          want = `${twinText.get((word & ~0x7000) >>> 0) ?? '?'}${f3 === 7 ? '' : `,${ROUNDING[f3]}`}`;
        }
        // SFENCE.VM is privileged spec 1.9's, replaced by SFENCE.VMA: the hart and we know it no more.
        if (/^sfence\.vm\b/.test(want)) want = `.4byte 0x${word.toString(16)}`;
        const spec = zicondName(word);
        if (spec !== undefined) {
          assert.equal(want, `.4byte 0x${word.toString(16)}`, 'binutils learnt Zicond: compare with objdump instead');
          want = spec;
          zicond++;
        }
        const got = disassemble(word, BigInt(`0x${addr}`));
        // objdump knows more CSR names than our table (stateen, hpm*h, ...): a number is fine.
        const sameButCsr = got.replace(/,0x[0-9a-f]+,/, ',CSR,') === want.replace(/,[a-z0-9]+,/, ',CSR,') && /^csrr/.test(got);
        if (got !== want && !sameButCsr) mismatches.push(`${word.toString(16)}: objdump '${want}', ours '${got}'`);
      }
      assert.ok(zicond > 100, `only ${zicond} Zicond words came up`);
      assert.deepEqual(mismatches.slice(0, 20), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Runs each word alone in M-mode (hosted, so a trap is an exit; FP on, every other CSR
 * at its reset value) and says whether it raised an illegal-instruction exception.
 */
async function illegalOnHart(profile: CpuProfile, words: readonly number[]): Promise<boolean[]> {
  const fail = { mmioRead: () => undefined, mmioWrite: () => false };
  const hart = await Hart.create(readFileSync(HART_WASM), fail, { ramSize: 1 << 20 });
  hart.setProfile(profile);
  hart.setHostedM(true);
  return words.map((w, k) => {
    // Two slots in turn: a trap at the very pc of the last one, with nothing retired
    // between them, would be reported as a trap loop.
    const pc = hart.ramBase + 8 * (k % 2);
    hart.writeU32(pc, w);
    hart.priv = Priv.M;
    hart.pc = BigInt(pc);
    hart.writeCsr('mstatus', BigInt(MSTATUS_FS));
    hart.writeCsr('fcsr', 0n);
    const exit = hart.run(1n);
    return exit === HartExit.MTrap && hart.exitInfo().cause === BigInt(CAUSE_ILLEGAL_INSTRUCTION);
  });
}

// Encodings the hart executes although objdump (and so the disassembler) does not
// name them: reserved fields of FENCE and FENCE.I, which the unprivileged spec tells
// implementations to ignore ("Memory Ordering Instructions", "Zifencei").
const fenceWithReservedFields = (w: number): boolean => (w & 0x7f) === 0x0f && ((w >>> 12) & 7) < 2;
// CSR instructions are named whatever the CSR; whether one exists is the CSR file's matter.
const csrInstruction = (w: number): boolean => (w & 0x7f) === 0x73 && ((w >>> 12) & 3) !== 0;

describe('the hart and the disassembler', { skip: needHart }, () => {
  const words = randomWords(777, 24000).filter((w) => !csrInstruction(w));

  it('agree on the default profile: the hart executes exactly what the disassembler names', async () => {
    const illegal = await illegalOnHart('rva22', words);
    const wrong: string[] = [];
    words.forEach((w, k) => {
      const text = disassemble(w, PC);
      if (fenceWithReservedFields(w) && !named(text)) return;
      if (named(text) === illegal[k]) {
        wrong.push(`0x${w.toString(16)} '${text}': ${illegal[k] ? 'illegal on the hart' : 'executed by the hart'}`);
      }
    });
    assert.deepEqual(wrong.slice(0, 20), []);
  });

  it('on rv64gc, name every instruction the hart executes', async () => {
    const illegal = await illegalOnHart('rv64gc', words);
    const unnamed = words.filter((w, k) => !illegal[k] && !named(disassemble(w, PC)) && !fenceWithReservedFields(w));
    assert.deepEqual(unnamed.slice(0, 20).map((w) => `0x${w.toString(16)} '${disassemble(w, PC)}'`), []);
    // ... and the profile really is smaller: Zba's sh1add is illegal there.
    assert.deepEqual(await illegalOnHart('rv64gc', [0x20c5a533]), [true]);
  });
});
