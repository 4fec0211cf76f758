// The admission test: will every budgeted cell finish each release within its period?
// Fixed-priority response-time analysis (Joseph & Pandya 1986; Audsley et al. 1993):
//
//   R_i = C_i + Σ_{j ∈ hp(i)} ⌈R_i / T_j⌉ · C_j,
//
// iterated from R_i = C_i + Σ C_j until it stops growing (the bound) or passes T_i (the
// deadline is the period). C is a cell's budget plus the kernel's overhead for one
// release (RELEASE_OVERHEAD_CYCLES in src/kernel/cost-model.ts): the timer interrupt,
// the scheduling decisions, the switches in and out and the syscall to wait again.
// Budgets are enforced by the kernel, so a budget is a sound worst case for a cell's own
// work: the test needs no execution-time estimates beyond the description.
//
// A passive server runs at its own priority on its caller's scheduling context (MCS), so
// a caller's budget can be spent at the priority of any passive server it reaches through
// pp channels. A cell therefore interferes at its *run priority*, the highest of its own
// and those servers'; it is analysed at its own priority, the lowest it runs at.

import { cyclesToNs, RELEASE_OVERHEAD_CYCLES } from '../kernel/cost-model.js';
import type { Cell, Channel, LocatedError } from './description.js';
import { formatTime } from './units.js';

/** One budgeted cell's line in the admission table. */
export interface AdmissionRow {
  readonly cell: Cell;
  readonly budgetNs: number;
  readonly periodNs: number;
  /** Budget plus the kernel's per-release overhead: C in the formula. */
  readonly costNs: number;
  /** costNs / periodNs. */
  readonly utilisation: number;
  /** The worst-case response time; when ok is false, the first value of R past the period. */
  readonly boundNs: number;
  /** Cells whose releases the bound counts as interference, highest priority first. */
  readonly interferers: readonly Cell[];
  readonly ok: boolean;
}

export interface Admission {
  readonly rows: readonly AdmissionRow[];
  readonly totalUtilisation: number;
  readonly errors: readonly LocatedError[];
}

/** The kernel's cost of one release, in ns, charged to every activation. */
export const RELEASE_OVERHEAD_NS = cyclesToNs(RELEASE_OVERHEAD_CYCLES);

export function admit(cells: readonly Cell[], channels: readonly Channel[]): Admission {
  const errors: LocatedError[] = [];
  const run = runPriorities(cells, channels);
  // A passive cell runs on its callers' scheduling contexts: their budgets already
  // cover the time it spends serving them, so it is neither analysed nor interference.
  const active = cells.filter((c) => !c.passive);
  const budgeted = active.filter((c) => c.schedulingContext);

  const rows = budgeted.map((cell): AdmissionRow => {
    const sc = cell.schedulingContext!;
    const cost = (c: Cell): number => c.schedulingContext!.budgetNs + RELEASE_OVERHEAD_NS;
    // Equal priorities take turns round-robin, so in the worst case a cell waits for
    // every other cell of its priority too: count them as interference, like higher ones.
    const interferers = budgeted
      .filter((c) => c !== cell && run.get(c)!.priority >= cell.priority)
      .sort((x, y) => run.get(y)!.priority - run.get(x)!.priority);
    const own = cost(cell);
    let bound = own + interferers.reduce((sum, c) => sum + cost(c), 0);
    for (;;) {
      if (bound > sc.periodNs) break;
      const next = own + interferers.reduce((sum, c) => sum + Math.ceil(bound / c.schedulingContext!.periodNs) * cost(c), 0);
      if (next === bound) break;
      bound = next;
    }
    const ok = bound <= sc.periodNs;
    if (!ok) {
      errors.push({
        pos: sc.pos,
        message: `cell '${cell.name}' may not finish within its period: its response time reaches ${formatTime(bound)} > period ${formatTime(sc.periodNs)} with interference from ${interferers.map((c) => `'${c.name}'`).join(', ')}; accepted: a longer period, a smaller budget, or less higher-priority load`,
      });
    }
    return { cell, budgetNs: sc.budgetNs, periodNs: sc.periodNs, costNs: own, utilisation: own / sc.periodNs, boundNs: bound, interferers, ok };
  });

  for (const cell of budgeted) {
    for (const hog of active) {
      const at = run.get(hog)!;
      if (hog.schedulingContext || at.priority < cell.priority) continue;
      const through = at.via ? `, calling '${at.via.name}' (priority ${at.via.priority}),` : '';
      errors.push({
        pos: hog.pos,
        message: `cell '${hog.name}' (priority ${hog.priority})${through} has no budget and could starve budgeted cell '${cell.name}' (priority ${cell.priority}); accepted: a budget and period for '${hog.name}', passive: true, or a priority below ${cell.priority}${at.via ? ` for it and the servers it calls` : ''}`,
      });
    }
  }

  const total = rows.reduce((sum, r) => sum + r.utilisation, 0);
  if (rows.length > 0 && exceedsOne(rows)) {
    errors.push({
      pos: rows[0].cell.schedulingContext!.pos,
      message: `the budgeted cells need ${percent(total)} of the CPU (with the kernel's ${formatTime(RELEASE_OVERHEAD_NS)} per release); accepted: budgets whose total utilisation is at most 100 %`,
    });
  }
  return { rows, totalUtilisation: total, errors };
}

/**
 * Each cell's run priority: the highest of its own and those of the passive servers it
 * reaches through pp channels (directly or through other passive servers), with the
 * server that gives it.
 */
export function runPriorities(cells: readonly Cell[], channels: readonly Channel[]): Map<Cell, { priority: number; via?: Cell }> {
  const calls = new Map<Cell, Cell[]>();
  for (const ch of channels) {
    if (!ch.pp) continue;
    const [caller, server] = ch.pp === 'a' ? [ch.a.cell, ch.b.cell] : [ch.b.cell, ch.a.cell];
    if (server.passive) calls.set(caller, [...(calls.get(caller) ?? []), server]);
  }
  const result = new Map<Cell, { priority: number; via?: Cell }>();
  for (const cell of cells) {
    let best: { priority: number; via?: Cell } = { priority: cell.priority };
    const seen = new Set<Cell>([cell]);
    const queue = [...(calls.get(cell) ?? [])];
    while (queue.length > 0) {
      const server = queue.shift()!;
      if (seen.has(server)) continue;
      seen.add(server);
      if (server.priority > best.priority) best = { priority: server.priority, via: server };
      queue.push(...(calls.get(server) ?? []));
    }
    result.set(cell, best);
  }
  return result;
}

/** Σ C/T > 1, in exact rational arithmetic: a total of exactly 100 % is admissible. */
function exceedsOne(rows: readonly AdmissionRow[]): boolean {
  let num = 0n;
  let den = 1n;
  for (const r of rows) {
    num = num * BigInt(r.periodNs) + BigInt(r.costNs) * den;
    den *= BigInt(r.periodNs);
    const g = gcd(num, den);
    num /= g;
    den /= g;
  }
  return num > den;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}

/** The bound computed for a cell, in ns (for a run to print beside its measurement). */
export function responseBound(admission: Admission, cellName: string): number | undefined {
  return admission.rows.find((r) => r.cell.name === cellName)?.boundNs;
}

/** One decimal, or more when one would show an excess over 100 % as 100.0 %. */
function percent(u: number): string {
  const short = (u * 100).toFixed(1);
  return `${u > 1 && Number(short) <= 100 ? (u * 100).toFixed(4) : short} %`;
}

/** The table `cellvisor check` prints: one line per budgeted cell, then the total. */
export function formatAdmission(admission: Admission): string {
  if (admission.rows.length === 0) return 'admission: no cell has a budget and period; nothing to analyse\n';
  const header = ['cell', 'priority', 'budget', 'period', 'utilisation', 'bound', ''];
  const lines = admission.rows.map((r) => [
    r.cell.name, String(r.cell.priority), formatTime(r.budgetNs), formatTime(r.periodNs), percent(r.utilisation),
    r.ok ? formatTime(r.boundNs) : `> ${formatTime(r.periodNs)}`, r.ok ? 'OK' : 'FAIL',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const numeric = new Set([1, 4]);
  const row = (cells: string[]): string => cells
    .map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
    .join('  ').trimEnd();
  const total = `total utilisation ${percent(admission.totalUtilisation)} (each release includes the kernel's ${formatTime(RELEASE_OVERHEAD_NS)})`;
  return `${[row(header), ...lines.map(row), total].join('\n')}\n`;
}
