import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoopbackNet, NetPair } from '../../../src/machine/devices/net-backend.js';
import { VIRTIO_NET_F_MAC, VirtioNet, boardMac } from '../../../src/machine/devices/virtio-net.js';
import { F_INDIRECT, F_VERSION_1, TestDriver } from '../../helpers/virtio-driver.js';

const HDR = 12;

function frame(dst: Uint8Array, src: Uint8Array, payload: string): Uint8Array {
  const p = new TextEncoder().encode(payload);
  const f = new Uint8Array(14 + p.length);
  f.set(dst, 0);
  f.set(src, 6);
  f[12] = 0x88;
  f[13] = 0xb5; // local experimental EtherType
  f.set(p, 14);
  return f;
}

function withHeader(f: Uint8Array): Uint8Array {
  const out = new Uint8Array(HDR + f.length);
  out.set(f, HDR);
  return out;
}

describe('virtio-net', () => {
  it('reports its MAC in the configuration space and link up', () => {
    const d = new TestDriver(new VirtioNet(new LoopbackNet(), { mac: boardMac(3) }));
    assert.notEqual(d.deviceFeatures() & (1n << VIRTIO_NET_F_MAC), 0n);
    const mac = Array.from({ length: 6 }, (_, i) => Number(d.mmio.read(0x100 + i, 1)));
    assert.deepEqual(mac, [0x02, 0x63, 0x76, 0x69, 0x73, 3]);
    assert.equal(d.mmio.read(0x106, 2), 1n, 'VIRTIO_NET_S_LINK_UP');
  });

  it('loops a transmitted frame back into a receive buffer (LoopbackNet)', () => {
    const net = new VirtioNet(new LoopbackNet());
    const d = new TestDriver(net);
    d.init(F_VERSION_1 | F_INDIRECT);
    d.submit(0, [{ len: 1526, write: true }]);
    const f = frame(boardMac(0), boardMac(0), 'ping');
    d.submit(1, [{ data: new Uint8Array(HDR) }, { data: f }], { indirect: true });
    assert.equal(d.used(1).length, 1);
    const [u] = d.used(0);
    assert.equal(u.len, HDR + f.length);
    const got = d.written(u);
    assert.equal(new DataView(got.buffer).getUint16(10, true), 1, 'num_buffers = 1');
    assert.deepEqual(got.subarray(HDR), f);
  });

  it('uses the legacy 10-byte header when VERSION_1 is not negotiated', () => {
    const d = new TestDriver(new VirtioNet(new LoopbackNet()));
    assert.equal(d.init(1n << VIRTIO_NET_F_MAC) & 8, 8);
    d.submit(0, [{ len: 1526, write: true }]);
    const f = frame(boardMac(0), boardMac(0), 'legacy');
    const out = new Uint8Array(10 + f.length);
    out.set(f, 10);
    d.submit(1, [{ data: out }]);
    const [u] = d.used(0);
    assert.equal(u.len, 10 + f.length);
    const got = d.written(u);
    assert.deepEqual(got.subarray(0, 10), new Uint8Array(10), 'an all-zero header without num_buffers');
    assert.deepEqual(got.subarray(10, 10 + f.length), f);
  });

  it('holds frames until receive buffers arrive', () => {
    const net = new VirtioNet(new LoopbackNet());
    const d = new TestDriver(net);
    d.init();
    const f = frame(boardMac(0), boardMac(0), 'later');
    d.submit(1, [{ data: withHeader(f) }]);
    assert.equal(d.used(0).length, 0);
    d.submit(0, [{ len: 1526, write: true }]);
    assert.deepEqual(d.written(d.used(0)[0]).subarray(HDR), f);
  });

  it('connects two devices back to back (NetPair)', () => {
    const pair = new NetPair();
    const a = new TestDriver(new VirtioNet(pair.a, { mac: boardMac(1) }));
    const b = new TestDriver(new VirtioNet(pair.b, { mac: boardMac(2) }));
    a.init();
    b.init();
    a.submit(0, [{ len: 1526, write: true }]);
    b.submit(0, [{ len: 1526, write: true }]);
    const ab = frame(boardMac(2), boardMac(1), 'a to b');
    a.submit(1, [{ data: withHeader(ab) }]);
    assert.deepEqual(b.written(b.used(0)[0]).subarray(HDR), ab);
    assert.equal(a.used(0).length, 0, 'nothing comes back to the sender');
    const ba = frame(boardMac(1), boardMac(2), 'b to a');
    b.submit(1, [{ data: withHeader(ba) }]);
    assert.deepEqual(a.written(a.used(0)[0]).subarray(HDR), ba);
  });

  it('drops frames that do not fit the receive buffer, and frames while no driver runs', () => {
    const pair = new NetPair();
    const net = new VirtioNet(pair.b);
    const d = new TestDriver(net);
    pair.a.send(new Uint8Array(60));
    assert.equal(net.dropped, 1, 'device not live');
    d.init();
    d.submit(0, [{ len: 32, write: true }]);
    pair.a.send(new Uint8Array(60));
    const [u] = d.used(0);
    assert.equal(u.len, 0);
    assert.equal(net.dropped, 2);
  });
});
