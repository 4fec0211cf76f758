// Virtual machines under the kernel, through `cellvisor run` as a user runs them: Linux
// 6.1 (build/guests/linux) boots in VS-mode to a shell on the SBI console (hvc0), runs
// commands typed from a script, and powers off; beside it a periodic cell keeps its
// output coming; a VM's own shutdown ends the run only with `poweroff: true`.
//
// Needs build/guests/linux/Image and initramfs.cpio.gz (guests/linux/build-all.sh).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cellElf, CELL_BUILD, needCells } from '../helpers/cells.js';
import { ROOT } from '../helpers/tools.js';

const LINUX = join(ROOT, 'build', 'guests', 'linux');
const IMAGE = join(LINUX, 'Image');
const INITRD = join(LINUX, 'initramfs.cpio.gz');
const PROMPT = 'root@cellvisor-guest:/# ';
const need: string | false = needCells || (existsSync(IMAGE) && existsSync(INITRD) ? false : 'build/guests/linux not built (guests/linux/build-all.sh)');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cellvisor(args: string[], input: string[] = []): Run {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], {
    cwd: ROOT, encoding: 'utf8', timeout: 600_000, input: input.map((l) => `${l}\n`).join(''), maxBuffer: 64 << 20,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A description in a scratch directory. */
function description(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cellvisor-vm-'));
  const path = join(dir, 'system.yaml');
  writeFileSync(path, yaml);
  return path;
}

function linuxVm(extra: { bootargs?: string; poweroff?: boolean; priority?: number; more?: string } = {}): string {
  return [
    '  - name: linux',
    `    kernel: ${IMAGE}`,
    `    initrd: ${INITRD}`,
    `    bootargs: ${extra.bootargs ?? 'console=hvc0 earlycon=sbi'}`,
    '    memory: 128MiB',
    `    priority: ${extra.priority ?? 50}`,
    `    poweroff: ${extra.poweroff ?? true}`,
    extra.more ?? '',
  ].join('\n');
}

/** The output of `command` typed at the prompt, up to the next prompt. */
function outputOf(run: Run, command: string): string {
  const start = run.stdout.indexOf(`${PROMPT}${command}\r\n`);
  assert.ok(start >= 0, `no '${command}' at a prompt; output ends:\n${run.stdout.slice(-3000)}\n${run.stderr}`);
  const from = start + PROMPT.length + command.length + 2;
  const end = run.stdout.indexOf(PROMPT, from);
  return run.stdout.slice(from, end < 0 ? undefined : end).replaceAll('\r\n', '\n');
}

describe('virtual machines', { skip: need }, () => {
  it('boots Linux in a VM to a shell on hvc0, runs scripted commands and powers off (status 0)', () => {
    const path = description(`vms:\n${linuxVm()}\n`);
    const run = cellvisor(['run', path, '--console', 'linux', '--input', '-', '--max-time', '60s'], [
      'uname -a',
      'cat /proc/cpuinfo',
      'echo $((6 * 7)) > /tmp/x; cat /tmp/x',
      'poweroff',
    ]);
    assert.equal(run.status, 0, `status; stderr:\n${run.stderr}\noutput ends:\n${run.stdout.slice(-3000)}`);
    // The attached console is unprefixed.
    assert.doesNotMatch(run.stdout, /^linux\| /m);
    assert.match(outputOf(run, 'uname -a'), /^Linux cellvisor-guest 6\.1\.\d+ .* riscv64 GNU\/Linux\n$/);
    const cpuinfo = outputOf(run, 'cat /proc/cpuinfo');
    // The guest is told the ISA without H (no nested virtualisation), with Sstc for its timer.
    assert.match(cpuinfo, /^isa\t+: rv64imafdc_/m);
    assert.doesNotMatch(cpuinfo, /^isa\t+: rv64[a-z]*h/m);
    assert.match(cpuinfo, /sstc/);
    assert.equal(outputOf(run, 'echo $((6 * 7)) > /tmp/x; cat /tmp/x'), '42\n');
    assert.match(run.stdout, /reboot: Power down/);
    assert.equal(run.stderr, '');
  });

  it('gives the VM its virtio devices: a console (hvc1, to the same place as hvc0) and a read-only disk from a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cellvisor-vm-disk-'));
    const disk = new Uint8Array(64 * 1024);
    disk.set(new TextEncoder().encode('cellvisor-disk-image-ok'), 4096);
    writeFileSync(join(dir, 'disk.img'), disk);
    const path = join(dir, 'system.yaml');
    writeFileSync(path, `vms:\n${linuxVm({ more: '    devices:\n      - { type: console }\n      - { type: block, file: disk.img, readonly: true }' })}\n`);
    const run = cellvisor(['run', path, '--console', 'linux', '--input', '-', '--max-time', '60s'], [
      'echo through-virtio-console > /dev/hvc1',
      'cat /sys/block/vda/size /sys/block/vda/ro',
      'tail -c +4097 /dev/vda | head -c 23; echo',
      'echo x > /dev/vda || echo refused',
      'poweroff',
    ]);
    assert.equal(run.status, 0, `status; stderr:\n${run.stderr}\noutput ends:\n${run.stdout.slice(-3000)}`);
    assert.match(outputOf(run, 'echo through-virtio-console > /dev/hvc1'), /^through-virtio-console\n/);
    assert.equal(outputOf(run, 'cat /sys/block/vda/size /sys/block/vda/ro'), '128\n1\n');
    assert.equal(outputOf(run, 'tail -c +4097 /dev/vda | head -c 23; echo'), 'cellvisor-disk-image-ok\n');
    assert.match(outputOf(run, 'echo x > /dev/vda || echo refused'), /refused\n$/);
  });

  it('connects Linux user space and a cell through a channel: a generic-uio device, 10,000 messages each verified', async () => {
    await cellElf('pong');
    const path = description([
      'memory_regions:',
      '  - { name: ring, size: 4KiB }',
      'cells:',
      '  - name: pong',
      `    elf: ${join(CELL_BUILD, 'pong.elf')}`,
      '    priority: 100',
      '    maps:',
      '      - { region: ring, vaddr: 0x4000000, perms: rw, setvar: ring_base }',
      'vms:',
      linuxVm({
        bootargs: 'console=hvc0 uio_pdrv_genirq.of_id=generic-uio',
        more: '    maps:\n      - { region: ring, gpa: 0x90000000, perms: rw, uio: { channel: 2 } }',
      }),
      'channels:',
      '  - a: { cell: pong, id: 1 }',
      '    b: { vm: linux, id: 2 }',
      '',
    ].join('\n'));
    const run = cellvisor(['run', path, '--console', 'linux', '--input', '-', '--max-time', '120s'], [
      'cat /sys/class/uio/uio0/name',
      'cat /sys/class/uio/uio0/maps/*/addr',
      'cat /sys/class/uio/uio0/maps/*/size',
      'cvping ring 10000',
      'poweroff',
    ]);
    assert.equal(run.status, 0, `status; stderr:\n${run.stderr}\noutput ends:\n${run.stdout.slice(-3000)}`);
    // Named after the region; map 0 the region, map 1 the register page of channel 2.
    assert.equal(outputOf(run, 'cat /sys/class/uio/uio0/name'), 'ring\n');
    assert.equal(outputOf(run, 'cat /sys/class/uio/uio0/maps/*/addr'), '0x0000000090000000\n0x0000000010102000\n');
    assert.equal(outputOf(run, 'cat /sys/class/uio/uio0/maps/*/size'), '0x0000000000001000\n0x0000000000001000\n');
    // The cell's lines come in between, prefixed with its name.
    const ping = outputOf(run, 'cvping ring 10000').split('\n');
    assert.deepEqual(ping.filter((l) => !l.startsWith('pong| ')), ['cvping: 10000 messages, every reply verified', '']);
    assert.deepEqual(ping.filter((l) => l.startsWith('pong| ')), Array.from({ length: 10 }, (_, i) => `pong| ${1000 * (i + 1)} answered`));
    assert.match(run.stdout, /^pong\| ready$/m);
  });

  it('runs the evoke example (npm start): Linux\'s shell on the terminal, messages to the real-time cell, its report', () => {
    const make = spawnSync('make', ['-s', '-C', join(ROOT, 'examples'), 'evoke/rt.elf', 'evoke/log.elf',
      `CELLVISOR=${process.execPath} --import tsx ${join(ROOT, 'src/cli/main.ts')}`], { encoding: 'utf8' });
    assert.equal(make.status, 0, make.stderr);
    const run = cellvisor(['run', join(ROOT, 'examples/evoke/system.yaml'), '--console', 'linux', '--input', '-'], [
      'cvping ring 1000',
      'sleep 10',
      'poweroff',
    ]);
    assert.equal(run.status, 0, `status; stderr:\n${run.stderr}\noutput ends:\n${run.stdout.slice(-3000)}`);
    assert.equal(outputOf(run, 'cvping ring 1000'), 'cvping: 1000 messages, every reply verified\n');
    // The log cell's report, prefixed, while Linux sleeps: the real-time cell kept within its bound (3.007 ms).
    const report = /^log\| 10 s: rt's worst response (\d+) us over 1000 periods; 1000 messages from Linux answered$/m.exec(run.stdout);
    assert.ok(report, run.stdout.slice(-2000));
    assert.ok(Number(report[1]) < 3007, report[0]);
  });

  it('joins two VMs on a link (examples/two-linux): ping, and a 1 MiB TCP transfer with a matching SHA-256', () => {
    // Typed ahead while a command still runs (the guest polls its console quietly in
    // between), so the checks look for lines, not for prompts.
    const run = cellvisor(['run', join(ROOT, 'examples/two-linux/system.yaml'), '--console', 'a', '--input', '-', '--max-time', '120s'], [
      'ping -c 3 10.0.0.2',
      'seq 1 200000 | head -c 1048576 > /tmp/f; sha256sum /tmp/f',
      'nc 10.0.0.2 5000 < /tmp/f',
      'sleep 5',
      'poweroff',
    ]);
    assert.equal(run.status, 0, `status; stderr:\n${run.stderr}\noutput ends:\n${run.stdout.slice(-3000)}`);
    assert.match(run.stdout, /^3 packets transmitted, 3 packets received, 0% packet loss\r?$/m);
    const sent = /^([0-9a-f]{64}) {2}\/tmp\/f\r?$/m.exec(run.stdout);
    assert.ok(sent, run.stdout.slice(-3000));
    const received = /^b\| (?:.*# )?cellvisor-guest: received (\d+) bytes, sha256 ([0-9a-f]{64})$/m.exec(run.stdout);
    assert.ok(received, run.stdout.slice(-3000));
    assert.equal(received[1], '1048576');
    assert.equal(received[2], sent[1]);
  });

  it('keeps the real-time cell of examples/rt within its admission bound while Linux spins in a busy loop', () => {
    const make = spawnSync('make', ['-s', '-C', join(ROOT, 'examples'), 'rt/periodic.elf',
      `CELLVISOR=${process.execPath} --import tsx ${join(ROOT, 'src/cli/main.ts')}`], { encoding: 'utf8' });
    assert.equal(make.status, 0, make.stderr);
    const path = description([
      'cells:',
      '  - name: periodic',
      `    elf: ${join(ROOT, 'examples/rt/periodic.elf')}`,
      '    priority: 200',
      '    budget: 1ms',
      '    period: 10ms',
      '    poweroff: true',
      'vms:',
      linuxVm({ poweroff: false }),
      '',
    ].join('\n'));
    // 1000 periods (10 s) and the cell powers off: status 0 only if every response was within the bound.
    const run = cellvisor(['run', path, '--console', 'linux', '--input', '-', '--max-time', '30s'], ['while :; do :; done']);
    assert.equal(run.status, 0, `status; stderr:\n${run.stderr}\noutput ends:\n${run.stdout.slice(-2000)}`);
    assert.match(run.stdout, /periodic\| worst response \d+ ns over 1000 periods; bound from check 1006600 ns: within the bound\n/);
    assert.match(run.stdout, /while :; do :; done/);
  });

  it('runs a periodic cell beside the VM: its output keeps coming while Linux boots; the VM\'s poweroff ends the run', async () => {
    await cellElf('ticker');
    const path = description([
      'cells:',
      '  - name: ticker',
      `    elf: ${join(CELL_BUILD, 'ticker.elf')}`,
      '    priority: 100',
      '    budget: 1ms',
      '    period: 10ms',
      'vms:',
      linuxVm({ bootargs: 'console=hvc0 cellvisor.autopoweroff' }),
      '',
    ].join('\n'));
    const run = cellvisor(['run', path, '--max-time', '60s']);
    assert.equal(run.status, 0, `status; stderr:\n${run.stderr}\noutput ends:\n${run.stdout.slice(-3000)}`);
    const lines = run.stdout.split('\n');
    const ticks = lines.filter((l) => l.startsWith('ticker| tick '));
    const linux = lines.filter((l) => l.startsWith('linux| '));
    assert.ok(linux.some((l) => l.includes('cellvisor-guest: autopoweroff')), run.stdout.slice(-3000));
    // Every 100 ms of virtual time, on time, from the start until Linux powered off.
    const up = lines.findIndex((l) => l.includes('Run /init as init process'));
    assert.ok(ticks.length >= 5, `${ticks.length} ticks`);
    assert.ok(lines.slice(0, up).some((l) => l.startsWith('ticker| tick ')), 'ticks while Linux boots');
    ticks.forEach((l, i) => {
      const m = /^ticker\| tick (\d+) at (\d+) ms$/.exec(l);
      assert.ok(m, l);
      assert.equal(Number(m[1]), i + 1);
      // Released every 10 ms: the 10th release of each group within a period of its time.
      const ms = Number(m[2]);
      assert.ok(ms >= 100 * (i + 1) && ms < 100 * (i + 1) + 10, l);
    });
  });

  it('a VM without poweroff: true powers off alone; the cell beside it runs on to --max-time', async () => {
    await cellElf('ticker');
    const path = description([
      'cells:',
      '  - name: ticker',
      `    elf: ${join(CELL_BUILD, 'ticker.elf')}`,
      '    priority: 100',
      '    budget: 1ms',
      '    period: 10ms',
      'vms:',
      linuxVm({ bootargs: 'console=hvc0 cellvisor.autopoweroff', poweroff: false }),
      '',
    ].join('\n'));
    const run = cellvisor(['run', path, '--max-time', '4s']);
    assert.equal(run.status, 4, `status; stderr:\n${run.stderr}`);
    assert.match(run.stderr, /^cellvisor: VM 'linux' powered off$/m);
    assert.match(run.stdout, /^linux\| cellvisor-guest: autopoweroff$/m);
    const last = run.stdout.split('\n').filter((l) => l.startsWith('ticker| tick ')).at(-1);
    assert.match(last ?? '', /^ticker\| tick (39|40) at /);
  });

  it('runs a timed cvping from the boot arguments alone (cellvisor.cvping, then cellvisor.autopoweroff), as npm run bench does', async () => {
    await cellElf('pong');
    const yaml = [
      'memory_regions:',
      '  - { name: ring, size: 4KiB }',
      'cells:',
      '  - name: pong',
      `    elf: ${join(CELL_BUILD, 'pong.elf')}`,
      '    priority: 200',
      '    maps:',
      '      - { region: ring, vaddr: 0x4000000, perms: rw, setvar: ring_base }',
      'vms:',
      linuxVm({
        bootargs: 'console=hvc0 quiet uio_pdrv_genirq.of_id=generic-uio cellvisor.cvping=ring:300 cellvisor.autopoweroff',
        more: '    maps:\n      - { region: ring, gpa: 0x90000000, perms: rw, uio: { channel: 1 } }',
      }),
      'channels:',
      '  - a: { cell: pong, id: 0 }',
      '    b: { vm: linux, id: 1 }',
      '',
    ].join('\n');
    // No console input: the same description twice gives the same guest-measured time.
    const runs = [cellvisor(['run', description(yaml), '--max-time', '60s']), cellvisor(['run', description(yaml), '--max-time', '60s'])];
    const times = runs.map((run) => {
      assert.equal(run.status, 0, `status; stderr:\n${run.stderr}\noutput ends:\n${run.stdout.slice(-2000)}`);
      const lines = run.stdout.split('\n').filter((l) => l.startsWith('linux| cvping'));
      assert.equal(lines.length, 3, lines.join('\n'));
      assert.equal(lines[0], 'linux| cvping: timing 300 round trips');
      assert.equal(lines[1], 'linux| cvping: 300 messages, every reply verified');
      const timed = /^linux\| cvping: 300 round trips in (\d+) ns of guest time, (\d+) ns each$/.exec(lines[2]!);
      assert.ok(timed, lines[2]);
      assert.equal(Math.floor(Number(timed[1]) / 300), Number(timed[2]));
      assert.ok(Number(timed[2]) > 0);
      assert.match(run.stdout, /^linux\| cellvisor-guest: autopoweroff$/m);
      return timed[1];
    });
    assert.equal(times[0], times[1]);
  });
});
