// The board against QEMU 7.2's `virt`, where guests can look: the device tree (QEMU's
// `-machine dumpdtb` with the board's devices against `cellvisor machine --dump-dtb`)
// and the identity registers of the devices (read by guests/hobby on both). Whatever
// still differs must be in the lists below, each with its reason; docs/board.md lists
// the same. A new difference, or one that went away, fails the test.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readFdt, showProp, type FdtReadNode } from '../helpers/fdt-read.js';
import { ROOT } from '../helpers/tools.js';
import {
  HOBBY_ELF, keyValues, needHobby, needQemu, QEMU, qemuVirtArgs, runCellvisorVirt, runQemuVirt,
} from '../helpers/virt-runs.js';

/** Device-tree differences left: "KIND PATH [PROPERTY]" → why. */
const DT_DIFFERENCES: Readonly<Record<string, string>> = {
  'qemu-only-node /pmu': 'no SBI PMU: the hart has no hpm event counters to describe',
  'qemu-only-node /fw-cfg@10100000': 'no fw_cfg device: the board is configured by its command line',
  'qemu-only-node /flash@20000000': 'no CFI flash: firmware and kernel are loaded into RAM',
  'qemu-only-node /platform-bus@4000000': 'no dynamic sysbus devices',
  'qemu-only-node /soc/pci@30000000': 'no PCIe host bridge: devices are virtio-mmio',
  'differs /chosen rng-seed': 'QEMU seeds from the host; the board uses fixed bytes so that runs are reproducible',
  // Both have H now: QEMU 7.2's default CPU is rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc.
  'differs /cpus/cpu@0 riscv,isa': 'the hart implements its own profile (rva22 by default, with H as QEMU\'s default CPU has), not QEMU 7.2\'s default CPU: Zicbom/Zicboz/Zicbop, Zicond, Zfhmin, Svinval, Svnapot and Svpbmt, no Zbc',
  'ours-only /cpus/cpu@0 riscv,isa-base': 'the newer ISA binding, which QEMU 7.2 predates; riscv,isa is there too',
  'ours-only /cpus/cpu@0 riscv,isa-extensions': 'the newer ISA binding, which QEMU 7.2 predates; riscv,isa is there too',
  'ours-only /cpus/cpu@0 riscv,cbom-block-size': 'Zicbom is part of the profile; QEMU 7.2\'s default CPU lacks it',
  'ours-only /cpus/cpu@0 riscv,cboz-block-size': 'Zicboz is part of the profile; QEMU 7.2\'s default CPU lacks it',
};

/** Identity-register differences left, by the hobby guest's key → why. */
const REGISTER_DIFFERENCES: Readonly<Record<string, string>> = {
  'virtio 0 features': 'virtio-blk offers only what it implements: SEG_MAX, BLK_SIZE, FLUSH (QEMU also GEOMETRY, TOPOLOGY, CONFIG_WCE, DISCARD, WRITE_ZEROES) and no RING_RESET',
  'virtio 1 features': 'virtio-net offers MAC and STATUS only (QEMU also MRG_RXBUF, the control queue and its features, GUEST_ANNOUNCE) and no RING_RESET',
  'virtio 2 features': 'no RING_RESET (virtio 1.2), which no driver of the board needs',
  'virtio 3 features': 'virtio-console offers no MULTIPORT (QEMU\'s virtio-serial does) and no RING_RESET',
  'virtio 0 queue0': 'QueueNumMax is each device\'s own ring size (QEMU: 1024 for all); a driver takes what is offered',
  'virtio 1 queue0': 'QueueNumMax is each device\'s own ring size (QEMU: 1024 for all); a driver takes what is offered',
  'virtio 2 queue0': 'QueueNumMax is each device\'s own ring size (QEMU: 1024 for all); a driver takes what is offered',
  'virtio 3 queue0': 'QueueNumMax is each device\'s own ring size (QEMU: 1024 for all); a driver takes what is offered',
};

const dir = mkdtempSync(join(tmpdir(), 'cellvisor-qemu-virt-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function disk(): string {
  const file = join(dir, 'disk.img');
  const bytes = new Uint8Array(4096);
  bytes.set(new TextEncoder().encode('cellvisor hobby disk: sector 0\n'));
  writeFileSync(file, bytes);
  return file;
}

/** Every difference between two trees, as "KIND PATH [PROPERTY]" keys with the values. */
function treeDifferences(qemu: FdtReadNode[], ours: FdtReadNode[]): Map<string, string> {
  const out = new Map<string, string>();
  const qemuByPath = new Map(qemu.map((n) => [n.path, n]));
  const oursByPath = new Map(ours.map((n) => [n.path, n]));
  for (const n of qemu) if (!oursByPath.has(n.path)) out.set(`qemu-only-node ${n.path}`, '');
  for (const n of ours) if (!qemuByPath.has(n.path)) out.set(`ours-only-node ${n.path}`, '');
  const order = (nodes: FdtReadNode[], other: Map<string, FdtReadNode>) => nodes.filter((n) => other.has(n.path)).map((n) => n.path);
  const qemuOrder = order(qemu, oursByPath);
  const oursOrder = order(ours, qemuByPath);
  if (qemuOrder.join() !== oursOrder.join()) out.set('node-order', `QEMU ${qemuOrder.join(' ')}\n  ours ${oursOrder.join(' ')}`);
  for (const q of qemu) {
    const o = oursByPath.get(q.path);
    if (!o) continue;
    for (const [name, value] of q.props) {
      const mine = o.props.get(name);
      if (mine === undefined) out.set(`qemu-only ${q.path} ${name}`, showProp(value));
      else if (showProp(mine) !== showProp(value)) out.set(`differs ${q.path} ${name}`, `QEMU ${showProp(value)}, ours ${showProp(mine)}`);
    }
    for (const [name, value] of o.props) if (!q.props.has(name)) out.set(`ours-only ${q.path} ${name}`, showProp(value));
  }
  return out;
}

function assertOnlyListed(found: Map<string, string>, listed: Readonly<Record<string, string>>, what: string): void {
  const unexpected = [...found].filter(([k]) => !(k in listed)).map(([k, v]) => `${k}: ${v}`);
  const gone = Object.keys(listed).filter((k) => !found.has(k));
  assert.deepEqual(unexpected, [], `${what} differences not listed (fix the board or list them with a reason)`);
  assert.deepEqual(gone, [], `${what} differences listed that no longer exist (drop them here and in docs/board.md)`);
}

describe('the virt board against QEMU\'s virt', () => {
  it('has QEMU\'s device tree, nodes in QEMU\'s order, but for the listed differences', { skip: needQemu }, () => {
    const image = disk();
    const qemuDtb = join(dir, 'qemu.dtb');
    const args = qemuVirtArgs(image).map((a) => (a === 'virt' ? `virt,dumpdtb=${qemuDtb}` : a));
    const q = spawnSync(QEMU, [...args, '-kernel', HOBBY_ELF], { encoding: 'utf8' });
    // QEMU loads the kernel before it dumps the tree; any ELF does.
    assert.equal(q.status, 0, q.stderr);
    const ourDtb = join(dir, 'ours.dtb');
    const c = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'machine',
      '--bios', 'none', '--kernel', HOBBY_ELF, '--drive', `${image},ro`, '--dump-dtb', ourDtb], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(c.status, 0, c.stderr);
    const found = treeDifferences(readFdt(readFileSync(qemuDtb)), readFdt(readFileSync(ourDtb)));
    assertOnlyListed(found, DT_DIFFERENCES, 'device tree');
  });

  it('answers QEMU\'s identity registers (virtio-mmio, UART, RTC, PLIC), but for the listed differences', { skip: needQemu || needHobby }, async () => {
    const image = disk();
    const [qemu, ours] = await Promise.all([runQemuVirt(HOBBY_ELF, image), runCellvisorVirt(HOBBY_ELF, image)]);
    assert.equal(qemu.status, 0, `QEMU: ${qemu.stderr}\n${qemu.stdout}`);
    assert.equal(ours.status, 0, `cellvisor: ${ours.stderr}\n${ours.stdout}`);
    // The identity dump ends where the guest starts using the disk.
    const identity = (out: string) => keyValues(out.slice(0, out.indexOf('disk slot:')));
    const q = identity(qemu.stdout);
    const o = identity(ours.stdout);
    assert.ok(q.size > 40 && q.has('virtio 0') && q.has('plic claim idle'), `QEMU's dump is incomplete:\n${qemu.stdout}`);
    assert.deepEqual([...o.keys()], [...q.keys()], 'the same registers in the same order');
    const found = new Map([...q].filter(([k, v]) => o.get(k) !== v).map(([k, v]) => [k, `QEMU ${v}, ours ${o.get(k)}`]));
    assertOnlyListed(found, REGISTER_DIFFERENCES, 'identity register');
    // The identity proper never differs: magic, version 2, device ids, QEMU's vendor id.
    for (let n = 0; n < 8; n++) assert.equal(o.get(`virtio ${n}`), q.get(`virtio ${n}`));
    assert.match(o.get('virtio 0') ?? '', /magic=74726976 version=2 device=2 vendor=554d4551/);
  });

  it('with --virtio-version 1 answers as QEMU\'s default legacy transports, which xv6-style kernels refuse', { skip: needQemu || needHobby }, async () => {
    const image = disk();
    const [qemu, ours] = await Promise.all([
      runQemuVirt(HOBBY_ELF, image, true), runCellvisorVirt(HOBBY_ELF, image, ['--virtio-version', '1']),
    ]);
    const q = keyValues(qemu.stdout);
    const o = keyValues(ours.stdout);
    for (let n = 0; n < 8; n++) {
      assert.match(q.get(`virtio ${n}`) ?? '', /version=1/);
      assert.equal(o.get(`virtio ${n}`), q.get(`virtio ${n}`));
      // 32 feature bits only; which ones differs as with version 2.
      assert.match(o.get(`virtio ${n} features`) ?? '', /^00000000:/);
      assert.match(q.get(`virtio ${n} features`) ?? '', /^00000000:/);
    }
    for (const r of [qemu, ours]) assert.match(r.stdout, /panic: could not find virtio disk\n$/);
  });
});
