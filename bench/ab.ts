// A/B speed of two hart builds on one bare-metal guest: each tree's own Machine and
// build/hart.wasm (so a tree from before a seam change still runs), runs interleaved,
// timed by the process's CPU time as well as the wall clock, best of the runs. For a
// hart change that `npm run bench` cannot compare (it runs one build only).
//
//   node --import tsx bench/ab.ts --old /tmp/before build/bench/bench-sv39.elf
//   node --import tsx bench/ab.ts --old /tmp/before --runs 5 --cpu rva22h build/bench/bench-vs.elf
//   node --import tsx bench/ab.ts --only . build/bench/bench.elf     one run of one tree
//
// The old tree: `git worktree add /tmp/before COMMIT`, then in it
// `ln -s $PWD/node_modules . && npx asc src/hart/core/index.ts --config asconfig.json
// --target release` (the build writes its build/hart.wasm). A machine shared with other
// work makes wall and even CPU time noisy; `--only` under
// `valgrind --tool=cachegrind --cache-sim=no` counts the host instructions instead,
// which no load changes (docs/hart.md, "The H extension", has both).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

interface Side {
  readonly name: string;
  readonly machine: { create(hart: WebAssembly.Module, options: object): Promise<AbMachine> };
  readonly hart: WebAssembly.Module;
}

/** What this script needs of a tree's Machine (old trees have at least this). */
interface AbMachine {
  readonly hart: { setProfile(profile: string): void };
  readonly retired: bigint;
  boot(entry: bigint): void;
  loadElf(elf: Uint8Array): { entry: bigint };
  run(options: { maxInsns: bigint }): { kind: string; code?: number };
}

async function side(name: string, tree: string): Promise<Side> {
  const root = resolve(tree);
  const mod = await import(`${root}/src/machine/machine.ts`) as { Machine: Side['machine'] };
  return { name, machine: mod.Machine, hart: await WebAssembly.compile(readFileSync(`${root}/build/hart.wasm`)) };
}

async function runOnce(s: Side, elf: Uint8Array, cpu: string | undefined): Promise<{ wall: number; cpu: number; retired: bigint; ok: boolean }> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const m = await s.machine.create(s.hart, { ramSize: 128 << 20, console: { write: () => {} } });
  if (cpu) m.hart.setProfile(cpu);
  m.boot(m.loadElf(elf).entry);
  const out = m.run({ maxInsns: 15_000_000_000n });
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6, retired: m.retired, ok: out.kind === 'exit' && out.code === 0 };
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { old: { type: 'string' }, only: { type: 'string' }, runs: { type: 'string', default: '3' }, cpu: { type: 'string' } },
  });
  const runs = Number(values.runs);
  if (positionals.length !== 1 || (!values.old && !values.only) || !Number.isInteger(runs) || runs < 1) {
    console.error('usage: bench/ab.ts (--old TREE | --only TREE) [--runs N] [--cpu PROFILE] ELF');
    return 2;
  }
  const elf = readFileSync(positionals[0]!);
  const sides = values.only ? [await side(values.only, values.only)] : [await side('old', values.old!), await side('new', '.')];
  const best = new Map<string, { cpu: number; wall: number; retired: bigint }>();
  for (let i = 0; i < (values.only ? 1 : runs); i++) {
    for (const s of sides) {
      const r = await runOnce(s, elf, values.cpu);
      if (!r.ok) { console.error(`${s.name}: the guest did not exit with 0`); return 1; }
      const mips = (t: number) => (Number(r.retired) / t / 1e6).toFixed(1);
      console.log(`${s.name}\trun ${i + 1}\twall ${r.wall.toFixed(2)} s (${mips(r.wall)} MIPS)\tcpu ${r.cpu.toFixed(2)} s (${mips(r.cpu)} MIPS)\t${r.retired} instructions`);
      const b = best.get(s.name);
      best.set(s.name, { cpu: Math.min(b?.cpu ?? Infinity, r.cpu), wall: Math.min(b?.wall ?? Infinity, r.wall), retired: r.retired });
    }
  }
  for (const [name, b] of best) {
    console.log(`${name}\tbest: cpu ${(Number(b.retired) / b.cpu / 1e6).toFixed(1)} MIPS, wall ${(Number(b.retired) / b.wall / 1e6).toFixed(1)} MIPS`);
  }
  return 0;
}

process.exitCode = await main();
