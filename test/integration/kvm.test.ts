// Linux's own KVM on the hart's H extension: the guest Linux (built with CONFIG_KVM=y)
// runs guests/linux/progs/kvmhost.c, a small KVM host program of ours, on (1) a
// bare-metal guest (guests/linux/kvm/bare.c) that prints through the SBI console, takes
// timer interrupts and pokes kvmhost's MMIO device, and (2) the same Linux Image,
// nested, to its init's first line. /init runs kvmhost when the kernel command line
// says cellvisor.kvm=bare or cellvisor.kvm=linux (guests/linux/rootfs/init); for the
// nested Linux the Image is on the virtio disk. cellvisor runs them on its default
// profile, which has H. The same runs on QEMU (-cpu rv64,h=true) are the reference.
//
// Needs build/guests/linux/Image and initramfs.cpio.gz (guests/linux/build-all.sh).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { needHart, ROOT, scratchFile } from '../helpers/tools.js';

const LINUX = join(ROOT, 'build', 'guests', 'linux');
const IMAGE = join(LINUX, 'Image');
const INITRD = join(LINUX, 'initramfs.cpio.gz');
const QEMU = 'qemu-system-riscv64';
const FW_DYNAMIC = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin';

const needLinux: string | false = needHart
  || (existsSync(IMAGE) && existsSync(INITRD) ? false : 'build/guests/linux/Image not built (run guests/linux/build-all.sh)');
const needOpenSbi: string | false = needLinux || (existsSync(FW_DYNAMIC) ? false : `${FW_DYNAMIC} not installed (Debian package opensbi)`);
const needQemu: string | false = needLinux
  || (spawnSync(QEMU, ['--version']).status === 0 ? false : `${QEMU} not installed (Debian package qemu-system-misc)`);

/** A guest that hangs must fail the test, not the CI job. */
const MAX_INSNS = '6000000000';

type Mode = 'bare' | 'linux';

/** The Image as a virtio disk (whole 512-byte sectors), for kvmhost to read from /dev/vda. */
function imageDisk(): string {
  const image = readFileSync(IMAGE);
  const disk = new Uint8Array(Math.ceil(image.length / 512) * 512);
  disk.set(image);
  return scratchFile('kvm-image-disk.img', disk);
}

interface Run {
  readonly status: number | null;
  readonly out: string;
  readonly err: string;
}

/** `cellvisor machine` on the default profile (which has H), with the hosted firmware unless `bios` says otherwise. */
function cellvisor(mode: Mode, bios: string[] = []): Run {
  const args = ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'machine', '--max-insns', MAX_INSNS, '--input', '/dev/null',
    ...bios, '-m', '256M', '--kernel', IMAGE, '--initrd', INITRD, '--append', `console=ttyS0 cellvisor.kvm=${mode}`];
  if (mode === 'linux') args.push('--drive', `${imageDisk()},ro`);
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: 900_000, maxBuffer: 64 << 20 });
  return { status: r.status, out: r.stdout.replace(/\r+\n/g, '\n'), err: r.stderr };
}

function qemu(mode: Mode): Run {
  // The console goes to a file: QEMU loses bytes on a pipe read by Node.
  const log = scratchFile(`qemu-kvm-${mode}.log`, new Uint8Array(0));
  const args = ['-M', 'virt', '-cpu', 'rv64,h=true', '-m', '256M', '-nographic', '-monitor', 'none', '-serial', `file:${log}`,
    '-kernel', IMAGE, '-initrd', INITRD, '-append', `console=ttyS0 cellvisor.kvm=${mode}`];
  if (mode === 'linux') {
    args.push('-drive', `file=${imageDisk()},format=raw,if=none,id=image,readonly=on`, '-device', 'virtio-blk-device,drive=image');
  }
  const r = spawnSync(QEMU, args, { encoding: 'utf8', timeout: 300_000 });
  return { status: r.status, out: readFileSync(log, 'latin1').replace(/\r+\n/g, '\n'), err: r.stderr };
}

const tail = (run: Run): string => `console ends:\n${run.out.slice(-3000)}\n${run.err.slice(-2000)}`;

/** The host kernel found H and KVM initialised; `gstage` is the G-stage format it chose. */
function assertKvmUp(run: Run, gstage: RegExp): void {
  assert.match(run.out, /kvm \[\d+\]: hypervisor extension available/, tail(run));
  assert.match(run.out, gstage);
}

function assertBare(run: Run): void {
  assert.equal(run.status, 0, tail(run));
  assert.match(run.out, /^bare: hello from VS-mode, hart 0, dtb 0x0000000080[0-9a-f]{6}$/m, tail(run));
  const ticks = [...run.out.matchAll(/^bare: tick (\d+) (on time|EARLY)$/gm)];
  assert.deepEqual(ticks.map((m) => `${m[1]} ${m[2]}`), Array.from({ length: 10 }, (_, i) => `${i + 1} on time`));
  assert.match(run.out, /^bare: 10 timer interrupts$/m);
  // kvmhost saw the store and the loads; the guest got the device's answer (bytes reversed).
  assert.match(run.out, /^kvmhost: mmio write 0x10000000 <- 0x123456789abcdef \(8 bytes\)$/m);
  assert.match(run.out, /^kvmhost: mmio read 0x10000000 -> 0xefcdab8967452301 \(8 bytes\)$/m);
  assert.match(run.out, /^bare: mmio wrote 0x0123456789abcdef, read 0xefcdab8967452301, accesses 3$/m);
  assert.match(run.out, /^bare: shutting down$/m);
  assert.match(run.out, /^kvmhost: guest shut down \(system event 1, reason 0\) after [\d.]+ s; \d+ SBI and 3 MMIO exits to kvmhost$/m);
  assert.match(run.out, /^cellvisor-guest: kvmhost exited with status 0$/m);
  assert.match(run.out, /reboot: Power down/);
}

function assertNested(run: Run): void {
  assert.equal(run.status, 0, tail(run));
  assert.match(run.out, /^kvmhost: device tree: riscv,isa "rv64imafdc[a-z_]*"/m, tail(run));
  // The nested kernel's own log, through the SBI console (earlycon=sbi, then hvc0).
  assert.match(run.out, /Machine model: kvmhost/);
  // KVM's own SBI: implementation ID 3, version = the host kernel's LINUX_VERSION_CODE (6.1.x).
  assert.match(run.out, /SBI implementation ID=0x3 Version=0x601[0-9a-f]{2}$/m);
  assert.match(run.out, /^kvm-nested: init up \(Linux 6\.1\.\d+ riscv64\)$/m, tail(run));
  assert.match(run.out, /^kvmhost: guest shut down \(system event 1, reason 0\)/m);
  assert.match(run.out, /^cellvisor-guest: kvmhost exited with status 0$/m);
}

describe('KVM on the H extension', { skip: needLinux }, () => {
  it('runs a bare-metal guest on cellvisor: SBI console, timer interrupts, an MMIO device in kvmhost', () => {
    const run = cellvisor('bare');
    assertKvmUp(run, /kvm \[\d+\]: using Sv48x4 G-stage page table format/);
    assert.match(run.out, /kvm \[\d+\]: VMID 14 bits available/);
    assertBare(run);
  });

  it('runs the same Linux Image nested on cellvisor, to its init\'s first line', () => {
    assertNested(cellvisor('linux'));
  });

  it('runs the bare-metal guest on cellvisor under OpenSBI fw_dynamic.bin, which delegates the guests\' traps itself', { skip: needOpenSbi }, () => {
    const run = cellvisor('bare', ['--bios', FW_DYNAMIC]);
    assert.match(run.out, /^OpenSBI v\d+\.\d+/m, tail(run));
    assertKvmUp(run, /kvm \[\d+\]: using Sv48x4 G-stage page table format/);
    assertBare(run);
  });

  it('runs the bare-metal guest on QEMU -cpu rv64,h=true, the reference', { skip: needQemu }, () => {
    const run = qemu('bare');
    assertKvmUp(run, /kvm \[\d+\]: using Sv(48|57)x4 G-stage page table format/);
    assertBare(run);
  });

  it('runs the nested Linux on QEMU -cpu rv64,h=true, the reference', { skip: needQemu }, () => {
    assertNested(qemu('linux'));
  });
});
