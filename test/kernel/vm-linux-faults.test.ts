// Linux crashing in a VM: `echo c > /proc/sysrq-trigger` panics the guest, its pvpanic
// device (QEMU's pvpanic-mmio, in the device tree the kernel generates) tells the
// kernel, which stops or restarts that VM per on_fault with a register dump and the last
// console lines; a periodic cell beside it keeps its times throughout.
//
// Needs build/guests/linux/Image (with CONFIG_PVPANIC_MMIO and CONFIG_MAGIC_SYSRQ,
// guests/linux/linux.config) and initramfs.cpio.gz.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cellElf, CELL_BUILD, needCells } from '../helpers/cells.js';
import { ROOT } from '../helpers/tools.js';

const LINUX = join(ROOT, 'build', 'guests', 'linux');
const IMAGE = join(LINUX, 'Image');
const INITRD = join(LINUX, 'initramfs.cpio.gz');
const CONFIG = join(LINUX, 'linux.config');
const need: string | false = needCells
  || (existsSync(IMAGE) && existsSync(INITRD) ? false : 'build/guests/linux not built (guests/linux/build-all.sh)')
  || (existsSync(CONFIG) && /^CONFIG_PVPANIC_MMIO=y$/m.test(readFileSync(CONFIG, 'utf8')) ? false : 'the Linux guest lacks CONFIG_PVPANIC_MMIO (rebuild it: guests/linux/build.sh)');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cellvisor(args: string[], input: string[]): Run {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], {
    cwd: ROOT, encoding: 'utf8', timeout: 600_000, input: input.map((l) => `${l}\n`).join(''), maxBuffer: 64 << 20,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function system(onFault: 'stop' | 'restart'): string {
  const dir = mkdtempSync(join(tmpdir(), 'cellvisor-vm-panic-'));
  const path = join(dir, 'system.yaml');
  writeFileSync(path, [
    'cells:',
    '  - name: ticker',
    `    elf: ${join(CELL_BUILD, 'ticker.elf')}`,
    '    priority: 100',
    '    budget: 1ms',
    '    period: 10ms',
    'vms:',
    '  - name: linux',
    `    kernel: ${IMAGE}`,
    `    initrd: ${INITRD}`,
    '    bootargs: console=hvc0',
    '    memory: 128MiB',
    '    priority: 50',
    `    on_fault: ${onFault}`,
    '    poweroff: true',
    '',
  ].join('\n'));
  return path;
}

/** The ticker's lines, each on time; they may start in the middle of a line of the attached (unbuffered) console. */
function assertTicksOnTime(stdout: string): number {
  const ticks = [...stdout.matchAll(/ticker\| tick (\d+) at (\d+) ms\n/g)];
  ticks.forEach((m, i) => {
    assert.equal(Number(m[1]), i + 1, m[0]);
    assert.ok(Number(m[2]) >= 100 * (i + 1) && Number(m[2]) < 100 * (i + 1) + 10, m[0]);
  });
  return ticks.length;
}

describe('Linux crashing in a VM', { skip: need }, () => {
  it('a sysrq crash is reported through pvpanic; on_fault: restart boots Linux again, which then powers off', async () => {
    await cellElf('ticker');
    const run = cellvisor(['run', system('restart'), '--console', 'linux', '--input', '-', '--max-time', '60s'], [
      'echo c > /proc/sysrq-trigger',
      'poweroff',
    ]);
    assert.equal(run.status, 0, `status; stderr:\n${run.stderr}\noutput ends:\n${run.stdout.slice(-3000)}`);
    const log = run.stderr.split('\n');
    assert.equal(log[0], "cellvisor: VM 'linux' crashed: the guest reported a panic (pvpanic); restarting it");
    assert.ok(log.some((l) => /^cellvisor: {3}\| .*Kernel panic - not syncing: sysrq triggered crash/.test(l)), run.stderr);
    assert.equal(run.stdout.match(/cellvisor-guest: userland up/g)?.length, 2);
    assert.match(run.stdout, /reboot: Power down/);
    assert.ok(assertTicksOnTime(run.stdout) > 5);
  });

  it('with on_fault: stop the VM stays stopped and the cell runs on', async () => {
    await cellElf('ticker');
    const run = cellvisor(['run', system('stop'), '--console', 'linux', '--input', '-', '--max-time', '5s'], [
      'echo c > /proc/sysrq-trigger',
    ]);
    assert.equal(run.status, 4, `status; stderr:\n${run.stderr}`);
    assert.match(run.stderr, /^cellvisor: VM 'linux' crashed: the guest reported a panic \(pvpanic\); stopping it$/m);
    assert.equal(assertTicksOnTime(run.stdout), 49);
  });
});
