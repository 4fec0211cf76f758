// The admission test on examples worked out by hand. Budgets are chosen so that budget
// plus the kernel's per-release cost (RELEASE_OVERHEAD_NS, 6.6 µs) is a round number.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cyclesToNs, MIN_BUDGET_NS, RELEASE_OVERHEAD_CYCLES } from '../../src/kernel/cost-model.js';
import { formatAdmission, RELEASE_OVERHEAD_NS, responseBound } from '../../src/system/admission.js';
import { checkText, type LoadResult } from '../../src/system/load.js';
import { testHost } from '../helpers/system-host.js';

const MS = 1_000_000;

interface Task {
  readonly name: string;
  readonly priority: number;
  /** budget + kernel overhead, in ms */
  readonly cost?: number;
  readonly period?: number;
  readonly passive?: boolean;
}

/** A description of cells with cost C (ms, overhead included) and period T (ms). */
function describe_(tasks: readonly Task[], channels = ''): LoadResult {
  const cells = tasks.map((t) => [
    `  - name: ${t.name}`,
    '    elf: cell.elf',
    `    priority: ${t.priority}`,
    ...(t.cost !== undefined ? [`    budget: ${t.cost * MS - RELEASE_OVERHEAD_NS}ns`, `    period: ${t.period}ms`] : []),
    ...(t.passive ? ['    passive: true'] : []),
  ].join('\n'));
  return checkText('/fixtures/system.yaml', `cells:\n${cells.join('\n')}\n${channels}`, testHost);
}

describe('admission: response-time analysis', () => {
  it('charges the cost model\'s per-release overhead', () => {
    assert.equal(RELEASE_OVERHEAD_NS, cyclesToNs(RELEASE_OVERHEAD_CYCLES));
    assert.equal(RELEASE_OVERHEAD_NS, 6_600);
    assert.ok(MIN_BUDGET_NS > RELEASE_OVERHEAD_NS);
  });

  it('converges after several iterations on the textbook task set', () => {
    // C = 3, 3, 5 and T = 7, 12, 20 (Burns & Wellings): for the lowest priority
    // R = 11 → 14 → 17 → 20 → 20, exactly its period; the others give 3 and 6.
    const result = describe_([
      { name: 't1', priority: 30, cost: 3, period: 7 },
      { name: 't2', priority: 20, cost: 3, period: 12 },
      { name: 't3', priority: 10, cost: 5, period: 20 },
    ]);
    assert.ok(result.ok, result.ok ? '' : result.errors.map((e) => e.message).join('\n'));
    const { admission } = result;
    assert.deepEqual(admission.rows.map((r) => [r.cell.name, r.boundNs / MS, r.ok]), [['t1', 3, true], ['t2', 6, true], ['t3', 20, true]]);
    assert.equal(responseBound(admission, 't3'), 20 * MS);
    assert.equal(responseBound(admission, 'nobody'), undefined);
    assert.ok(Math.abs(admission.totalUtilisation - (3 / 7 + 3 / 12 + 5 / 20)) < 1e-12);
    const table = formatAdmission(admission);
    assert.match(table, /^cell\s+priority\s+budget\s+period\s+utilisation\s+bound/);
    assert.match(table, /\nt3\s+10\s+4\.993 ms\s+20 ms\s+25\.0 %\s+20 ms\s+OK\n/);
    assert.match(table, /total utilisation 92\.9 %/);
  });

  it('fails a cell whose response time passes its period, and says by how much', () => {
    // Same set with t3's cost 5.5: R = 11.5 → 14.5 → 17.5 → 20.5 > 20.
    const result = describe_([
      { name: 't1', priority: 30, cost: 3, period: 7 },
      { name: 't2', priority: 20, cost: 3, period: 12 },
      { name: 't3', priority: 10, cost: 5.5, period: 20 },
    ]);
    assert.equal(result.ok, false);
    assert.ok(result.admission);
    const t3 = result.admission.rows[2];
    assert.equal(t3.ok, false);
    assert.equal(t3.boundNs, 20.5 * MS);
    assert.match(formatAdmission(result.admission), /\nt3 .* > 20 ms\s+FAIL\n/);
    if (result.ok) return;
    assert.equal(result.errors.length, 1);
    assert.match(result.errors[0].message, /^cell 't3' may not finish within its period: its response time reaches 20\.5 ms > period 20 ms with interference from 't1', 't2'; accepted: /);
  });

  it('counts cells of equal priority as interference (round-robin)', () => {
    const result = describe_([
      { name: 'x', priority: 5, cost: 2, period: 10 },
      { name: 'y', priority: 5, cost: 3, period: 10 },
    ]);
    assert.ok(result.ok);
    assert.deepEqual(result.admission.rows.map((r) => r.boundNs / MS), [5, 5]);
  });

  it('ignores lower priorities and passive cells', () => {
    const result = describe_([
      { name: 'low', priority: 1, cost: 4, period: 10 },
      { name: 'high', priority: 9, cost: 1, period: 10 },
      { name: 'server', priority: 50, passive: true },
    ], 'channels:\n  - a: { cell: high, id: 0 }\n    b: { cell: server, id: 0 }\n    pp: a\n');
    assert.ok(result.ok, result.ok ? '' : result.errors.map((e) => e.message).join('\n'));
    assert.deepEqual(result.admission.rows.map((r) => [r.cell.name, r.boundNs / MS]), [['low', 5], ['high', 1]]);
  });

  it('admits a total utilisation of exactly 100 % and rejects one just above', () => {
    const full = describe_([
      { name: 'a', priority: 2, cost: 5, period: 10 },
      { name: 'b', priority: 1, cost: 5, period: 10 },
    ]);
    assert.ok(full.ok, full.ok ? '' : full.errors.map((e) => e.message).join('\n'));
    assert.equal(full.admission.rows[1].boundNs, 10 * MS);
    const over = describe_([
      { name: 'a', priority: 2, cost: 5, period: 10 },
      { name: 'b', priority: 1, cost: 5.001, period: 10 },
    ]);
    assert.equal(over.ok, false);
    if (over.ok) return;
    assert.deepEqual(over.errors.map((e) => e.message.split(';')[0]), [
      'the budgeted cells need 100.0100 % of the CPU (with the kernel\'s 6.6 µs per release)',
      // R starts at C_b + C_a = 10.001 ms, already past the period.
      'cell \'b\' may not finish within its period: its response time reaches 10.001 ms > period 10 ms with interference from \'a\'',
    ]);
  });

  it('names both cells when an unbudgeted one could starve a budgeted one', () => {
    const result = describe_([
      { name: 'rt', priority: 10, cost: 1, period: 10 },
      { name: 'equal', priority: 10 },
      { name: 'below', priority: 9 },
      { name: 'idle', priority: 200, passive: true },
    ], 'channels:\n  - a: { cell: rt, id: 0 }\n    b: { cell: idle, id: 0 }\n    pp: a\n');
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.deepEqual(result.errors.map((e) => e.message.split(';')[0]), [
      'cell \'equal\' (priority 10) has no budget and could starve budgeted cell \'rt\' (priority 10)',
    ]);
  });
});

describe('admission: passive servers', () => {
  const server = (callers: string): string => `channels:\n${callers.split(',').map((c, i) =>
    `  - a: { cell: ${c}, id: 0 }\n    b: { cell: server, id: ${i} }\n    pp: a\n`).join('')}`;

  it('counts a lower-priority cell whose calls run a server above the analysed cell', () => {
    // 'low' (priority 1) calls 'server' (priority 50): its 2 ms can run at 50, above 'mid'.
    const result = describe_([
      { name: 'mid', priority: 10, cost: 3, period: 10 },
      { name: 'low', priority: 1, cost: 2, period: 10 },
      { name: 'server', priority: 50, passive: true },
    ], server('low'));
    assert.ok(result.ok, result.ok ? '' : result.errors.map((e) => e.message).join('\n'));
    assert.deepEqual(result.admission.rows.map((r) => [r.cell.name, r.boundNs / MS, r.interferers.map((c) => c.name)]), [
      ['mid', 5, ['low']],
      ['low', 5, ['mid']],
    ]);
  });

  it('names the server through which an unbudgeted cell could starve a budgeted one', () => {
    const result = describe_([
      { name: 'rt', priority: 10, cost: 1, period: 10 },
      { name: 'batch', priority: 1 },
      { name: 'server', priority: 50, passive: true },
    ], server('rt,batch'));
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.deepEqual(result.errors.map((e) => e.message), [
      'cell \'batch\' (priority 1), calling \'server\' (priority 50), has no budget and could starve budgeted cell \'rt\' (priority 10); accepted: a budget and period for \'batch\', passive: true, or a priority below 10 for it and the servers it calls',
    ]);
  });
});
