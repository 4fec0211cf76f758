// A guest that crashes is stopped or restarted per its on_fault, with a register dump on
// stderr, and nothing else is affected: a periodic cell beside it keeps its times. The
// guests here are tiny raw S-mode payloads (a VM's kernel may be any S-mode binary):
// one loads from a guest physical address the VM was not given, one makes its trap
// handler trap again (a trap loop). Linux's own crashes (sysrq, pvpanic) are in
// vm-linux-faults.test.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CSR_STVEC } from '../../src/hart/spec/csr.js';
import { cellElf, CELL_BUILD, needCells } from '../helpers/cells.js';
import { addi, auipc, csrrw, JSELF, lui, lw } from '../helpers/rv.js';
import { ROOT } from '../helpers/tools.js';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cellvisor(args: string[]): Run {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], {
    cwd: ROOT, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const words = (...insns: number[]): Uint8Array => {
  const bytes = new Uint8Array(4 * insns.length);
  const view = new DataView(bytes.buffer);
  insns.forEach((w, i) => view.setUint32(4 * i, w, true));
  return bytes;
};

const T0 = 5;
const T1 = 6;
const A0 = 10;
const A1 = 11;
const A2 = 12;
const A6 = 16;
const A7 = 17;
const ECALL = 0x00000073;
const GREETING = 'hello through DBCN\n';
/** DBCN write of GREETING (guest physical, after the code), then SRST shutdown with reason `reason`. */
const dbcnThenShutdown = (reason: number): Uint8Array => {
  const code = [
    lui(A7, 0x44424), addi(A7, A7, 0x34e), addi(A6, 0, 0), addi(A0, 0, GREETING.length),
    auipc(A1, 0), addi(A1, A1, 4 * 10), addi(A2, 0, 0), ECALL,
    lui(A7, 0x53525), addi(A7, A7, 0x354), addi(A0, 0, 0), addi(A1, 0, reason), ECALL,
  ];
  // The string follows the 13 instructions and a `j .`: 10 words after the auipc (the 5th).
  const bytes = words(...code, JSELF);
  // A raw binary is whole instructions: padded to 4 bytes.
  const out = new Uint8Array(Math.ceil((bytes.length + GREETING.length) / 4) * 4);
  out.set(bytes);
  out.set(new TextEncoder().encode(GREETING), 4 * 14);
  return out;
};
/** Loads from guest physical 0x40000000, which no VM has. */
const UNMAPPED_LOAD = words(lui(T0, 0x40000), lw(T1, T0, 0x10), JSELF);
/** stvec at an illegal instruction: the handler of the illegal instruction is one. */
const TRAP_LOOP = words(auipc(T0, 0), addi(T0, T0, 12), csrrw(0, CSR_STVEC, T0), 0);

function system(payload: Uint8Array, onFault: 'stop' | 'restart'): string {
  const dir = mkdtempSync(join(tmpdir(), 'cellvisor-vm-fault-'));
  writeFileSync(join(dir, 'guest.bin'), payload);
  const path = join(dir, 'system.yaml');
  writeFileSync(path, [
    'cells:',
    '  - name: ticker',
    `    elf: ${join(CELL_BUILD, 'ticker.elf')}`,
    '    priority: 100',
    '    budget: 1ms',
    '    period: 10ms',
    'vms:',
    '  - name: bad',
    '    kernel: guest.bin',
    '    memory: 8MiB',
    // Above the cell, on a budget: a crashing VM has the hart first and still cannot delay it.
    '    priority: 200',
    '    budget: 2ms',
    '    period: 10ms',
    `    on_fault: ${onFault}`,
    '',
  ].join('\n'));
  return path;
}

/** The ticker printed ticks 1..n, each on time (a release every 10 ms, a line every 100 ms). */
function assertTicksOnTime(stdout: string, n: number): void {
  const ticks = stdout.split('\n').filter((l) => l.startsWith('ticker| '));
  assert.equal(ticks.length, n, stdout);
  ticks.forEach((l, i) => {
    const m = /^ticker\| tick (\d+) at (\d+) ms$/.exec(l);
    assert.ok(m, l);
    assert.equal(Number(m[1]), i + 1);
    assert.ok(Number(m[2]) >= 100 * (i + 1) && Number(m[2]) < 100 * (i + 1) + 10, l);
  });
}

describe('SBI for a bare guest', { skip: needCells }, () => {
  for (const [reason, status] of [[0, 0], [1, 1]] as const) {
    it(`prints through DBCN and ends the run with SRST shutdown (reason ${reason}: status ${status})`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'cellvisor-vm-sbi-'));
      writeFileSync(join(dir, 'guest.bin'), dbcnThenShutdown(reason));
      const path = join(dir, 'system.yaml');
      writeFileSync(path, 'vms:\n  - name: raw\n    kernel: guest.bin\n    memory: 8MiB\n    priority: 10\n    poweroff: true\n');
      const run = cellvisor(['run', path, '--max-time', '1s']);
      assert.equal(run.status, status, run.stderr);
      assert.equal(run.stdout, `raw| ${GREETING}`);
      assert.equal(run.stderr, '');
    });
  }
});

describe('VM crashes', { skip: needCells }, () => {
  it('a guest loading from an unmapped guest physical address is stopped, with a register dump; the cell runs on', async () => {
    await cellElf('ticker');
    const run = cellvisor(['run', system(UNMAPPED_LOAD, 'stop'), '--max-time', '1s', '--stats']);
    assert.equal(run.status, 4, run.stderr);
    const log = run.stderr.split('\n');
    assert.equal(log[0], "cellvisor: VM 'bad' crashed: load from guest physical 0x40000010, which is not mapped; stopping it");
    // The load is the second instruction of the payload, at the raw binary's load address.
    assert.match(log[1]!, /^cellvisor: {3}pc 0x80200004 {2}cause 0x15 \(load guest-page fault\) {2}tval 0x40000010 {2}htval 0x10000004 {2}htinst 0x2303$/);
    assert.match(log[2]!, /^cellvisor: {3}guest sepc 0x0 {2}scause 0x0 /);
    assert.equal(run.stderr.match(/crashed/g)?.length, 1);
    assertTicksOnTime(run.stdout, 9);
    // --stats: one exit (the fault), one crash, no restart.
    assert.match(run.stdout, /^VM +cpu time +exhausted +exits +sbi calls +mmio +wfi +crashes +restarts$/m);
    assert.match(run.stdout, /^bad +[\d.]+ us +0 +1 +0 +0 +0 +1 +0$/m);
  });

  it('a guest in a trap loop is restarted each time with on_fault: restart; the cell runs on', async () => {
    await cellElf('ticker');
    const run = cellvisor(['run', system(TRAP_LOOP, 'restart'), '--max-time', '1s']);
    assert.equal(run.status, 4, run.stderr);
    const crashes = run.stderr.split('\n').filter((l) => l.startsWith("cellvisor: VM 'bad' crashed:"));
    // At once, then after each 100 ms pause: 10 crashes in 1 s.
    assert.equal(crashes.length, 10, run.stderr.slice(0, 2000));
    assert.equal(crashes[0], "cellvisor: VM 'bad' crashed: a trap loop: illegal instruction at pc 0x8020000c traps again at its handler; restarting it");
    assert.match(run.stderr, /guest sepc 0x8020000c {2}scause 0x2 \(illegal instruction\)/);
    assertTicksOnTime(run.stdout, 9);
  });
});
