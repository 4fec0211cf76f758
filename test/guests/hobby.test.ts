// guests/hobby, a kernel written the way xv6 and other teaching kernels are written for
// QEMU's virt board, on cellvisor against QEMU: it must find its disk (it insists on
// QEMU's VendorID), negotiate without VIRTIO_F_VERSION_1, read a sector through the
// completion interrupt, and get through a stretch of virtual time with the UART's
// THR-empty interrupt enabled and IIR never read, taking about as many external
// interrupts as on QEMU. With the PLIC specification's gateway it livelocks instead,
// which is why that gateway is an option and not the default.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { HOBBY_ELF, keyValues, needHobby, needQemu, runCellvisorVirt, runQemuVirt } from '../helpers/virt-runs.js';

const dir = mkdtempSync(join(tmpdir(), 'cellvisor-hobby-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const SECTOR0 = 'xv6-style disk, sector 0';

function disk(): string {
  const file = join(dir, 'disk.img');
  const bytes = new Uint8Array(8 * 512);
  bytes.set(new TextEncoder().encode(SECTOR0));
  for (let i = 64; i < 512; i++) bytes[i] = (i * 7) & 0xff;
  writeFileSync(file, bytes);
  return file;
}

/** The console from the disk's first use on: what the kernel did rather than what it read. */
function afterIdentity(out: string): string {
  return out.slice(out.indexOf('disk slot:'));
}

const count = (kv: Map<string, string>, key: string): number => {
  const v = kv.get(key);
  assert.ok(v !== undefined && /^\d+$/.test(v), `no count for ${key}`);
  return Number(v);
};

describe('a kernel written for QEMU\'s virt board (guests/hobby)', () => {
  it('runs to its end on cellvisor as on QEMU, with interrupt counts of the same order', { skip: needQemu || needHobby }, async () => {
    const image = disk();
    const [qemu, ours] = await Promise.all([runQemuVirt(HOBBY_ELF, image), runCellvisorVirt(HOBBY_ELF, image)]);
    assert.equal(qemu.status, 0, `QEMU did not run the guest to its end: ${qemu.stderr}\n${qemu.stdout}`);
    assert.equal(ours.status, 0, `cellvisor: ${ours.stderr}\n${ours.stdout}`);
    const q = keyValues(qemu.stdout);
    const o = keyValues(ours.stdout);
    for (const kv of [q, o]) {
      assert.equal(kv.get('disk features'), 'accepted without VERSION_1');
      assert.equal(kv.get('disk status'), '00');
      assert.equal(kv.get('disk sector 0'), SECTOR0);
    }
    assert.equal(o.get('disk sector 0 hash'), q.get('disk sector 0 hash'));
    assert.match(ours.stdout, /hobby: done\n$/);
    // The ticks and tocks went out through the THR-empty interrupt on both.
    const lines = (out: string) => afterIdentity(out).split('\n').filter((l) => l === 'tick' || l === 'tock');
    assert.deepEqual(lines(ours.stdout), lines(qemu.stdout));
    assert.equal(lines(ours.stdout).length, 9);

    assert.equal(count(o, 'irq disk'), count(q, 'irq disk'));
    assert.equal(count(o, 'irq disk'), 1);
    assert.equal(count(o, 'irq other'), 0);
    const [uartQemu, uartOurs] = [count(q, 'irq uart'), count(o, 'irq uart')];
    assert.ok(uartQemu > 0 && uartOurs > 0, `UART interrupts: QEMU ${uartQemu}, cellvisor ${uartOurs}`);
    assert.ok(uartOurs <= 4 * uartQemu && uartQemu <= 4 * uartOurs,
      `UART interrupts of the same order: QEMU ${uartQemu}, cellvisor ${uartOurs}`);
  });

  it('livelocks in its trap handler with --plic-gateway spec', { skip: needHobby }, async () => {
    const r = await runCellvisorVirt(HOBBY_ELF, disk(), ['--plic-gateway', 'spec', '--max-insns', '20000000']);
    assert.equal(r.status, 4, `stopped by --max-insns, not ended: ${r.stderr}\n${r.stdout}`);
    const out = afterIdentity(r.stdout);
    assert.match(out, /disk sector 0: /, 'the disk still works: its interrupt is acknowledged');
    assert.doesNotMatch(out, /tick|hobby: done/, 'but the THR-empty interrupt comes back at every completion');
  });

  it('panics without QEMU\'s VendorID (--virtio-vendor cellvisor)', { skip: needHobby }, async () => {
    const r = await runCellvisorVirt(HOBBY_ELF, disk(), ['--virtio-vendor', 'cellvisor']);
    assert.match(r.stdout, /virtio 0: magic=74726976 version=2 device=2 vendor=73697663\n/);
    assert.match(r.stdout, /panic: could not find virtio disk\n$/);
    assert.equal(r.status, 1, r.stderr);
  });
});
