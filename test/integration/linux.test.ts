// Linux 6.1 on the virt board, end to end through `cellvisor machine`: booted by the
// hosted SBI firmware, by OpenSBI, and by U-Boot; commands typed on the serial console;
// the virtio disk, the entropy device and power-off; and the same boot twice (JIT off,
// then on) giving the same bytes and instruction count.
//
// Needs build/guests/linux/Image and initramfs.cpio.gz (guests/linux/build-all.sh).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { boot, planBoot } from '../../src/firmware/boot.js';
import { boardDtb } from '../../src/machine/fdt/board-dt.js';
import { VirtBoard, virtDtConfig } from '../../src/machine/virt.js';
import { HART_WASM, needHart, ROOT, scratchFile } from '../helpers/tools.js';

const LINUX = join(ROOT, 'build', 'guests', 'linux');
const IMAGE = join(LINUX, 'Image');
const INITRD = join(LINUX, 'initramfs.cpio.gz');
const VMLINUX = join(LINUX, 'kernel', 'vmlinux');
const FW_JUMP = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin';
const FW_DYNAMIC = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin';
const QEMU = 'qemu-system-riscv64';
const UBOOT = '/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin';

const needLinux: string | false = needHart
  || (existsSync(IMAGE) ? false : 'build/guests/linux/Image not built (run guests/linux/build-all.sh)');
const needOpenSbi: string | false = needLinux || (existsSync(FW_JUMP) ? false : `${FW_JUMP} not installed (Debian package opensbi)`);
const needQemu: string | false = needLinux || (spawnSync(QEMU, ['--version']).status === 0 ? false : `${QEMU} not installed (Debian package qemu-system-misc)`);
const needUBoot: string | false = needLinux || (existsSync(UBOOT) ? false : `${UBOOT} not installed (Debian package u-boot-qemu)`);

/** A guest that hangs must fail the test, not the CI job: a generous instruction limit. */
const MAX_INSNS = '4000000000';
const PROMPT = 'root@cellvisor-guest:/# ';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `cellvisor machine` with reproducible console input from stdin (`--input -`): the
 * guest takes it a line at a time as it waits, so the whole script can be written at once.
 */
function machine(args: string[], input: string[]): Run {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'machine', '--max-insns', MAX_INSNS, '--input', '-', ...args], {
    cwd: ROOT, encoding: 'utf8', timeout: 600_000, input: input.map((l) => `${l}\n`).join(''), maxBuffer: 64 << 20,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The output of the command typed at the prompt, up to the next prompt. */
function outputOf(run: Run, command: string): string {
  const start = run.stdout.indexOf(`${PROMPT}${command}\r\n`);
  assert.ok(start >= 0, `no '${command}' at a prompt; output ends:\n${run.stdout.slice(-3000)}\n${run.stderr}`);
  const from = start + PROMPT.length + command.length + 2;
  const end = run.stdout.indexOf(PROMPT, from);
  return run.stdout.slice(from, end < 0 ? undefined : end).replaceAll('\r\n', '\n');
}

function assertPoweredOff(run: Run): void {
  assert.equal(run.status, 0, `exit status; stderr:\n${run.stderr}\noutput ends:\n${run.stdout.slice(-3000)}`);
  assert.match(run.stdout, /reboot: Power down/);
}

const kernelArgs = ['--kernel', IMAGE, '--initrd', INITRD, '--append', 'console=ttyS0'];

describe('Linux on the virt board', { skip: needLinux }, () => {
  it('boots with the hosted firmware to a shell; console, disk, entropy and power-off work', () => {
    assert.ok(existsSync(INITRD), `${INITRD} is missing: guests/linux/build-all.sh builds it with the Image`);
    const disk = scratchFile('linux-disk.img', new Uint8Array(1 << 20));
    const run = machine([...kernelArgs, '--drive', disk, '--sbi-stats'], [
      'uname -a',
      'cat /proc/cpuinfo',
      'printf cellvisor-disk-ok > /dev/vda && sync',
      'echo 3 > /proc/sys/vm/drop_caches',
      'head -c 17 /dev/vda; echo',
      'head -c 16 /dev/hwrng | od -An -tx1',
      'poweroff -f',
    ]);
    assertPoweredOff(run);
    assert.match(run.stdout, /SBI implementation ID=0xc5/);
    assert.match(outputOf(run, 'uname -a'), /^Linux cellvisor-guest 6\.1\.\d+ .* riscv64 GNU\/Linux$/m);
    const cpuinfo = outputOf(run, 'cat /proc/cpuinfo');
    // The default profile: Linux 6.1 names the extensions it knows of what the tree announces.
    assert.match(cpuinfo, /^isa\s+: rv64imafdch_sstc_svinval_svpbmt_zicbom_zihintpause$/m);
    // With H, the kernel is a KVM host.
    assert.match(run.stdout, /kvm \[1\]: hypervisor extension available/);
    assert.match(cpuinfo, /^mmu\s+: sv48$/m);
    // Read back from the device after dropping the page cache: the bytes went to the disk.
    assert.equal(outputOf(run, 'head -c 17 /dev/vda; echo').trim(), 'cellvisor-disk-ok');
    assert.equal(readFileSync(disk).subarray(0, 17).toString(), 'cellvisor-disk-ok');
    assert.match(outputOf(run, 'head -c 16 /dev/hwrng | od -An -tx1'), /^( [0-9a-f]{2}){16}$/m);
    assert.match(run.stderr, /SRST\/system_reset +1/);
    // With Sstc announced, the kernel programs stimecmp itself: no SBI timer calls.
    assert.doesNotMatch(run.stderr, /set_timer/);
  });

  it('boots the same Image on the plain RV64GC hart, whose timer goes through SBI', () => {
    const run = machine([...kernelArgs, '--cpu', 'rv64gc', '--sbi-stats'], ['cat /proc/cpuinfo', 'poweroff -f']);
    assertPoweredOff(run);
    assert.match(outputOf(run, 'cat /proc/cpuinfo'), /^isa\s+: rv64imafdc$/m);
    assert.match(run.stdout, /kvm \[1\]: hypervisor extension not available/);
    const calls = /TIME\/set_timer +(\d+)/.exec(run.stderr);
    assert.ok(calls && Number(calls[1]) > 0, `SBI set_timer calls expected; stats:\n${run.stderr}`);
  });

  it('drives the legacy (version 1) virtio-mmio transports of --virtio-version 1', () => {
    const disk = scratchFile('linux-legacy-disk.img', new Uint8Array(1 << 20));
    const run = machine([...kernelArgs, '--drive', disk, '--virtio-version', '1'], [
      'printf legacy-disk-ok > /dev/vda && sync',
      'echo 3 > /proc/sys/vm/drop_caches',
      'head -c 14 /dev/vda; echo',
      'head -c 16 /dev/hwrng | od -An -tx1',
      'ls /sys/bus/virtio/devices/',
      'poweroff -f',
    ]);
    assertPoweredOff(run);
    assert.equal(outputOf(run, 'head -c 14 /dev/vda; echo').trim(), 'legacy-disk-ok');
    assert.equal(readFileSync(disk).subarray(0, 14).toString(), 'legacy-disk-ok');
    assert.match(outputOf(run, 'head -c 16 /dev/hwrng | od -An -tx1'), /^( [0-9a-f]{2}){16}$/m);
    assert.equal(outputOf(run, 'ls /sys/bus/virtio/devices/').trim().split(/\s+/).length, 4);
  });

  it('boots with OpenSBI fw_jump.bin as native M-mode firmware', { skip: needOpenSbi }, () => {
    const run = machine(['--bios', FW_JUMP, ...kernelArgs], ['uname -a', 'poweroff -f']);
    assertPoweredOff(run);
    assert.match(run.stdout, /^OpenSBI v\d+\.\d+/m);
    assert.match(run.stdout, /Domain0 Next Address\s+: 0x0000000080200000/);
    assert.match(outputOf(run, 'uname -a'), /riscv64 GNU\/Linux/);
  });

  it('boots with OpenSBI fw_dynamic.bin, which finds the kernel through struct fw_dynamic_info', { skip: needOpenSbi }, () => {
    const run = machine(['--bios', FW_DYNAMIC, ...kernelArgs], ['uname -a', 'poweroff -f']);
    assertPoweredOff(run);
    assert.match(run.stdout, /^Firmware Base\s+: 0x80000000/m);
    assert.match(outputOf(run, 'uname -a'), /riscv64 GNU\/Linux/);
  });

  // guests/linux/progs/clockcheck.c: static glibc, whose clock_gettime and gettimeofday
  // go through the vDSO, which reads the time CSR in U-mode (scounteren.TM, which the
  // firmware must hand over set: Linux 6.1 does not set it without its PMU driver).
  const firmwares: readonly [string, string[], string | false][] = [
    ['the hosted firmware', [], false],
    ['the hosted firmware on the plain RV64GC hart', ['--cpu', 'rv64gc'], false],
    ['OpenSBI fw_dynamic.bin', ['--bios', FW_DYNAMIC], needOpenSbi],
    ['OpenSBI fw_jump.bin', ['--bios', FW_JUMP], needOpenSbi],
  ];
  for (const [name, args, skip] of firmwares) {
    it(`runs a program that reads the clocks through the vDSO under ${name}`, { skip }, () => {
      const run = machine([...args, ...kernelArgs], ['clockcheck; echo status=$?', 'poweroff -f']);
      assertPoweredOff(run);
      const out = outputOf(run, 'clockcheck; echo status=$?');
      assert.match(out, /^clockcheck: ok\nstatus=0$/m, out);
      assert.match(out, /^clockcheck: vdso=yes$/m);
      const seconds = (clock: string): number => {
        const m = new RegExp(`^clockcheck: ${clock} (\\d+)\\.(\\d+)$`, 'm').exec(out);
        assert.ok(m, `no ${clock} line in:\n${out}`);
        return Number(m[1]) + Number(`0.${m[2]}`);
      };
      // The board's RTC starts at 2025-01-01T00:00:00Z and the boot takes about a virtual second.
      const epoch = Date.UTC(2025, 0, 1) / 1000;
      const realtime = seconds('CLOCK_REALTIME');
      assert.ok(realtime >= epoch && realtime < epoch + 60, `CLOCK_REALTIME ${realtime}`);
      assert.ok(Math.abs(seconds('gettimeofday') - realtime) < 0.01, 'gettimeofday agrees with CLOCK_REALTIME');
      const monotonic = seconds('CLOCK_MONOTONIC');
      assert.ok(monotonic > 0 && monotonic < 60, `CLOCK_MONOTONIC ${monotonic}`);
    });
  }

  it('boots the same Image and initramfs on QEMU, the reference', { skip: needQemu }, () => {
    // The guest powers itself off after its banner (guests/linux/rootfs/init); QEMU's
    // console goes to a file, since it loses bytes on a pipe read by Node.
    const log = scratchFile('qemu-linux.log', new Uint8Array(0));
    const r = spawnSync(QEMU, ['-M', 'virt', '-m', '128M', '-nographic', '-monitor', 'none', '-serial', `file:${log}`,
      '-kernel', IMAGE, '-initrd', INITRD, '-append', 'console=ttyS0 cellvisor.autopoweroff'], { timeout: 120_000 });
    const out = readFileSync(log, 'latin1');
    assert.equal(r.status, 0, `QEMU exit status; console ends:\n${out.slice(-2000)}`);
    assert.match(out, /cellvisor-guest: userland up/);
    assert.match(out, /reboot: Power down/);
  });

  it('boots vmlinux, the ELF, as well as the Image', { skip: needLinux || (existsSync(VMLINUX) ? false : `${VMLINUX} not kept by the kernel build`) }, () => {
    const run = machine(['--kernel', VMLINUX, '--initrd', INITRD, '--append', 'console=ttyS0'], ['poweroff -f']);
    assertPoweredOff(run);
  });

  it('runs U-Boot to its prompt, which loads Linux from the virtio disk and boots it with booti', { skip: needUBoot }, () => {
    const kernel = readFileSync(IMAGE);
    const initrd = readFileSync(INITRD);
    const blocks = (n: number) => Math.ceil(n / 512);
    const initrdAt = blocks(kernel.length) + 16;
    const disk = new Uint8Array((initrdAt + blocks(initrd.length)) * 512);
    disk.set(kernel, 0);
    disk.set(initrd, initrdAt * 512);
    const path = scratchFile('uboot-disk.img', disk);
    const hex = (n: number) => n.toString(16);
    const run = machine(['--kernel', UBOOT, '-m', '256M', '--drive', `${path},ro`], [
      '', // any key stops the autoboot countdown; U-Boot eats it
      'virtio scan',
      `virtio read \${kernel_addr_r} 0 ${hex(blocks(kernel.length))}`,
      `virtio read \${ramdisk_addr_r} ${hex(initrdAt)} ${hex(blocks(initrd.length))}`,
      'setenv bootargs console=ttyS0',
      `booti \${kernel_addr_r} \${ramdisk_addr_r}:${hex(initrd.length)} \${fdt_addr}`,
      'uname -a',
      'poweroff -f',
    ]);
    assertPoweredOff(run);
    assert.match(run.stdout, /^U-Boot 20\d\d/m);
    assert.match(run.stdout, /^=> virtio scan/m);
    assert.match(run.stdout, new RegExp(`${blocks(kernel.length)} blocks read: OK`));
    assert.match(run.stdout, /Starting kernel \.\.\./);
    assert.match(run.stdout, /Linux cellvisor-guest 6\.1\.\d+ .* riscv64 GNU\/Linux/);
  });

  it('is deterministic: the same boot twice, with the JIT off and on, prints the same bytes with the same instruction count', async () => {
    const wasm = await WebAssembly.compile(readFileSync(HART_WASM));
    const kernel = { name: 'Image', bytes: readFileSync(IMAGE) };
    const initrd = { name: 'initrd', bytes: readFileSync(INITRD) };
    const ramSize = 128 << 20;
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const out: number[] = [];
      const lines = ['date; cat /sys/class/rtc/rtc0/since_epoch', 'head -c 8 /dev/urandom | od -An -tx1', 'poweroff -f']
        .map((l) => new TextEncoder().encode(`${l}\n`));
      const board = await VirtBoard.create(wasm, {
        ramSize, console: { write: (b) => { for (const x of b) out.push(x); } }, input: { read: () => lines.shift() },
        jit: i === 1, // docs/hart.md, "JIT": compiled code must retire exactly what the interpreter does
      });
      const plan = planBoot({ bios: { kind: 'hosted' }, kernel, initrd, append: 'console=ttyS0' }, ramSize,
        (chosen) => boardDtb(virtDtConfig(ramSize, chosen)));
      boot(board, plan);
      const outcome = board.machine.run({ maxInsns: BigInt(MAX_INSNS) });
      runs.push({ outcome, retired: board.machine.retired, console: Buffer.from(out).toString('latin1') });
    }
    assert.deepEqual(runs[0].outcome, { kind: 'exit', code: 0, source: 'sbi' }, runs[0].console.slice(-2000));
    assert.match(runs[0].console, /Wed Jan {2}1 00:00:0\d UTC 2025/);
    assert.equal(runs[1].retired, runs[0].retired);
    if (runs[1].console !== runs[0].console) {
      writeFileSync(scratchFile('determinism-a.txt', runs[0].console), runs[0].console);
      assert.fail('the two boots printed different bytes');
    }
  });
});
