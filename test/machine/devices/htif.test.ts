import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PowerControl } from '../../../src/machine/device.js';
import { RamGuestMemory } from '../../../src/machine/devices/guest-memory.js';
import { Htif } from '../../../src/machine/devices/htif.js';

const BASE = 0x8000_0000;

function setup() {
  const ram = new Uint8Array(0x1000);
  const view = new DataView(ram.buffer);
  const memory = new RamGuestMemory(ram, BASE);
  const out: number[] = [];
  const events: string[] = [];
  const power: PowerControl = {
    exit: (code, source) => void events.push(`exit ${code} ${source}`),
    reset: (source) => void events.push(`reset ${source}`),
    fault: (message) => void events.push(`fault ${message}`),
  };
  const htif = new Htif(memory, { write: (bytes) => out.push(...bytes) }, power);
  /** Fills magic_mem at `pa` with a syscall number and arguments. */
  const magic = (pa: number, ...words: bigint[]) => words.forEach((w, i) => view.setBigUint64(pa - BASE + 8 * i, w, true));
  const text = () => new TextDecoder().decode(Uint8Array.from(out));
  return { ram, view, htif, events, magic, text };
}

const cmd = (device: bigint, command: bigint, payload: bigint) => (device << 56n) | (command << 48n) | payload;

describe('HTIF', () => {
  it('ends the run on an odd exit payload: 1 passes, otherwise code payload >> 1', () => {
    const { htif, events } = setup();
    htif.tohost.write(0, 8, 1n);
    htif.tohost.write(0, 8, (5n << 1n) | 1n);
    assert.deepEqual(events, ['exit 0 htif', 'exit 5 htif']);
    assert.equal(htif.tohost.read(0, 8), 0n, 'tohost is taken');
  });

  it('acts on a pair of 32-bit writes once the high half lands (riscv-tests: sw, sw)', () => {
    const { htif, events } = setup();
    htif.tohost.write(0, 4, 7n);
    assert.deepEqual(events, []);
    assert.equal(htif.tohost.read(0, 4), 7n);
    htif.tohost.write(4, 4, 0n);
    assert.deepEqual(events, ['exit 3 htif']);
  });

  it('prints the low byte for device 1 command 1 and answers in fromhost', () => {
    const { htif, text } = setup();
    for (const c of 'hi\n') htif.tohost.write(0, 8, cmd(1n, 1n, BigInt(c.charCodeAt(0))));
    assert.equal(text(), 'hi\n');
    assert.equal(htif.tohost.read(0, 8), 0n);
    assert.equal(htif.fromhost.read(0, 8), cmd(1n, 1n, 0x10an));
  });

  it('proxies write(1, buf, len): output, return value in magic_mem[0], fromhost 1', () => {
    const { htif, magic, ram, view, text } = setup();
    ram.set(new TextEncoder().encode('hello'), 0x200);
    magic(BASE + 0x100, 64n, 1n, BigInt(BASE + 0x200), 5n);
    htif.tohost.write(0, 8, BigInt(BASE + 0x100));
    assert.equal(text(), 'hello');
    assert.equal(view.getBigUint64(0x100, true), 5n);
    assert.equal(htif.fromhost.read(0, 8), 1n);
    assert.equal(htif.tohost.read(0, 8), 0n);
    htif.fromhost.write(0, 8, 0n);
    assert.equal(htif.fromhost.read(0, 8), 0n, 'the guest clears fromhost');
  });

  it('returns -EBADF, -EFAULT and -ENOSYS as two\'s complement', () => {
    const { htif, magic, view } = setup();
    const call = (...words: bigint[]) => {
      magic(BASE + 0x100, ...words);
      htif.tohost.write(0, 8, BigInt(BASE + 0x100));
      return BigInt.asIntN(64, view.getBigUint64(0x100, true));
    };
    assert.equal(call(64n, 3n, BigInt(BASE), 1n), -9n);
    assert.equal(call(64n, 1n, BigInt(BASE + 0xff0), 0x20n), -14n);
    assert.equal(call(1234n), -38n);
  });

  it('proxies exit(code)', () => {
    const { htif, magic, events } = setup();
    magic(BASE + 0x100, 93n, 4n);
    htif.tohost.write(0, 8, BigInt(BASE + 0x100));
    assert.deepEqual(events, ['exit 4 htif']);
  });

  it('stops with a device fault when magic_mem is not in RAM', () => {
    const { htif, events } = setup();
    htif.tohost.write(0, 8, 0x1000n);
    assert.deepEqual(events, ['fault htif: syscall block magic_mem at 0x1000 is not 8-byte-aligned RAM']);
  });

  it('ignores unknown devices but still takes the command', () => {
    const { htif, events, text } = setup();
    htif.tohost.write(0, 8, cmd(7n, 3n, 1n));
    assert.deepEqual(events, []);
    assert.equal(text(), '');
    assert.equal(htif.tohost.read(0, 8), 0n);
    assert.equal(htif.fromhost.read(0, 8), cmd(7n, 3n, 0n));
  });

  it('faults on byte and misaligned accesses', () => {
    const { htif } = setup();
    assert.equal(htif.tohost.write(0, 1, 1n), false);
    assert.equal(htif.tohost.read(2, 4), undefined);
    assert.equal(htif.fromhost.read(0, 2), undefined);
  });
});
