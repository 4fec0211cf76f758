import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildElf, words } from '../helpers/elf-builder.js';
import { JSELF } from '../helpers/rv.js';
import { assemble, needHartAndGcc, ROOT, scratchFile } from '../helpers/tools.js';

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cellvisor(...args: string[]): Result {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], {
    cwd: ROOT, encoding: 'utf8', timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** One line on stderr, no stack trace. */
function assertOneLine(r: Result, status: number, line: string | RegExp): void {
  assert.equal(r.status, status, `status; stderr: ${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
  if (typeof line === 'string') assert.equal(lines[0], line);
  else assert.match(lines[0], line);
}

const goodElf = () => buildElf({ segments: [{ paddr: 0x8000_0000n, data: words(JSELF) }] });

describe('cellvisor (dispatch)', () => {
  it('prints help and the version', () => {
    const help = cellvisor('--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: cellvisor <command>/);
    assert.match(help.stdout, /elf FILE\.elf/);
    const version = cellvisor('--version');
    assert.equal(version.status, 0);
    assert.match(version.stdout, /^cellvisor \d+\.\d+\.\d+\n$/);
    const elfHelp = cellvisor('elf', '--help');
    assert.equal(elfHelp.status, 0);
    assert.match(elfHelp.stdout, /--max-insns N/);
    assert.match(elfHelp.stdout, /Exit status:/);
  });

  it('rejects a missing or unknown command with status 2', () => {
    assertOneLine(cellvisor(), 2, "cellvisor: missing command; see 'cellvisor --help'");
    assertOneLine(cellvisor('boot'), 2, "cellvisor: boot: unknown command; see 'cellvisor --help'");
  });
});

describe('cellvisor elf: bad input', () => {
  it('rejects an unknown --cpu, listing the accepted ones', () => {
    for (const command of ['elf', 'machine']) {
      const args = command === 'elf' ? ['x.elf'] : ['--kernel', 'Image'];
      assertOneLine(cellvisor(command, '--cpu', 'rv32gc', ...args), 2,
        /^cellvisor: --cpu: unknown CPU 'rv32gc'; accepted: rv64gc \(.*\), rva22 \(.*\)$/);
    }
  });

  it('rejects a --jit that is not on or off', () => {
    for (const command of ['elf', 'machine', 'run']) {
      const args = command === 'elf' ? ['x.elf'] : command === 'machine' ? ['--kernel', 'Image'] : ['x.yaml'];
      assertOneLine(cellvisor(command, '--jit', 'yes', ...args), 2, "cellvisor: --jit: 'yes' is not on or off");
    }
  });

  it('rejects a missing file argument and extra arguments', () => {
    assertOneLine(cellvisor('elf'), 2, 'cellvisor: elf: missing FILE.elf');
    assertOneLine(cellvisor('elf', 'a.elf', 'b.elf'), 2, 'cellvisor: elf: expected one file, got 2');
  });

  it('names a file that does not exist or is a directory', () => {
    assertOneLine(cellvisor('elf', 'no/such.elf'), 2, 'cellvisor: no/such.elf: no such file');
    assertOneLine(cellvisor('elf', 'test'), 2, 'cellvisor: test: is a directory, not a file');
  });

  it('rejects files that are not RISC-V ELF64 executables', () => {
    const text = scratchFile('script.sh', '#!/bin/sh\n');
    assertOneLine(cellvisor('elf', text), 2, `cellvisor: ${text}: not an ELF file (no \\x7fELF magic)`);
    const elf32 = scratchFile('elf32.elf', buildElf({ segments: [{ paddr: 0x8000_0000n, data: words(JSELF) }], elfClass: 1 }));
    assertOneLine(cellvisor('elf', elf32), 2, /: not ELF64: this is a 32-bit ELF/);
    const x86 = scratchFile('x86.elf', buildElf({ segments: [{ paddr: 0x8000_0000n, data: words(JSELF) }], machine: 62 }));
    assertOneLine(cellvisor('elf', x86), 2, /: built for x86-64, not RISC-V/);
    const truncated = scratchFile('truncated.elf', goodElf().subarray(0, 30));
    assertOneLine(cellvisor('elf', truncated), 2, /: truncated: 30 bytes, shorter than the 64-byte ELF64 header$/);
  });

  it('rejects bad options and numbers before touching the file', () => {
    assertOneLine(cellvisor('elf', 'x.elf', '--frobnicate'), 2, "cellvisor: --frobnicate: unknown option; see 'cellvisor elf --help'");
    assertOneLine(cellvisor('elf', 'x.elf', '--max-insns', 'lots'), 2, "cellvisor: --max-insns: expected a positive integer, got 'lots'");
    assertOneLine(cellvisor('elf', 'x.elf', '--max-insns=0'), 2, "cellvisor: --max-insns: expected a positive integer, got '0'");
    assertOneLine(cellvisor('elf', 'x.elf', '--max-insns'), 2, 'cellvisor: --max-insns: needs a value');
    assertOneLine(cellvisor('elf', 'x.elf', '-m', 'big'), 2, "cellvisor: -m: expected a size like 128M or 1G, got 'big'");
    assertOneLine(cellvisor('elf', 'x.elf', '-m', '3G'), 2, /cellvisor: -m: RAM size 3G is larger than the 2G/);
    assertOneLine(cellvisor('elf', 'x.elf', '--trace=yes'), 2, 'cellvisor: --trace: takes no value');
  });

  it('rejects a segment outside RAM, naming the RAM that -m sets', () => {
    const low = scratchFile('low.elf', buildElf({ segments: [
      { paddr: 0x8000_0000n, data: words(JSELF) }, { paddr: 0x1000n, data: new Uint8Array(0x200) },
    ] }));
    assertOneLine(cellvisor('elf', low), 2, `cellvisor: ${low}: segment 1 at 0x1000 (0x200 bytes) lies outside RAM 0x80000000-0x88000000`);
    const high = scratchFile('high.elf', buildElf({ segments: [{ paddr: 0x8100_0000n, data: words(JSELF) }] }));
    assertOneLine(cellvisor('elf', high, '-m', '16M'), 2, `cellvisor: ${high}: segment 0 at 0x81000000 (0x4 bytes) lies outside RAM 0x80000000-0x81000000`);
  });
});

// Programs for the running hart, assembled by the cross compiler.
const FINISHER = (value: string) => `
  .globl _start
_start:
  li t0, 0x100000
  li t1, ${value}
  sw t1, 0(t0)
1: j 1b
`;

const HTIF = (body: string) => `
  .globl _start
_start:
${body}
1: j 1b
putchar:                 # a0 = character
  li t0, 0x0101000000000000
  or t0, t0, a0
  la t1, tohost
  sd t0, 0(t1)
  ret
  .section .tohost, "aw", @progbits
  .align 6
  .globl tohost
tohost: .dword 0
  .align 6
  .globl fromhost
fromhost: .dword 0
`;

describe('cellvisor elf: running programs', () => {
  it('exits 0 when the test finisher passes', { skip: needHartAndGcc }, () => {
    const r = cellvisor('elf', assemble('finisher-pass', FINISHER('0x5555')));
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
  });

  it('exits with the finisher failure code and says so', { skip: needHartAndGcc }, () => {
    const elf = assemble('finisher-fail', FINISHER('(7 << 16) | 0x3333'));
    assertOneLine(cellvisor('elf', elf), 7, `cellvisor: ${elf}: failed with code 7 (test finisher)`);
  });

  it('prints HTIF console output and passes on tohost = 1', { skip: needHartAndGcc }, () => {
    const elf = assemble('htif-hello', HTIF(`
  li a0, 'h'
  call putchar
  li a0, 'i'
  call putchar
  li a0, '\\n'
  call putchar
  la t1, tohost
  li t0, 1
  sd t0, 0(t1)`));
    for (const jit of ['off', 'on']) {
      const r = cellvisor('elf', '--jit', jit, elf);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, 'hi\n');
    }
  });

  it('fails with code 3 on the riscv-tests sw/sw pair for TESTNUM 3', { skip: needHartAndGcc }, () => {
    const elf = assemble('htif-fail', HTIF(`
  la t1, tohost
  li t0, (3 << 1) | 1
  sw t0, 0(t1)
  sw zero, 4(t1)`));
    assertOneLine(cellvisor('elf', elf), 3, `cellvisor: ${elf}: failed with code 3 (htif)`);
  });

  it('proxies the write and exit syscalls through magic_mem', { skip: needHartAndGcc }, () => {
    const elf = assemble('htif-syscall', HTIF(`
  la s0, magic
  li t0, 64
  sd t0, 0(s0)
  li t0, 1
  sd t0, 8(s0)
  la t0, message
  sd t0, 16(s0)
  li t0, 6
  sd t0, 24(s0)
  la t1, tohost
  sd s0, 0(t1)
  la t1, fromhost
2: ld t0, 0(t1)
  beqz t0, 2b
  sd zero, 0(t1)
  ld s1, 0(s0)           # return value of write: 6
  li t0, 93
  sd t0, 0(s0)
  addi s1, s1, -6        # exit(0) only if write returned 6
  sd s1, 8(s0)
  la t1, tohost
  sd s0, 0(t1)
  .data
  .align 3
magic: .zero 64
message: .ascii "write\\n"
  .text`));
    const r = cellvisor('elf', elf);
    assert.equal(r.stdout, 'write\n');
    assert.equal(r.status, 0, r.stderr);
  });

  it('reports a trap loop with pc, cause name and tval, status 3', { skip: needHartAndGcc }, () => {
    // mtvec is 0 at reset: the illegal instruction traps to 0, where there is no memory.
    const elf = assemble('trap-loop', `
  .globl _start
_start:
  .option norvc
  nop
  .word 0
`);
    assertOneLine(cellvisor('elf', elf), 3,
      /: trap loop: illegal instruction \(mcause 0x2\) at pc 0x80000004, tval 0x0; the trap handler faulted on its first instruction \(mtvec 0x0\)$/);
  });

  it('stops at --max-insns with status 4', { skip: needHartAndGcc }, () => {
    const elf = assemble('spin', FINISHER('0x1234').replace('sw t1, 0(t0)', 'nop'));
    assertOneLine(cellvisor('elf', elf, '--max-insns', '1000'), 4, /: stopped by --max-insns after 1000 instructions, at pc 0x8000000[0-9a-f]$/);
  });

  it('reports a WFI that nothing can wake, status 3', { skip: needHartAndGcc }, () => {
    const elf = assemble('wfi-forever', `
  .globl _start
_start:
  wfi
  j _start
`);
    assertOneLine(cellvisor('elf', elf, '--max-insns', '100000'), 3, /: hart waits forever: WFI at pc 0x8000000[04]/);
  });

  it('skips idle time to the next timer deadline', { skip: needHartAndGcc }, () => {
    // MTIE on, MIE off: WFI wakes when the timer fires, without taking the interrupt.
    const elf = assemble('wfi-timer', `
  .globl _start
_start:
  li t0, 0x2000000
  li t1, 0xbff8
  add t1, t0, t1
  ld t2, 0(t1)           # mtime
  li t3, 100000
  add t2, t2, t3
  li t1, 0x4000
  add t1, t0, t1
  sd t2, 0(t1)           # mtimecmp = mtime + 100000
  li t0, 0x80
  csrs mie, t0
1: wfi
  csrr t0, mip
  andi t0, t0, 0x80
  beqz t0, 1b
  li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
2: j 2b
`);
    const r = cellvisor('elf', elf, '--max-insns', '10000');
    assert.equal(r.status, 0, r.stderr);
  });

  it('reloads the program when the finisher resets the board', { skip: needHartAndGcc }, () => {
    // 0x80100000 is RAM outside the image: it survives the reset and the reload.
    const elf = assemble('reset', `
  .globl _start
_start:
  li t0, 0x80100000
  lw t1, 0(t0)
  li t2, 0x100000
  bnez t1, 1f
  li t1, 1
  sw t1, 0(t0)
  li t1, 0x7777
  sw t1, 0(t2)
  j .
1: li t1, 0x5555
  sw t1, 0(t2)
  j .
`);
    const r = cellvisor('elf', elf, '--max-insns', '1000');
    assert.equal(r.status, 0, r.stderr);
  });

  it('traces each retired instruction as "pc raw disassembly" on stderr', { skip: needHartAndGcc }, () => {
    const elf = assemble('trace', `
  .globl _start
_start:
  .option norvc
  addi a0, zero, 1
  .option rvc
  c.addi a0, 1
  .option norvc
  j _start
`);
    const r = cellvisor('elf', elf, '--trace', '--max-insns', '4');
    assert.equal(r.status, 4);
    const lines = r.stderr.trimEnd().split('\n');
    assert.deepEqual(lines.slice(0, 4), [
      '0000000080000000 00100513 addi a0,zero,1',
      '0000000080000004 0505     c.addi a0,1',
      '0000000080000006 ffbff06f jal zero,80000000',
      '0000000080000000 00100513 addi a0,zero,1',
    ]);
    assert.match(lines[4], /stopped by --max-insns after 4 instructions/);
  });

  it('traces the default profile\'s instructions by name, as objdump lists them', { skip: needHartAndGcc }, () => {
    // One instruction or more of each extension beyond RV64GC; Zicond by its encoding
    // (binutils 2.40 does not know it). All run in M-mode without a trap.
    const elf = assemble('trace-profile', `
  .globl _start
_start:
  .option arch, +zba, +zbb, +zbs, +zicbom, +zicboz, +zicbop, +zihintpause, +zfhmin, +svinval
  .option norvc
  la a1, buf
  sh2add a0, a0, a1
  add.uw a2, a1, zero
  rev8 a3, a1
  cpopw a4, a1
  orc.b a5, a1
  bexti a5, a1, 3
  minu a5, a1, a2
  .insn r OP, 5, 7, a0, a1, a2
  .insn r OP, 7, 7, a0, a1, a2
  cbo.zero (a1)
  cbo.flush (a1)
  prefetch.r 64(a1)
  pause
  li t0, 0x6000
  csrs mstatus, t0
  flh fa0, 0(a1)
  fcvt.s.h fa1, fa0
  fcvt.h.d fa2, fa1, rtz
  fmv.x.h a6, fa2
  sinval.vma zero, zero
  sfence.w.inval
  sfence.inval.ir
  j .
  .data
  .balign 64
buf: .skip 64
`);
    const dump = spawnSync('riscv64-unknown-elf-objdump', ['-d', '-M', 'no-aliases', elf], { encoding: 'utf8' });
    assert.equal(dump.status, 0, dump.stderr);
    // objdump's listing as the trace prints it: pc, raw bits, the instruction.
    const listing = new Map<string, string>();
    for (const m of dump.stdout.matchAll(/^\s*([0-9a-f]+):\t([0-9a-f]+)\s+\t([^\n]*)$/gm)) {
      const text = m[3].replace(/\s*<[^>]*>/, '').replace(/\s*#.*/, '').replace('\t', ' ').trim();
      listing.set(m[1].padStart(16, '0'), `${m[2]} ${text}`);
    }
    const r = cellvisor('elf', elf, '--trace', '--max-insns', '26');
    assert.equal(r.status, 4, r.stderr);
    const lines = r.stderr.trimEnd().split('\n').slice(0, 26);
    assert.equal(lines.length, 26);
    const zicond = ['czero.eqz a0,a1,a2', 'czero.nez a0,a1,a2'];
    for (const line of lines) {
      const [pc, raw, ...rest] = line.split(/\s+/);
      const text = rest.join(' ');
      assert.doesNotMatch(text, /^\.[24]byte/, line);
      const want = listing.get(pc);
      if (want === `${raw} .4byte 0x${raw.replace(/^0+/, '')}`) assert.ok(zicond.includes(text), line);
      else assert.equal(`${raw} ${text}`, want, line);
    }
    assert.ok(lines.some((l) => l.endsWith('czero.nez a0,a1,a2')), 'czero.nez was traced');
    assert.ok(lines.some((l) => l.endsWith('sfence.inval.ir')), 'the last instruction was traced');
  });
});
