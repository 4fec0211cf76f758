import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { disassemble } from '../../src/hart/disasm.js';
import { GCC, needGcc } from '../helpers/tools.js';

const PC = 0x8000_0000n;

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

  it('agrees with objdump on 20000 random instruction words', { skip: needGcc }, () => {
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const lines = ['.text'];
    for (let k = 0; k < 20000; k++) {
      const w = ((next() & 0xffff) | ((next() & 0xffff) << 16)) >>> 0;
      // .insn checks the length bits: keep 16-bit words 16-bit and 32-bit words 32-bit.
      if (k % 3 === 0) lines.push(`.insn 0x${((w & 0xfffc) | (next() % 3)).toString(16)}`);
      else lines.push(`.insn 0x${(((w | 3) & ((w & 0x1c) === 0x1c ? ~0x10 : ~0)) >>> 0).toString(16)}`);
    }
    const dir = mkdtempSync(join(tmpdir(), 'cellvisor-disasm-'));
    try {
      writeFileSync(join(dir, 'r.S'), `${lines.join('\n')}\n`);
      const as = spawnSync(GCC, ['-c', '-march=rv64gc', '-mabi=lp64d', join(dir, 'r.S'), '-o', join(dir, 'r.o')], { encoding: 'utf8' });
      assert.equal(as.status, 0, as.stderr);
      const dump = spawnSync('riscv64-unknown-elf-objdump', ['-d', '-M', 'no-aliases', join(dir, 'r.o')], { encoding: 'utf8', maxBuffer: 1 << 28 });
      assert.equal(dump.status, 0, dump.stderr);
      const mismatches: string[] = [];
      let checked = 0;
      for (const line of dump.stdout.split('\n')) {
        const m = /^\s*([0-9a-f]+):\t([0-9a-f]+)\s+\t(.*)$/.exec(line);
        if (!m) continue;
        checked++;
        const want = m[3].replace(/\s*<[^>]*>/, '').replace(/\s*#.*/, '').replace('\t', ' ').trim();
        const got = disassemble(parseInt(m[2], 16), BigInt(`0x${m[1]}`));
        // objdump knows more CSR names than our table (stateen, hpm*h, ...): a number is fine.
        const sameButCsr = got.replace(/,0x[0-9a-f]+,/, ',CSR,') === want.replace(/,[a-z0-9]+,/, ',CSR,') && /^csrr/.test(got);
        if (got !== want && !sameButCsr) mismatches.push(`${m[2]}: objdump '${want}', ours '${got}'`);
      }
      assert.equal(checked, 20000);
      assert.deepEqual(mismatches.slice(0, 20), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
