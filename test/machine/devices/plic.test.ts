import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Plic, type PlicGateway } from '../../../src/machine/devices/plic.js';

const priority = (id: number) => 4 * id;
const enable = (ctx: number, word = 0) => 0x2000 + 0x80 * ctx + 4 * word;
const threshold = (ctx: number) => 0x20_0000 + 0x1000 * ctx;
const claim = (ctx: number) => threshold(ctx) + 4;

function setup(sources = 95, gateway: PlicGateway = 'spec') {
  const outputs = new Map<number, boolean>();
  const calls: string[] = [];
  const plic = new Plic({ sources, contexts: 2, gateway }, (ctx, level) => {
    outputs.set(ctx, level);
    calls.push(`${ctx}=${level}`);
  });
  const w = (off: number, v: number) => assert.equal(plic.write(off, 4, BigInt(v)), true);
  const r = (off: number) => Number(plic.read(off, 4));
  return { plic, outputs, calls, w, r };
}

describe('PLIC with the specification\'s gateway', () => {
  it('claims the highest priority first, ties going to the lowest id', () => {
    const { plic, w, r } = setup();
    for (const [id, p] of [[3, 2], [5, 7], [7, 7], [10, 1]] as const) w(priority(id), p);
    w(enable(1), (1 << 3) | (1 << 5) | (1 << 7) | (1 << 10));
    for (const id of [3, 5, 7, 10]) plic.line(id).set(true);
    assert.equal(r(0x1000), (1 << 3) | (1 << 5) | (1 << 7) | (1 << 10));
    assert.equal(r(claim(1)), 5);
    assert.equal(r(claim(1)), 7);
    assert.equal(r(claim(1)), 3);
    assert.equal(r(claim(1)), 10);
    assert.equal(r(claim(1)), 0, 'nothing left');
    assert.equal(r(0x1000), 0, 'claims clear the pending bits');
  });

  it('drives a context only above its threshold; claim ignores the threshold', () => {
    const { plic, outputs, w, r } = setup();
    w(priority(10), 3);
    w(enable(0), 1 << 10);
    w(threshold(0), 3);
    plic.line(10).set(true);
    assert.equal(outputs.get(0), undefined, 'priority 3 is not above threshold 3');
    w(threshold(0), 2);
    assert.equal(outputs.get(0), true);
    w(threshold(0), 7);
    assert.equal(outputs.get(0), false);
    assert.equal(r(claim(0)), 10, 'a claim is not affected by the threshold');
  });

  it('never signals a priority-0 source', () => {
    const { plic, outputs, w, r } = setup();
    w(enable(1), 1 << 4);
    plic.line(4).set(true);
    assert.equal(r(0x1000), 1 << 4, 'pending');
    assert.equal(outputs.get(1), undefined);
    assert.equal(r(claim(1)), 0);
  });

  it('routes per context: M and S enables are independent', () => {
    const { plic, outputs, w } = setup();
    w(priority(1), 1);
    w(enable(1), 1 << 1);
    plic.line(1).set(true);
    assert.equal(outputs.get(1), true);
    assert.equal(outputs.get(0), undefined);
  });

  it('holds a claimed level source until completion, then re-pends it if still high', () => {
    const { plic, outputs, w, r } = setup();
    w(priority(10), 1);
    w(enable(1), 1 << 10);
    const line = plic.line(10);
    line.set(true);
    assert.equal(r(claim(1)), 10);
    assert.equal(outputs.get(1), false, 'in service: the gateway forwards nothing');
    line.set(false);
    line.set(true);
    assert.equal(r(0x1000), 0, 'no new request before completion');
    w(claim(1), 10);
    assert.equal(r(0x1000), 1 << 10, 'still high at completion: pending again');
    assert.equal(outputs.get(1), true);
    assert.equal(r(claim(1)), 10);
    line.set(false);
    w(claim(1), 10);
    assert.equal(r(0x1000), 0, 'low at completion: nothing');
    assert.equal(outputs.get(1), false);
  });

  it('keeps a request that was deasserted after it became pending', () => {
    const { plic, w, r } = setup();
    w(priority(2), 1);
    w(enable(0), 1 << 2);
    plic.line(2).set(true);
    plic.line(2).set(false);
    assert.equal(r(claim(0)), 2);
  });

  it('ignores completion of a source not enabled for the context', () => {
    const { plic, w, r } = setup();
    w(priority(6), 1);
    w(enable(1), 1 << 6);
    plic.line(6).set(true);
    assert.equal(r(claim(1)), 6);
    w(claim(0), 6); // context 0 does not enable source 6
    assert.equal(r(0x1000), 0);
    w(claim(1), 6);
    assert.equal(r(0x1000), 1 << 6);
  });

  it('makes priorities and thresholds WARL with 3 bits; hardwires source 0 and absent sources', () => {
    const { w, r } = setup(40);
    w(priority(1), 0xffff_ffff);
    assert.equal(r(priority(1)), 7);
    w(threshold(1), 0x1234);
    assert.equal(r(threshold(1)), 4);
    w(priority(0), 5);
    assert.equal(r(priority(0)), 0);
    w(priority(41), 5);
    assert.equal(r(priority(41)), 0, 'source 41 does not exist');
    w(enable(0, 0), 0xffff_ffff);
    assert.equal(r(enable(0, 0)) >>> 0, 0xffff_fffe, 'bit 0 hardwired to zero');
    w(enable(0, 1), 0xffff_ffff);
    assert.equal(r(enable(0, 1)), 0x1ff, 'sources 32..40 only');
    w(enable(0, 2), 0xffff_ffff);
    assert.equal(r(enable(0, 2)), 0);
  });

  it('handles source 31 and sources in the second word', () => {
    const { plic, w, r } = setup();
    w(priority(31), 2);
    w(priority(40), 2);
    w(enable(0, 0), 0x8000_0000);
    w(enable(0, 1), 1 << 8);
    plic.line(40).set(true);
    plic.line(31).set(true);
    assert.equal(r(0x1000) >>> 0, 0x8000_0000);
    assert.equal(r(0x1004), 1 << 8);
    assert.equal(r(claim(0)), 31);
    assert.equal(r(claim(0)), 40);
  });

  it('shrugs off garbage: bad sizes fault, strange offsets read zero, nothing throws', () => {
    const { plic, w, r } = setup();
    assert.equal(plic.read(0x4, 1), undefined);
    assert.equal(plic.read(0x2, 4), undefined);
    assert.equal(plic.write(0x4, 8, 1n), false);
    w(0x1000, 0xffff_ffff); // pending is read-only
    assert.equal(r(0x1000), 0);
    w(claim(1), 0xffff_ffff); // completing a nonexistent source
    w(claim(1), 0);
    w(threshold(5), 3); // context 5 does not exist
    assert.equal(r(threshold(5)), 0);
    assert.equal(r(claim(5)), 0);
    assert.equal(r(0x20_0008), 0);
    assert.equal(r(0x5f_fffc), 0);
    assert.throws(() => plic.line(0), RangeError);
    assert.throws(() => plic.line(96), RangeError);
  });
});

describe('PLIC with QEMU\'s gateway (the default)', () => {
  const qemu = () => setup(95, 'qemu');

  it('is the default', () => {
    assert.equal(new Plic({ sources: 95, contexts: 2 }, () => {}).gateway, 'qemu');
    assert.throws(() => new Plic({ sources: 95, contexts: 2, gateway: 'edge' as PlicGateway }, () => {}), /unknown gateway 'edge'/);
  });

  it('delivers a line that stays high once, and again only when the device reports it again', () => {
    const { plic, outputs, w, r } = qemu();
    w(priority(10), 1);
    w(enable(1), 1 << 10);
    const line = plic.line(10);
    line.set(true);
    assert.equal(outputs.get(1), true);
    assert.equal(r(claim(1)), 10);
    assert.equal(outputs.get(1), false);
    w(claim(1), 10);
    assert.equal(r(0x1000), 0, 'still high at completion, yet not pending');
    assert.equal(outputs.get(1), false);
    assert.equal(r(claim(1)), 0);
    line.set(true); // a new event while the line stays high (a THR write on the UART)
    assert.equal(r(0x1000), 1 << 10);
    assert.equal(outputs.get(1), true);
    assert.equal(r(claim(1)), 10);
    w(claim(1), 10);
  });

  it('pends while claimed and delivers after completion; a low report clears the bit', () => {
    const { plic, outputs, w, r } = qemu();
    w(priority(3), 1);
    w(enable(0), 1 << 3);
    const line = plic.line(3);
    line.set(true);
    assert.equal(r(claim(0)), 3);
    line.set(true);
    assert.equal(r(0x1000), 1 << 3, 'pending again while in service');
    assert.equal(outputs.get(0), false, 'but not delivered while claimed');
    assert.equal(r(claim(0)), 0);
    w(claim(0), 3);
    assert.equal(outputs.get(0), true);
    line.set(false);
    assert.equal(r(0x1000), 0, 'the device lowered its line: no longer pending');
    assert.equal(outputs.get(0), false);
  });

  it('claims only above the threshold and completes without looking at the enables', () => {
    const { plic, w, r } = qemu();
    w(priority(6), 2);
    w(enable(1), 1 << 6);
    w(threshold(1), 2);
    plic.line(6).set(true);
    assert.equal(r(claim(1)), 0, 'priority 2 is not above threshold 2');
    w(threshold(1), 1);
    assert.equal(r(claim(1)), 6);
    w(enable(1), 0);
    w(claim(1), 6);
    w(enable(1), 1 << 6);
    plic.line(6).set(true);
    assert.equal(r(claim(1)), 6, 'the completion released the source although it was disabled then');
  });
});
