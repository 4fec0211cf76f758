// Runs a bare-metal kernel on the virt board of both machines with the same devices:
// QEMU (`-M virt -bios none`, the reference) and `cellvisor machine --bios none`.
// cellvisor's virt board has virtio-blk in slot 0 (with a drive), virtio-net in 1,
// virtio-rng in 2 and virtio-console in 3 (src/machine/virt.ts); QEMU gets the same
// devices on the same virtio-mmio buses, as modern (version 2) transports, which is how
// xv6's Makefile runs it (`-global virtio-mmio.force-legacy=false`).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { needHart, ROOT } from './tools.js';

export const QEMU = 'qemu-system-riscv64';
export const needQemu: string | false = spawnSync(QEMU, ['--version']).status === 0 ? false : `${QEMU} not installed`;
export const HOBBY_ELF = join(ROOT, 'build/hobby/hobby.elf');
export const needHobby: string | false = needHart
  || (existsSync(HOBBY_ELF) ? false : 'build/hobby/hobby.elf is not built (node scripts/prepare.js)');

/**
 * QEMU's arguments for the board's device set; `disk` is a raw image for virtio-blk.
 * `legacy` leaves QEMU 7.2's default, version 1 virtio-mmio transports.
 */
export function qemuVirtArgs(disk: string, legacy = false): string[] {
  return [
    '-M', 'virt', '-m', '128M', '-bios', 'none', '-nographic', '-monitor', 'none',
    ...(legacy ? [] : ['-global', 'virtio-mmio.force-legacy=false']),
    '-drive', `file=${disk},if=none,format=raw,id=d0,readonly=on`,
    '-device', 'virtio-blk-device,drive=d0,bus=virtio-mmio-bus.0',
    '-nic', 'none', '-device', 'virtio-net-device,bus=virtio-mmio-bus.1',
    '-device', 'virtio-rng-device,bus=virtio-mmio-bus.2',
    '-device', 'virtio-serial-device,bus=virtio-mmio-bus.3',
  ];
}

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('latin1').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** `kernel` on QEMU's virt board with the board's devices. */
export function runQemuVirt(kernel: string, disk: string, legacy = false): Promise<Run> {
  return run(QEMU, [...qemuVirtArgs(disk, legacy), '-kernel', kernel], 60_000);
}

/** `kernel` on `cellvisor machine --bios none` with `disk` as its drive, plus `extra` options. */
export function runCellvisorVirt(kernel: string, disk: string, extra: string[] = []): Promise<Run> {
  return run(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'machine',
    '--bios', 'none', '--kernel', kernel, '--drive', `${disk},ro`, ...extra], 120_000);
}

/** The `key: value` lines of a run's console, in order. */
export function keyValues(output: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of output.split('\n')) {
    const m = /^([^:]+): (.*)$/.exec(line.replace(/\r$/, ''));
    if (m) out.set(m[1], m[2]);
  }
  return out;
}
