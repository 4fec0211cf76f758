import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryBlockBackend } from '../../../src/machine/devices/block-backend.js';
import { VIRTIO_VENDOR_CELLVISOR, VIRTIO_VENDOR_QEMU, VirtioMmio } from '../../../src/machine/devices/virtio-mmio.js';
import { VirtioBlk } from '../../../src/machine/devices/virtio-blk.js';
import { SeededEntropy, VirtioRng } from '../../../src/machine/devices/virtio-rng.js';
import { F_EVENT_IDX, F_INDIRECT, F_VERSION_1, RAM_BASE, TestDriver } from '../../helpers/virtio-driver.js';

const NEEDS_RESET = 0x40;
const rng = () => new TestDriver(new VirtioRng(new SeededEntropy(1)));

function expectBroken(d: TestDriver): void {
  assert.equal(d.r32(0x70) & NEEDS_RESET, NEEDS_RESET, 'DEVICE_NEEDS_RESET set');
  assert.equal(d.r32(0x60) & 2, 2, 'configuration change notification');
  assert.equal(d.irq.level, true);
  assert.equal(d.faults.length, 1, 'reported once');
}

describe('virtio-mmio transport', () => {
  it('identifies itself as a version 2 device with QEMU\'s vendor id unless told otherwise', () => {
    const d = rng();
    assert.equal(d.r32(0x000), 0x7472_6976);
    assert.equal(d.r32(0x004), 2);
    assert.equal(d.r32(0x008), 4);
    assert.equal(d.r32(0x00c), VIRTIO_VENDOR_QEMU);
    assert.equal(VIRTIO_VENDOR_QEMU, 0x554d4551, '"QEMU"');
    const own = new VirtioMmio(new VirtioRng(new SeededEntropy(1)), d.memory, d.irq, { vendorId: VIRTIO_VENDOR_CELLVISOR });
    assert.equal(own.read(0x00c, 4), BigInt(VIRTIO_VENDOR_CELLVISOR));
    const f = d.deviceFeatures();
    assert.equal(f & (F_VERSION_1 | F_INDIRECT | F_EVENT_IDX), F_VERSION_1 | F_INDIRECT | F_EVENT_IDX);
    d.w32(0x30, 0);
    assert.equal(d.r32(0x034), 8);
    d.w32(0x30, 1);
    assert.equal(d.r32(0x034), 0, 'no queue 1');
    assert.equal(d.r32(0x0b0), 0xffff_ffff, 'no shared memory');
  });

  it('refuses FEATURES_OK with features never offered, and accepts a driver without VERSION_1 as QEMU does', () => {
    assert.equal(rng().init(F_VERSION_1 | (1n << 40n)) & 8, 0);
    assert.equal(rng().init(1n << 27n) & 8, 0, 'ANY_LAYOUT is not offered');
    assert.equal(rng().init(F_VERSION_1 | F_INDIRECT) & 0x4f, 0x0f);
    const legacy = rng();
    assert.equal(legacy.init(0n) & 0x4f, 0x0f, 'no features at all, like xv6 clearing what it does not know');
    legacy.submit(0, [{ len: 4, write: true }]);
    assert.equal(legacy.used(0)[0].len, 4, 'and the device works');
  });

  it('resets on Status 0: queues not ready, interrupts cleared, line low', () => {
    const d = rng();
    d.init();
    d.submit(0, [{ len: 4, write: true }]);
    assert.equal(d.irq.level, true);
    assert.equal(d.r32(0x60), 1);
    d.w32(0x70, 0);
    assert.equal(d.r32(0x70), 0);
    assert.equal(d.r32(0x60), 0);
    assert.equal(d.irq.level, false);
    d.w32(0x30, 0);
    assert.equal(d.r32(0x44), 0, 'QueueReady cleared');
  });

  it('acknowledges interrupts through InterruptACK', () => {
    const d = rng();
    d.init();
    d.submit(0, [{ len: 4, write: true }]);
    assert.equal(d.ack(), 1);
    assert.equal(d.irq.level, false);
    assert.equal(d.r32(0x60), 0);
  });

  it('serves the configuration space at 0x100 in any width, little-endian', () => {
    const d = new TestDriver(new VirtioBlk(new MemoryBlockBackend(0x12_3400)));
    assert.equal(d.mmio.read(0x100, 8), 0x91an, 'capacity in sectors');
    assert.equal(d.mmio.read(0x100, 4), 0x91an);
    assert.equal(d.mmio.read(0x100, 1), 0x1an);
    assert.equal(d.mmio.read(0x101, 1), 0x09n);
    assert.equal(d.mmio.read(0x114, 4), 512n, 'blk_size');
    assert.equal(d.mmio.read(0x1f0, 4), 0n, 'past the config space');
    assert.equal(d.mmio.write(0x100, 4, 0n), true, 'read-only config ignores writes');
    assert.equal(d.mmio.read(0x100, 4), 0x91an);
    assert.equal(d.r32(0x0fc), 0, 'ConfigGeneration');
  });

  it('faults non-32-bit accesses to control registers', () => {
    const d = rng();
    assert.equal(d.mmio.read(0x000, 1), undefined);
    assert.equal(d.mmio.read(0x002, 4), undefined);
    assert.equal(d.mmio.read(0x000, 8), undefined);
    assert.equal(d.mmio.write(0x070, 2, 1n), false);
    assert.equal(d.r32(0x70), 0);
  });

  it('processes buffers made available before DRIVER_OK once it is set', () => {
    const d = rng();
    d.init(F_VERSION_1, undefined, false);
    d.submit(0, [{ len: 8, write: true }]);
    assert.equal(d.used(0).length, 0, 'not before DRIVER_OK');
    d.w32(0x70, 0xf);
    assert.equal(d.used(0).length, 1);
  });

  it('honours VIRTQ_AVAIL_F_NO_INTERRUPT without EVENT_IDX', () => {
    const d = rng();
    d.init();
    d.view.setUint16(d.availAddr(0) - RAM_BASE, 1, true);
    d.submit(0, [{ len: 4, write: true }]);
    assert.equal(d.used(0).length, 1);
    assert.equal(d.irq.level, false);
  });

  it('honours used_event with EVENT_IDX and publishes avail_event', () => {
    const d = rng();
    d.init(F_VERSION_1 | F_EVENT_IDX);
    const size = 8;
    const usedEvent = d.availAddr(0) - RAM_BASE + 4 + 2 * size;
    d.view.setUint16(usedEvent, 1, true); // interrupt once used idx passes 1, i.e. on the 2nd buffer
    d.submit(0, [{ len: 4, write: true }]);
    assert.equal(d.irq.level, false);
    d.submit(0, [{ len: 4, write: true }]);
    assert.equal(d.irq.level, true);
    assert.equal(d.view.getUint16(d.usedAddr(0) - RAM_BASE + 4 + 8 * size, true), 2, 'avail_event');
  });

  it('rejects a queue size that is not a power of two at QueueReady', () => {
    const d = rng();
    assert.equal(d.init(F_VERSION_1, [6]) & NEEDS_RESET, NEEDS_RESET);
    assert.match(d.faults[0], /power of two/);
  });

  it('rejects rings outside memory or misaligned at QueueReady', () => {
    const d = rng();
    d.w32(0x70, 1 | 2);
    d.w32(0x20, 0);
    d.w32(0x24, 1);
    d.w32(0x20, 1);
    d.w32(0x70, 1 | 2 | 8);
    d.w32(0x30, 0);
    d.w32(0x80, 0x1000); // not RAM
    d.w32(0x44, 1);
    assert.equal(d.r32(0x44), 0);
    assert.equal(d.r32(0x70) & NEEDS_RESET, NEEDS_RESET);
    d.w32(0x70, 1 | 2 | 8 | 4);
    assert.equal(d.r32(0x60) & 2, 2, 'config change once DRIVER_OK is set');
  });

  it('recovers from DEVICE_NEEDS_RESET by a reset', () => {
    const d = rng();
    d.init();
    d.writeDesc(d.descAddr(0), 0, 0x10, 4, 2, 0);
    d.offer(0, 0);
    d.notify(0);
    expectBroken(d);
    assert.equal(d.init() & NEEDS_RESET, 0);
    d.submit(0, [{ len: 4, write: true }]);
    assert.equal(d.used(0).length, 1);
  });
});

describe('split virtqueue: malformed chains', () => {
  const setup = (features = F_VERSION_1 | F_INDIRECT) => {
    const d = rng();
    d.init(features);
    return d;
  };
  const table = (d: TestDriver) => d.descAddr(0);

  it('a buffer outside guest memory: needs reset, no exception, nothing used', () => {
    const d = setup();
    d.writeDesc(table(d), 0, RAM_BASE + (4 << 20) - 2, 4, 2, 0);
    d.offer(0, 0);
    d.notify(0);
    expectBroken(d);
    assert.equal(d.used(0).length, 0);
    assert.match(d.faults[0], /outside memory/);
  });

  it('an address past 2^53', () => {
    const d = setup();
    const off = table(d) - RAM_BASE;
    d.view.setBigUint64(off, 0xffff_ffff_ffff_f000n, true);
    d.view.setUint32(off + 8, 16, true);
    d.view.setUint16(off + 12, 2, true);
    d.offer(0, 0);
    d.notify(0);
    expectBroken(d);
  });

  it('a loop in the chain', () => {
    const d = setup();
    const buf = d.alloc(4);
    d.writeDesc(table(d), 0, buf, 4, 1 | 2, 1);
    d.writeDesc(table(d), 1, buf, 4, 1 | 2, 0);
    d.offer(0, 0);
    d.notify(0);
    expectBroken(d);
    assert.match(d.faults[0], /loop/);
  });

  it('a loop inside an indirect table', () => {
    const d = setup();
    const buf = d.alloc(4);
    const ind = d.alloc(32);
    d.writeDesc(ind, 0, buf, 4, 1 | 2, 1);
    d.writeDesc(ind, 1, buf, 4, 1 | 2, 0);
    d.writeDesc(table(d), 0, ind, 32, 4, 0);
    d.offer(0, 0);
    d.notify(0);
    expectBroken(d);
  });

  it('a chain longer than the queue (every descriptor used, then one more)', () => {
    const d = setup();
    const buf = d.alloc(4);
    for (let i = 0; i < 8; i++) d.writeDesc(table(d), i, buf, 4, 1 | 2, i + 1 < 8 ? i + 1 : 0);
    d.offer(0, 0);
    d.notify(0);
    expectBroken(d);
  });

  it('a next index outside the table, and a head index outside it', () => {
    const d = setup();
    d.writeDesc(table(d), 0, d.alloc(4), 4, 1 | 2, 200);
    d.offer(0, 0);
    d.notify(0);
    expectBroken(d);
    const e = setup();
    e.offer(0, 9);
    e.notify(0);
    expectBroken(e);
  });

  it('nested indirect tables, INDIRECT with NEXT, and INDIRECT not negotiated', () => {
    const nested = setup();
    const inner = nested.alloc(16);
    nested.writeDesc(inner, 0, nested.alloc(4), 4, 2, 0);
    const outer = nested.alloc(16);
    nested.writeDesc(outer, 0, inner, 16, 4, 0);
    nested.writeDesc(table(nested), 0, outer, 16, 4, 0);
    nested.offer(0, 0);
    nested.notify(0);
    expectBroken(nested);
    assert.match(nested.faults[0], /inside an indirect/);

    const both = setup();
    const t = both.alloc(16);
    both.writeDesc(t, 0, both.alloc(4), 4, 2, 0);
    both.writeDesc(table(both), 0, t, 16, 4 | 1, 1);
    both.offer(0, 0);
    both.notify(0);
    expectBroken(both);

    const plain = setup(F_VERSION_1);
    const t2 = plain.alloc(16);
    plain.writeDesc(t2, 0, plain.alloc(4), 4, 2, 0);
    plain.writeDesc(table(plain), 0, t2, 16, 4, 0);
    plain.offer(0, 0);
    plain.notify(0);
    expectBroken(plain);
  });

  it('an indirect table of bad length or outside memory', () => {
    const d = setup();
    d.writeDesc(table(d), 0, d.alloc(24), 24, 4, 0);
    d.offer(0, 0);
    d.notify(0);
    expectBroken(d);
    const e = setup();
    e.writeDesc(table(e), 0, 0x10, 16, 4, 0);
    e.offer(0, 0);
    e.notify(0);
    expectBroken(e);
  });

  it('a device-readable descriptor after a device-writable one', () => {
    const d = setup();
    d.submit(0, [{ len: 4, write: true }, { data: new Uint8Array(4) }]);
    expectBroken(d);
  });

  it('an available index running more than the queue size ahead', () => {
    const d = setup();
    d.view.setUint16(d.availAddr(0) - RAM_BASE + 2, 100, true);
    d.notify(0);
    expectBroken(d);
  });

  it('ignores notifications after the fault until a reset', () => {
    const d = setup();
    d.writeDesc(table(d), 0, 0x10, 4, 2, 0);
    d.offer(0, 0);
    d.notify(0);
    expectBroken(d);
    d.submit(0, [{ len: 4, write: true }]);
    assert.equal(d.used(0).length, 0);
  });

  it('survives random descriptor tables, rings and register writes', () => {
    let seed = 12345;
    const rand = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    for (let round = 0; round < 200; round++) {
      const d = setup(round % 2 ? F_VERSION_1 | F_INDIRECT | F_EVENT_IDX : F_VERSION_1 | F_INDIRECT);
      const scribble = (pa: number, n: number) => {
        for (let i = 0; i < n; i++) d.ram[pa - RAM_BASE + i] = rand() & 0xff;
      };
      scribble(d.descAddr(0), 16 * 8);
      // Keep some addresses inside RAM so chains get past the first check.
      for (let i = 0; i < 8; i++) {
        if (rand() & 1) d.view.setBigUint64(d.descAddr(0) - RAM_BASE + 16 * i, BigInt(RAM_BASE + (rand() % 0x40_0000)), true);
      }
      scribble(d.availAddr(0), 4 + 2 * 8 + 2);
      d.notify(0);
      for (let k = 0; k < 20; k++) {
        const off = (rand() % 0x140) & ~3;
        d.mmio.write(off, 4, BigInt(rand()));
        d.mmio.read(off, 4);
      }
      d.notify(0);
    }
  });
});

describe('virtio-mmio legacy interface (version 1)', () => {
  const blk = () => {
    const disk = new MemoryBlockBackend(new Uint8Array(4096));
    disk.bytes.set(new TextEncoder().encode('legacy sector 0'), 0);
    return new TestDriver(new VirtioBlk(disk), 1);
  };

  it('identifies itself as version 1 and shows 32 feature bits, without VERSION_1', () => {
    const d = blk();
    assert.equal(d.r32(0x004), 1);
    assert.equal(d.r32(0x008), 2);
    assert.equal(d.r32(0x00c), VIRTIO_VENDOR_QEMU);
    assert.equal(d.deviceFeatures() >> 32n, 0n);
    assert.notEqual(d.deviceFeatures() & F_INDIRECT, 0n);
    assert.equal(d.r32(0x0fc), 0, 'no ConfigGeneration');
    assert.equal(d.r32(0x0b0), 0, 'no shared memory registers');
  });

  it('reads a sector through a queue placed by QueuePFN, GuestPageSize and QueueAlign', () => {
    for (const [pageSize, align] of [[4096, 4096], [4096, 64], [1024, 16]] as const) {
      const d = blk();
      assert.equal(d.initLegacy(0, pageSize, align) & 0x4f, 0x07, `no FEATURES_OK, no fault (${pageSize}, ${align})`);
      d.w32(0x30, 0);
      assert.equal(d.r32(0x40), RAM_BASE / pageSize, 'QueuePFN reads back');
      const header = new Uint8Array(16); // VIRTIO_BLK_T_IN, sector 0
      d.submit(0, [{ data: header }, { len: 512, write: true }, { len: 1, write: true }]);
      const [u] = d.used(0);
      assert.equal(u.len, 513);
      assert.equal(new TextDecoder().decode(d.written(u, 15)), 'legacy sector 0');
      assert.equal(d.irq.level, true);
      assert.equal(d.ack(), 1);
    }
  });

  it('stops a queue at QueuePFN 0 and drops features never offered at DRIVER_OK', () => {
    const d = blk();
    d.initLegacy(0xffff_ffff);
    d.w32(0x30, 0);
    d.w32(0x40, 0);
    assert.equal(d.r32(0x40), 0);
    assert.equal(d.mmio.negotiated & ~d.deviceFeatures(), 0n);
    const bad = blk();
    bad.w32(0x70, 3);
    bad.w32(0x30, 0);
    bad.w32(0x3c, 100); // not a power of two
    bad.w32(0x40, RAM_BASE / 4096);
    assert.equal(bad.r32(0x70) & NEEDS_RESET, NEEDS_RESET);
    assert.match(bad.faults[0] ?? '', /QueueAlign 100/);
  });
});
