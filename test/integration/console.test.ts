// The serial console driven by a script through pipes, as expect or a CI harness drives
// QEMU's: U-Boot interrupted at its countdown and told to boot Linux from the virtio
// disk, a Linux shell answering commands; the RTC's base (--rtc); and the reproducible
// mode (--input) giving the same bytes twice.
//
// Needs build/guests/linux/Image and initramfs.cpio.gz (guests/linux/build-all.sh).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConsoleDriver } from '../helpers/console-driver.js';
import { needHart, ROOT, scratchFile } from '../helpers/tools.js';

const LINUX = join(ROOT, 'build', 'guests', 'linux');
const IMAGE = join(LINUX, 'Image');
const INITRD = join(LINUX, 'initramfs.cpio.gz');
const UBOOT = '/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin';

const needLinux: string | false = needHart
  || (existsSync(IMAGE) ? false : 'build/guests/linux/Image not built (run guests/linux/build-all.sh)');
const needUBoot: string | false = needLinux || (existsSync(UBOOT) ? false : `${UBOOT} not installed (Debian package u-boot-qemu)`);

/** Per step: generous, since this machine is shared. */
const TIMEOUT = 300_000;
const PROMPT = 'root@cellvisor-guest:/# ';
const UBOOT_PROMPT = '=> ';
const kernelArgs = ['--kernel', IMAGE, '--initrd', INITRD, '--append', 'console=ttyS0'];

/** Types `command` at the shell and returns its output, up to the next prompt. */
async function shell(driver: ConsoleDriver, command: string): Promise<string> {
  driver.send(`${command}\n`);
  await driver.expect(`${command}\r\n`, TIMEOUT);
  const text = await driver.expect(PROMPT, TIMEOUT);
  return text.slice(0, -PROMPT.length).replaceAll('\r\n', '\n');
}

/** Ends the session with `poweroff -f` and checks the clean power-off. */
async function powerOff(driver: ConsoleDriver): Promise<void> {
  driver.send('poweroff -f\n');
  await driver.expect('reboot: Power down', TIMEOUT);
  const exit = await driver.exit(TIMEOUT);
  assert.equal(exit.status, 0, driver.stderr);
}

/** Boots Linux on a live console, runs `session` at the shell prompt, then powers off. */
async function withShell(args: string[], session: (driver: ConsoleDriver) => Promise<void>): Promise<void> {
  const driver = new ConsoleDriver([...kernelArgs, ...args]);
  try {
    await driver.expect(PROMPT, TIMEOUT);
    await session(driver);
    await powerOff(driver);
  } finally {
    driver.kill();
  }
}

/** The guest's time in seconds since the epoch: the kernel set its clock from the RTC at boot. */
async function guestSeconds(driver: ConsoleDriver): Promise<number> {
  const text = await shell(driver, 'date -u +%s');
  assert.match(text, /^\d+\n$/);
  return Number(text);
}

describe('a script drives the live console', () => {
  it('interrupts U-Boot at its prompt and has it boot Linux from the virtio disk', { skip: needUBoot }, async () => {
    const kernel = readFileSync(IMAGE);
    const initrd = readFileSync(INITRD);
    const blocks = (n: number) => Math.ceil(n / 512);
    const initrdAt = blocks(kernel.length) + 16;
    const disk = new Uint8Array((initrdAt + blocks(initrd.length)) * 512);
    disk.set(kernel, 0);
    disk.set(initrd, initrdAt * 512);
    const path = scratchFile('live-uboot-disk.img', disk);
    const hex = (n: number) => n.toString(16);

    const driver = new ConsoleDriver(['--kernel', UBOOT, '-m', '256M', '--drive', `${path},ro`]);
    const command = async (line: string, answer?: string): Promise<string> => {
      driver.send(`${line}\n`);
      const text = await driver.expect(answer ?? UBOOT_PROMPT, TIMEOUT);
      if (answer !== undefined) await driver.expect(UBOOT_PROMPT, TIMEOUT);
      return text;
    };
    try {
      await driver.expect('Hit any key to stop autoboot', TIMEOUT);
      driver.send(' ');
      await driver.expect(UBOOT_PROMPT, TIMEOUT);
      await command('virtio scan');
      await command(`virtio read \${kernel_addr_r} 0 ${hex(blocks(kernel.length))}`, `${blocks(kernel.length)} blocks read: OK`);
      await command(`virtio read \${ramdisk_addr_r} ${hex(initrdAt)} ${hex(blocks(initrd.length))}`,
        `${blocks(initrd.length)} blocks read: OK`);
      await command('setenv bootargs console=ttyS0');
      driver.send(`booti \${kernel_addr_r} \${ramdisk_addr_r}:${hex(initrd.length)} \${fdt_addr}\n`);
      await driver.expect('Starting kernel ...', TIMEOUT);
      await driver.expect(PROMPT, TIMEOUT);
      assert.match(await shell(driver, 'uname -a'), /^Linux cellvisor-guest 6\.1\.\d+ .* riscv64 GNU\/Linux$/m);
      await powerOff(driver);
      // The countdown was stopped by the key, not run out: U-Boot never tried to autoboot.
      assert.doesNotMatch(driver.stdout, /Scanning|BOOTP|DHCP/);
    } finally {
      driver.kill();
    }
  });

  it('gets commands answered by a Linux shell, which keeps the host\'s time by default', { skip: needLinux }, async () => {
    await withShell([], async (driver) => {
      assert.equal(await shell(driver, 'echo $((6*7))'), '42\n');
      assert.equal(await shell(driver, 'uname -m'), 'riscv64\n');
      // --rtc host, as QEMU's -rtc base=utc: the guest's clock started at the host's.
      const drift = (await guestSeconds(driver)) - Date.now() / 1000;
      assert.ok(Math.abs(drift) < 3600, `the guest's clock is ${drift} s off the host's`);
    });
  });

  it('starts the RTC at the date given with --rtc, or at the fixed date', { skip: needLinux }, async () => {
    const given = Date.UTC(2024, 4, 1, 12) / 1000;
    await withShell(['--rtc', '2024-05-01T12:00:00Z'], async (driver) => {
      const s = await guestSeconds(driver);
      assert.ok(s >= given && s < given + 600, `guest time ${s}, expected shortly after ${given}`);
      assert.match(await shell(driver, 'date -u'), /^Wed May {2}1 12:0\d:\d\d UTC 2024$/m);
    });
    await withShell(['--rtc', 'fixed'], async (driver) => {
      assert.match(await shell(driver, 'date -u'), /^Wed Jan {2}1 00:0\d:\d\d UTC 2025$/m);
    });
  });
});

describe('the reproducible console (--input)', { skip: needLinux }, () => {
  it('gives the same bytes twice for the same input file, with the RTC at the fixed date', () => {
    const script = scratchFile('repro-input.txt', ['date -u', 'echo $((6*7))',
      'head -c 8 /dev/urandom | od -An -tx1', 'poweroff -f', ''].join('\n'));
    const run = () => spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'machine', ...kernelArgs,
      '--input', script], { cwd: ROOT, encoding: 'latin1', timeout: TIMEOUT, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
    const [a, b] = [run(), run()];
    assert.equal(a.status, 0, a.stderr);
    assert.equal(b.status, 0, b.stderr);
    assert.match(a.stdout, /Wed Jan {2}1 00:00:0\d UTC 2025/);
    assert.match(a.stdout, /\r\n42\r\n/);
    assert.match(a.stdout, /reboot: Power down/);
    assert.ok(a.stdout === b.stdout, `the two runs differ; first difference at byte ${[...a.stdout].findIndex((c, i) => c !== b.stdout[i])}`);
  });
});
