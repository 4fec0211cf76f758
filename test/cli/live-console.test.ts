// The live console through a pipe: a script waits for output and types, while the guest
// runs on (src/cli/live-console.ts); and the reproducible alternative, --input.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConsoleDriver } from '../helpers/console-driver.js';
import { assemble, needHartAndGcc, ROOT, scratchFile } from '../helpers/tools.js';

/** Generous: this machine is shared, and each run starts Node with tsx. */
const TIMEOUT = 120_000;

const COMMON = `
  .equ UART, 0x10000000
  .equ LSR_DR, 1
  .macro poweroff
    li t0, 0x5555            # test finisher: pass
    li t1, 0x100000
    sw t0, 0(t1)
  9: j 9b
  .endm
  .macro say label
    la a0, \\label
    call puts
  .endm
`;

const PUTS = `
puts:
  lbu t0, 0(a0)
  beqz t0, 1f
  sb t0, 0(s0)
  addi a0, a0, 1
  j puts
1: ret
`;

// U-Boot's autoboot in small: announce, poll the UART a while for a key, then show a
// prompt and poll for a command; print the key either way.
const COUNTDOWN = `${COMMON}
  .globl _start
_start:
  li s0, UART
  say banner
  li s1, 200000
1: lbu t0, 5(s0)
  andi t0, t0, LSR_DR
  bnez t0, key
  addi s1, s1, -1
  bnez s1, 1b
  say prompt
2: lbu t0, 5(s0)
  andi t0, t0, LSR_DR
  beqz t0, 2b
key:
  lbu s2, 0(s0)
  say got
  sb s2, 0(s0)
  li t0, 10
  sb t0, 0(s0)
  poweroff
${PUTS}
banner: .asciz "Hit any key to stop autoboot\\n"
prompt: .asciz "=> "
got: .asciz "got "
`;

/** Sleeps 0.3 s of guest time in WFI, its UART receive interrupt enabled as a shell's driver has it. */
const SLEEP = `${COMMON}
  .globl _start
_start:
  li s0, UART
  li t0, 1
  sb t0, 1(s0)               # IER.ERBFI
  li t1, 0x200bff8           # CLINT mtime
  ld t2, 0(t1)
  li t3, 3000000             # 0.3 s at 10 MHz
  add t2, t2, t3
  li t1, 0x2004000           # CLINT mtimecmp, hart 0
  sd t2, 0(t1)
  li t0, 0x80
  csrs mie, t0               # MTIE; mstatus.MIE stays 0, so WFI wakes without a trap
  say sleeping
1: wfi
  csrr t0, mip
  andi t0, t0, 0x80
  beqz t0, 1b
  say woke
  poweroff
${PUTS}
sleeping: .asciz "sleeping\\n"
woke: .asciz "woke\\n"
`;

/** Waits for input with no timer: only a byte on the UART could wake it. */
const WAIT_FOR_KEY = `${COMMON}
  .globl _start
_start:
  li s0, UART
  li t0, 1
  sb t0, 1(s0)               # IER.ERBFI (the PLIC is left off: nothing will interrupt)
1: wfi
  j 1b
`;

function machineSync(args: string[], input: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'machine', ...args], {
    cwd: ROOT, encoding: 'latin1', timeout: TIMEOUT, input,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cellvisor machine: a live console on a pipe', { skip: needHartAndGcc }, () => {
  it('lets a polling guest count down while the pipe is silent, then takes the key typed at its prompt', async () => {
    const elf = assemble('live-countdown', COUNTDOWN);
    const driver = new ConsoleDriver(['--bios', 'none', '--kernel', elf]);
    try {
      await driver.expect('Hit any key', TIMEOUT);
      // Typing nothing: the countdown must run out by itself and show the prompt.
      await driver.expect('=> ', TIMEOUT);
      driver.send('k');
      await driver.expect('got k\n', TIMEOUT);
      const exit = await driver.exit(TIMEOUT);
      assert.equal(exit.status, 0, driver.stderr);
      assert.equal(driver.stdout, 'Hit any key to stop autoboot\n=> got k\n');
    } finally {
      driver.kill();
    }
  });

  it('lets a guest sleep while the pipe stays open and silent, in real time', async () => {
    const elf = assemble('live-sleep', SLEEP);
    const driver = new ConsoleDriver(['--bios', 'none', '--kernel', elf]);
    try {
      await driver.expect('sleeping\n', TIMEOUT);
      const from = performance.now();
      await driver.expect('woke\n', TIMEOUT);
      // 0.3 s of guest time are waited for, less what the output's way through the pipes may hide.
      assert.ok(performance.now() - from >= 200, `woke after ${performance.now() - from} ms`);
      assert.equal((await driver.exit(TIMEOUT)).status, 0, driver.stderr);
    } finally {
      driver.kill();
    }
  });

  it('ends with status 3 when the input has ended and nothing else can wake the idle guest', () => {
    const elf = assemble('live-wait', WAIT_FOR_KEY);
    const r = machineSync(['--bios', 'none', '--kernel', elf], '');
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stderr, /^cellvisor: hart waits forever: WFI at pc 0x[0-9a-f]+/);
  });

  it('still delivers input that arrived before the pipe ended', () => {
    const elf = assemble('live-countdown-eof', COUNTDOWN);
    const r = machineSync(['--bios', 'none', '--kernel', elf], 'q');
    assert.equal(r.status, 0, r.stderr);
    // Typed ahead: the byte waits in the UART for whichever loop reads first (it arrives
    // when it arrives), and is not lost.
    assert.match(r.stdout, /^Hit any key to stop autoboot\n(=> )?got q\n$/);
  });
});

describe('cellvisor machine --input: reproducible console input', { skip: needHartAndGcc }, () => {
  it('hands a polling guest a line when it waits for input, from a file or from stdin', () => {
    const elf = assemble('input-countdown', COUNTDOWN);
    const file = scratchFile('countdown-input.txt', 'k\n');
    // The line is due once the guest has polled the empty UART a while: during the countdown.
    const expected = 'Hit any key to stop autoboot\ngot k\n';
    const fromFile = machineSync(['--bios', 'none', '--kernel', elf, '--input', file], '');
    assert.equal(fromFile.status, 0, fromFile.stderr);
    assert.equal(fromFile.stdout, expected);
    const fromStdin = machineSync(['--bios', 'none', '--kernel', elf, '--input', '-'], 'k\n');
    assert.equal(fromStdin.status, 0, fromStdin.stderr);
    assert.equal(fromStdin.stdout, expected);
  });

  it('skips idle time instead of waiting for it', () => {
    const elf = assemble('input-sleep', SLEEP.replace('3000000 ', '600000000 ')); // one minute
    const from = performance.now();
    const r = machineSync(['--bios', 'none', '--kernel', elf, '--input', '/dev/null'], '');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'sleeping\nwoke\n');
    assert.ok(performance.now() - from < 50_000, 'a minute of guest sleep took most of a minute');
  });

  it('names a missing or unreadable input file', () => {
    const kernel = scratchFile('input-kernel.bin', Uint8Array.of(0x6f, 0, 0, 0)); // j .
    const missing = machineSync(['--bios', 'none', '--kernel', kernel, '--input', 'no/such/input'], '');
    assert.equal(missing.status, 2);
    assert.equal(missing.stderr, 'cellvisor: no/such/input: no such file\n');
    const dir = machineSync(['--bios', 'none', '--kernel', kernel, '--input', ROOT], '');
    assert.equal(dir.status, 2);
    assert.equal(dir.stderr, `cellvisor: ${ROOT}: is a directory, not a file\n`);
  });
});
