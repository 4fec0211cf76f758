import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryBlockBackend } from '../../../src/machine/devices/block-backend.js';
import {
  VIRTIO_BLK_F_FLUSH, VIRTIO_BLK_F_RO, VIRTIO_BLK_S_IOERR, VIRTIO_BLK_S_OK, VIRTIO_BLK_S_UNSUPP, VIRTIO_BLK_T_FLUSH,
  VIRTIO_BLK_T_GET_ID, VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT, VirtioBlk,
} from '../../../src/machine/devices/virtio-blk.js';
import { F_INDIRECT, F_VERSION_1, TestDriver, type Used } from '../../helpers/virtio-driver.js';

const SECTORS = 64;

function header(type: number, sector: bigint): Uint8Array {
  const h = new Uint8Array(16);
  const v = new DataView(h.buffer);
  v.setUint32(0, type, true);
  v.setBigUint64(8, sector, true);
  return h;
}

function setup(readOnly = false, serial = 'cellvisor-disk-0') {
  const image = new Uint8Array(SECTORS * 512);
  for (let i = 0; i < image.length; i++) image[i] = (i * 7 + (i >> 9)) & 0xff;
  const disk = new MemoryBlockBackend(image, readOnly);
  const d = new TestDriver(new VirtioBlk(disk, { serial }));
  assert.equal(d.init(F_VERSION_1 | F_INDIRECT) & 0x4f, 0x0f);
  return { d, disk, image };
}

/** The status byte: the last byte of the last writable buffer. */
function status(d: TestDriver, u: Used): number {
  const last = u.buffers[u.buffers.length - 1];
  return d.get(last.addr + last.len - 1, 1)[0];
}

describe('virtio-blk', () => {
  it('offers FLUSH, and RO only for a read-only disk', () => {
    assert.equal(setup().d.deviceFeatures() & (1n << VIRTIO_BLK_F_RO), 0n);
    assert.notEqual(setup().d.deviceFeatures() & (1n << VIRTIO_BLK_F_FLUSH), 0n);
    assert.notEqual(setup(true).d.deviceFeatures() & (1n << VIRTIO_BLK_F_RO), 0n);
    assert.equal(setup().d.mmio.read(0x100, 8), BigInt(SECTORS));
  });

  it('reads sectors (T_IN) into a data buffer split across descriptors', () => {
    const { d, image } = setup();
    d.submit(0, [{ data: header(VIRTIO_BLK_T_IN, 3n) }, { len: 700, write: true }, { len: 324, write: true }, { len: 1, write: true }]);
    const [u] = d.used(0);
    assert.equal(status(d, u), VIRTIO_BLK_S_OK);
    assert.equal(u.len, 1025);
    assert.deepEqual(d.written(u, 1024), image.subarray(3 * 512, 5 * 512));
    assert.equal(d.irq.level, true);
  });

  it('writes sectors (T_OUT), with header and data in one descriptor', () => {
    const { d, disk } = setup();
    const data = new Uint8Array(512).fill(0xab);
    const req = new Uint8Array(16 + 512);
    req.set(header(VIRTIO_BLK_T_OUT, 10n));
    req.set(data, 16);
    d.submit(0, [{ data: req }, { len: 1, write: true }]);
    const [u] = d.used(0);
    assert.equal(status(d, u), VIRTIO_BLK_S_OK);
    assert.equal(u.len, 1);
    assert.deepEqual(disk.bytes.subarray(10 * 512, 11 * 512), data);
  });

  it('takes requests through an indirect table', () => {
    const { d, image } = setup();
    d.submit(0, [{ data: header(VIRTIO_BLK_T_IN, 0n) }, { len: 512, write: true }, { len: 1, write: true }], { indirect: true });
    const [u] = d.used(0);
    assert.equal(status(d, u), VIRTIO_BLK_S_OK);
    assert.deepEqual(d.written(u, 512), image.subarray(0, 512));
  });

  it('flushes (T_FLUSH)', () => {
    const { d, disk } = setup();
    d.submit(0, [{ data: header(VIRTIO_BLK_T_FLUSH, 0n) }, { len: 1, write: true }]);
    assert.equal(status(d, d.used(0)[0]), VIRTIO_BLK_S_OK);
    assert.equal(disk.flushes, 1);
  });

  it('returns the serial (T_GET_ID), NUL-padded to 20 bytes', () => {
    const { d } = setup();
    d.submit(0, [{ data: header(VIRTIO_BLK_T_GET_ID, 0n) }, { len: 20, write: true }, { len: 1, write: true }]);
    const [u] = d.used(0);
    assert.equal(status(d, u), VIRTIO_BLK_S_OK);
    const id = d.written(u, 20);
    assert.equal(new TextDecoder().decode(id.subarray(0, 16)), 'cellvisor-disk-0');
    assert.deepEqual(id.subarray(16), new Uint8Array(4));
  });

  it('fails writes to a read-only disk with IOERR and leaves the disk alone', () => {
    const { d, disk, image } = setup(true);
    const req = new Uint8Array(16 + 512).fill(0xee);
    req.set(header(VIRTIO_BLK_T_OUT, 0n));
    d.submit(0, [{ data: req }, { len: 1, write: true }]);
    assert.equal(status(d, d.used(0)[0]), VIRTIO_BLK_S_IOERR);
    assert.deepEqual(disk.bytes, image);
  });

  it('fails out-of-range and partial-sector requests with IOERR', () => {
    const { d } = setup();
    const cases: [number, bigint, number][] = [
      [VIRTIO_BLK_T_IN, BigInt(SECTORS), 512],
      [VIRTIO_BLK_T_IN, BigInt(SECTORS - 1), 1024],
      [VIRTIO_BLK_T_IN, 0xffff_ffff_ffff_ffffn, 512],
      [VIRTIO_BLK_T_IN, 0n, 100],
    ];
    for (const [type, sector, len] of cases) {
      d.submit(0, [{ data: header(type, sector) }, { len, write: true }, { len: 1, write: true }]);
      assert.equal(status(d, d.used(0)[0]), VIRTIO_BLK_S_IOERR, `sector ${sector} len ${len}`);
    }
    const req = new Uint8Array(16 + 512);
    req.set(header(VIRTIO_BLK_T_OUT, BigInt(SECTORS)));
    d.submit(0, [{ data: req }, { len: 1, write: true }]);
    assert.equal(status(d, d.used(0)[0]), VIRTIO_BLK_S_IOERR);
  });

  it('answers unknown request types with UNSUPP', () => {
    const { d } = setup();
    d.submit(0, [{ data: header(11, 0n) }, { len: 1, write: true }]);
    assert.equal(status(d, d.used(0)[0]), VIRTIO_BLK_S_UNSUPP);
  });

  it('reports IOERR when the backend fails', () => {
    const { d, disk } = setup();
    disk.read = () => false;
    d.submit(0, [{ data: header(VIRTIO_BLK_T_IN, 0n) }, { len: 512, write: true }, { len: 1, write: true }]);
    assert.equal(status(d, d.used(0)[0]), VIRTIO_BLK_S_IOERR);
  });

  it('treats a request without header or status byte as a driver bug (needs reset)', () => {
    const { d } = setup();
    d.submit(0, [{ data: new Uint8Array(8) }, { len: 1, write: true }]);
    assert.equal(d.r32(0x70) & 0x40, 0x40);
    const e = setup().d;
    e.submit(0, [{ data: header(VIRTIO_BLK_T_FLUSH, 0n) }]);
    assert.equal(e.r32(0x70) & 0x40, 0x40);
  });

  it('handles a batch of requests in one notification, in order', () => {
    const { d, image } = setup();
    for (let s = 0; s < 4; s++) {
      d.submit(0, [{ data: header(VIRTIO_BLK_T_IN, BigInt(s)) }, { len: 512, write: true }, { len: 1, write: true }], { notify: false });
    }
    d.notify(0);
    const used = d.used(0);
    assert.equal(used.length, 4);
    used.forEach((u, s) => assert.deepEqual(d.written(u, 512), image.subarray(s * 512, (s + 1) * 512)));
  });
});
