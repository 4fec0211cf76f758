// A benchmark guest for a fixed instruction count, for measuring the hart in host
// instructions rather than in time (deterministic on a shared machine; docs/hart.md,
// "One exit path"):
//
//   valgrind --tool=cachegrind --cache-sim=no node --no-liftoff --no-wasm-tier-up \
//     --single-threaded --import tsx bench/insns.ts bench.elf 20000000 off
//
// and the same with 1 instruction, whose count (start-up) is subtracted. HART_WASM
// names another hart.wasm (an older build to compare with).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Machine } from '../src/machine/machine.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const [elfName, insns, jit] = process.argv.slice(2);
if (elfName === undefined || insns === undefined || !/^\d+$/.test(insns) || (jit !== 'on' && jit !== 'off')) {
  console.error('usage: bench/insns.ts ELF (in build/bench/) INSTRUCTIONS on|off');
  process.exit(2);
}
const hart = new WebAssembly.Module(readFileSync(process.env.HART_WASM ?? join(ROOT, 'build/hart.wasm')));
const machine = await Machine.create(hart, { ramSize: 128 << 20, console: { write: () => {} }, jit: jit === 'on' });
machine.boot(machine.loadElf(readFileSync(join(ROOT, 'build/bench', elfName))).entry);
const outcome = machine.run({ maxInsns: BigInt(insns) });
console.log(`${elfName}: ${outcome.kind} after ${machine.retired} instructions, JIT ${jit}`);
