import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VirtioConsole } from '../../../src/machine/devices/virtio-console.js';
import { TestDriver } from '../../helpers/virtio-driver.js';

function setup() {
  const out: number[] = [];
  const con = new VirtioConsole({ write: (b) => out.push(...b) });
  const d = new TestDriver(con);
  d.init();
  const text = () => new TextDecoder().decode(Uint8Array.from(out));
  return { con, d, text };
}

describe('virtio-console', () => {
  it('has two queues (port 0) and max_nr_ports 1', () => {
    const { d } = setup();
    assert.equal(d.r32(0x008), 3);
    assert.equal(d.mmio.read(0x104, 4), 1n);
  });

  it('sends transmitq buffers to the sink', () => {
    const { d, text } = setup();
    const enc = new TextEncoder();
    d.submit(1, [{ data: enc.encode('hello, ') }, { data: enc.encode('world\n') }]);
    const [u] = d.used(1);
    assert.equal(u.len, 0);
    assert.equal(text(), 'hello, world\n');
    assert.equal(d.irq.level, true);
  });

  it('delivers host input into receiveq buffers, holding it until buffers come', () => {
    const { con, d } = setup();
    con.receive(new TextEncoder().encode('abcdef'));
    assert.equal(con.rxPending, 6);
    d.submit(0, [{ len: 4, write: true }]);
    d.submit(0, [{ len: 16, write: true }]);
    const used = d.used(0);
    assert.equal(used.length, 2);
    assert.equal(new TextDecoder().decode(d.written(used[0])), 'abcd');
    assert.equal(new TextDecoder().decode(d.written(used[1])), 'ef');
    assert.equal(con.rxPending, 0);
    d.submit(0, [{ len: 16, write: true }]);
    assert.equal(d.used(0).length, 0, 'an empty buffer waits for input');
    con.receive(new TextEncoder().encode('x'));
    const [u] = d.used(0);
    assert.equal(new TextDecoder().decode(d.written(u)), 'x');
  });

  it('prints emerg_wr writes', () => {
    const { d, text } = setup();
    d.mmio.write(0x108, 4, 0x21n);
    assert.equal(text(), '!');
  });
});
