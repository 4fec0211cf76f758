import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CAUSE_ILLEGAL_INSTRUCTION } from '../../src/hart/causes.js';
import { Machine } from '../../src/machine/machine.js';
import { describeOutcome } from '../../src/machine/outcome.js';
import { buildElf, words } from '../helpers/elf-builder.js';
import { addi, auipc, bne, JSELF, lui, lw, sd, slli, sw, WFI } from '../helpers/rv.js';
import { HART_WASM, needHart } from '../helpers/tools.js';

const BASE = 0x8000_0000;

async function machineWith(program: number[], symbols: Record<string, bigint> = {}) {
  const out: number[] = [];
  const machine = await Machine.create(readFileSync(HART_WASM), {
    ramSize: 4 << 20, console: { write: (bytes) => out.push(...bytes) },
  });
  const elf = buildElf({
    segments: [{ paddr: BigInt(BASE), data: words(...program) }, { paddr: BigInt(BASE + 0x1000), data: new Uint8Array(16) }],
    symbols,
  });
  machine.boot(machine.loadElf(elf).entry);
  return { machine, elf, console: () => new TextDecoder().decode(Uint8Array.from(out)) };
}

/** Finisher write of `value` (below 0x8000) through x7/x8. */
const finisher = (value: number) => [lui(7, 0x100), lui(8, value >> 12), addi(8, 8, value & 0xfff), sw(8, 7, 0)];

describe('Machine', { skip: needHart }, () => {
  it('connects HTIF at the ELF\'s tohost: console output, then exit', async () => {
    const { machine, console } = await machineWith([
      auipc(5, 1), // x5 = tohost
      addi(6, 0, 0x101), slli(6, 6, 48), // device 1, command 1
      addi(7, 6, 0x6f), sd(7, 5, 0),
      addi(7, 6, 0x6b), sd(7, 5, 0),
      addi(8, 0, 1), sd(8, 5, 0),
      JSELF,
    ], { tohost: BigInt(BASE + 0x1000), fromhost: BigInt(BASE + 0x1008) });
    assert.deepEqual(machine.run(), { kind: 'exit', code: 0, source: 'htif' });
    assert.equal(console(), 'ok');
    assert.equal(machine.retired, 9n);
  });

  it('ends with the test finisher', async () => {
    const { machine } = await machineWith([...finisher(0x3333 | 0), JSELF]);
    assert.deepEqual(machine.run(), { kind: 'exit', code: 1, source: 'test finisher' });
  });

  it('reports a trap loop with the original trap', async () => {
    const { machine } = await machineWith([addi(0, 0, 0), 0]);
    const outcome = machine.run();
    assert.deepEqual(outcome, { kind: 'trap-loop', pc: BigInt(BASE + 4), cause: BigInt(CAUSE_ILLEGAL_INSTRUCTION), tval: 0n, mtvec: 0n });
    assert.match(describeOutcome(outcome), /^trap loop: illegal instruction \(mcause 0x2\) at pc 0x80000004/);
  });

  it('stops at maxInsns exactly, also when tracing', async () => {
    const { machine } = await machineWith([addi(1, 1, 1), JSELF]);
    assert.deepEqual(machine.run({ maxInsns: 1000n }), { kind: 'insn-limit', pc: BigInt(BASE + 4), retired: 1000n });
    const seen: string[] = [];
    const outcome = machine.run({ maxInsns: 1003n, trace: (pc, insn) => seen.push(`${pc.toString(16)} ${insn.toString(16)}`) });
    assert.equal(outcome.kind, 'insn-limit');
    assert.deepEqual(seen, ['80000004 6f', '80000004 6f', '80000004 6f']);
  });

  it('reports a hart that waits with nothing to wake it', async () => {
    const { machine } = await machineWith([WFI, JSELF]);
    const outcome = machine.run({ maxInsns: 1000n });
    assert.equal(outcome.kind, 'idle');
  });

  it('counts instructions across a reset, which leaves RAM outside the image alone', async () => {
    const { machine, elf } = await machineWith([
      auipc(5, 0x100), lw(6, 5, 0), bne(6, 0, 4 * 7), // first boot: mark and reset; second: pass
      addi(6, 0, 1), sw(6, 5, 0), ...finisher(0x7777),
      ...finisher(0x5555), JSELF,
    ]);
    assert.deepEqual(machine.run({ maxInsns: 100n }), { kind: 'reset', source: 'test finisher' });
    const first = machine.retired;
    machine.boot(machine.loadElf(elf).entry);
    assert.deepEqual(machine.run({ maxInsns: 100n }), { kind: 'exit', code: 0, source: 'test finisher' });
    assert.equal(machine.retired, first + 7n);
  });
});
