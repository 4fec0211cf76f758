// No input from a guest may crash the host (ARCHITECTURE.md, "Fail closed"): random
// bytes executed as code, in M-, S- and U-mode, with and without hosted firmware and
// translation, on the full virt board. Every run must end in an outcome the board
// defines (a limit, a trap loop, a power-off, an idle hart), never in a host exception.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Priv } from '../../src/hart/index.js';
import { MemoryBlockBackend } from '../../src/machine/devices/block-backend.js';
import { VirtBoard } from '../../src/machine/virt.js';
import { HART_WASM, needHart } from '../helpers/tools.js';

const RAM = 8 << 20;
const CODE = 64 << 10;

/** xorshift32: reproducible bytes. */
function bytes(seed: number, n: number): Uint8Array {
  let s = seed >>> 0 || 1;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    out[i] = s & 0xff;
  }
  return out;
}

describe('random code on the virt board', { skip: needHart }, () => {
  it('ends every run in a defined outcome', async () => {
    const wasm = await WebAssembly.compile(readFileSync(HART_WASM));
    const seen = new Map<string, number>();
    let retired = 0n;
    for (let seed = 1; seed <= 48; seed++) {
      const board = await VirtBoard.create(wasm, {
        ramSize: RAM, console: { write: () => {} }, drive: new MemoryBlockBackend(64 << 10), log: () => {},
        profile: seed % 3 === 0 ? 'rv64gc' : 'rva22',
      });
      const { machine } = board;
      const hart = machine.hart;
      const code = bytes(seed, CODE);
      // Compressed and 32-bit encodings both: random halfwords are mostly compressed,
      // so every other run makes the low two bits of each word 0b11.
      if (seed % 2 === 0) for (let i = 0; i < CODE; i += 4) code[i] |= 3;
      hart.writeBytes(hart.ramBase, code);
      const base = BigInt(hart.ramBase);
      machine.boot(base, { priv: [Priv.M, Priv.S, Priv.U][seed % 3], a0: base, a1: base + 0x1000n });
      // Lower modes need PMP to reach memory; some runs also turn on translation with
      // a random page-table root inside the random bytes.
      hart.writeCsr('pmpaddr0', (1n << 54n) - 1n);
      hart.writeCsr('pmpcfg0', 0x1fn);
      hart.writeCsr('mtvec', base + BigInt((seed * 4096) % CODE));
      if (seed % 4 === 1) hart.writeCsr('satp', (8n << 60n) | ((base >> 12n) + BigInt(seed % 16)));
      const outcome = machine.run({ maxInsns: 200_000n });
      assert.ok(typeof outcome.kind === 'string');
      seen.set(outcome.kind, (seen.get(outcome.kind) ?? 0) + 1);
      retired += machine.retired;
    }
    assert.ok(retired > 0n, 'the random code ran');
    // Say what the runs ended in, for whoever reads the log.
    console.log(`random code: ${retired} instructions; outcomes ${JSON.stringify(Object.fromEntries(seen))}`);
  });
});
