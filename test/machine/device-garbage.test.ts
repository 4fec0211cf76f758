// No input from a guest may crash the host: every device register of the virt board,
// written and read with random sizes, offsets and values, answers with a value or an
// access fault, never a host exception.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { MemoryBlockBackend } from '../../src/machine/devices/block-backend.js';
import { VirtBoard } from '../../src/machine/virt.js';
import { HART_WASM, needHart } from '../helpers/tools.js';

/** xorshift64*: a seeded, reproducible stream of 64-bit values. */
function random(seed: bigint): () => bigint {
  let s = seed || 1n;
  return () => {
    s ^= s >> 12n;
    s ^= (s << 25n) & 0xffff_ffff_ffff_ffffn;
    s ^= s >> 27n;
    return (s * 0x2545_f491_4f6c_dd1dn) & 0xffff_ffff_ffff_ffffn;
  };
}

const SIZES = [1, 2, 4, 8] as const;

describe('virt board devices under garbage', { skip: needHart }, () => {
  it('answers random reads and writes of every register without a host exception', async () => {
    const board = await VirtBoard.create(readFileSync(HART_WASM), {
      ramSize: 16 << 20,
      console: { write: () => {} },
      drive: new MemoryBlockBackend(64 * 1024),
      log: () => {},
    });
    const { bus } = board.machine;
    const next = random(0x5eedn);
    let faults = 0;
    let accesses = 0;
    for (const region of bus.regions) {
      // Registers live at the start of a window: most accesses go there, some anywhere.
      for (let i = 0; i < 4000; i++) {
        const span = i % 4 === 0 ? region.size : Math.min(region.size, 0x400);
        const size = SIZES[Number(next() % 4n)];
        const offset = Number(next() % BigInt(span)) & ~(i % 3 === 0 ? 0 : size - 1);
        const addr = region.base + offset;
        const value = next() & ((1n << BigInt(8 * size)) - 1n);
        accesses++;
        if (next() & 1n) {
          const v = bus.mmioRead(addr, size);
          if (v === undefined) faults++;
          else assert.ok(typeof v === 'bigint' && v >= 0n && v < 1n << BigInt(8 * size), `${region.name} read 0x${addr.toString(16)}`);
        } else if (!bus.mmioWrite(addr, size, value)) {
          faults++;
        }
      }
    }
    assert.ok(accesses > 0 && faults < accesses, `${faults} of ${accesses} accesses faulted`);
  });
});
