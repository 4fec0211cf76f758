// `cellvisor run --stats`: the kernel's per-cell statistics, all in virtual time, so
// that two runs of the same system print the same table.
import type { Kernel } from '../kernel/kernel.js';

const NS_PER_TICK = 100n;

function time(ticks: number | bigint): string {
  const ns = BigInt(ticks) * NS_PER_TICK;
  if (ns >= 10_000_000n) return `${(Number(ns) / 1e6).toFixed(3)} ms`;
  return `${(Number(ns) / 1e3).toFixed(1)} us`;
}

export function formatStats(kernel: Kernel): string {
  const header = ['cell', 'cpu time', 'exhausted', 'syscalls', 'ipcs', 'signals', 'faults', 'releases', 'worst response'];
  const rows = kernel.cells.map((c) => {
    const s = c.stats;
    return [
      c.name, time(s.cpuTicks), String(s.budgetExhaustions), String(s.syscalls), String(s.ipcs),
      String(s.notifications), String(s.faults), String(s.releases), c.periodic && s.releases > 0 ? time(s.worstResponse) : '-',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: readonly string[]): string =>
    r.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ').trimEnd();
  const total = kernel.hart.mtime * NS_PER_TICK;
  return [
    `statistics after ${(Number(total) / 1e6).toFixed(3)} ms of virtual time, ${kernel.board.machine.retired} instructions:`,
    line(header), ...rows.map(line), '',
  ].join('\n');
}
