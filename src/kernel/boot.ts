// Boot: the image (image.ts) becomes kernel objects, capabilities and page tables.
// Every cell gets the same CSpace layout (abi.ts: its TCB, CNode, VSpace, input
// endpoint, bound notification, Reply, SchedContext, Timer, then one slot per channel
// id for notifications, protected calls and IRQs, and one per child for fault
// handlers), its ELF at its link address, a stack and an IPC buffer; memory regions
// are placed in RAM (or are the board's device registers) and mapped where the
// description says.
import { PMP_NAPOT, PMP_R, PMP_W, PMP_X, COUNTEREN_CY, COUNTEREN_TM, COUNTEREN_IR, MSTATUS_FS_DIRTY, MENVCFG_PBMTE } from '../hart/spec/csr.js';
import { MIP_MTIP, MIP_MEIP } from '../hart/causes.js';
import { hasExtension, PROFILES } from '../hart/profile.js';
import { parseElf, type ElfImage } from '../machine/loader/elf.js';
import { PLIC_BASE } from '../machine/memory-map.js';
import {
  CV_CNODE_BITS, CV_CAP_TCB, CV_CAP_CNODE, CV_CAP_VSPACE, CV_CAP_INPUT_ENDPOINT, CV_CAP_NOTIFICATION, CV_CAP_REPLY,
  CV_CAP_SCHED_CONTEXT, CV_CAP_TIMER, CV_CAP_POWER, CV_CAP_BASE_NOTIFY, CV_CAP_BASE_PPCALL, CV_CAP_BASE_IRQ,
  CV_CAP_BASE_CHILD, CV_BADGE_PPCALL, CV_BADGE_FAULT, CV_RIGHT_WRITE, CV_RIGHT_READ, CV_RIGHT_GRANT, CV_RIGHT_GRANT_REPLY,
  CV_RIGHTS_ALL, CV_STACK_TOP, CV_STACK_SIZE, CV_IPC_BUFFER, CV_TIMER_CHANNEL, CV_USER_MAP_BASE,
} from './abi/abi.js';
import { newStats, type Cell } from './cell.js';
import type { Kernel } from './kernel.js';
import type { KernelImage, ImageCell } from './image.js';
import { FrameAllocator, PAGE_SIZE } from './memory.js';
import { CNode } from './objects/cnode.js';
import { Endpoint } from './objects/endpoint.js';
import { IrqHandler } from './objects/irq-handler.js';
import { Notification } from './objects/notification.js';
import { Reply } from './objects/reply.js';
import { SchedContext } from './objects/sched-context.js';
import { CONTEXT_WORDS, Tcb } from './objects/tcb.js';
import { PowerControl, Timer } from './objects/timer.js';
import { VSpace } from './objects/vspace.js';
import { nsToCycles, CYCLES_PER_TICK } from './cost-model.js';

/** A periodic cell's ELF may define this uint64_t: boot sets it to the admission bound. */
export const RESPONSE_BOUND_SYMBOL = 'cv_response_bound_ns';

/** A cell without a budget runs round-robin among its priority in slices of this (5 ms). */
export const ROUND_ROBIN_TICKS = 50_000;
const PF_X = 1;
const PF_W = 2;
const PF_R = 4;
const PLIC_ENABLE_CTX0 = PLIC_BASE + 0x2000;
const PLIC_THRESHOLD_CTX0 = PLIC_BASE + 0x200000;

/** The image could not be booted; the message names the cell or region. */
export class BootError extends Error {
  override name = 'BootError';
}

const ticks = (ns: number): number => Math.ceil(nsToCycles(ns) / CYCLES_PER_TICK);

/** Builds every object of `image` in `kernel` and makes the cells ready to run. */
export function bootImage(kernel: Kernel, image: KernelImage): void {
  const hart = kernel.hart;
  const frames = new FrameAllocator(hart, hart.ramBase, hart.ramBase + hart.ramSize);
  const usePbmt = hasExtension(PROFILES[hart.profile].isa, 'svpbmt');
  setUpHart(kernel, usePbmt);
  kernel.readClock();

  // The idle loop: wfi; j .-4 — run in S-mode, untranslated.
  const idle = frames.allocate(1, 'the idle loop');
  hart.writeU32(idle, 0x10500073);
  hart.writeU32(idle + 4, 0xffdff06f);
  kernel.idlePc = BigInt(idle);

  const regionAddr = new Map<string, { paddr: number; size: number; device: boolean }>();
  for (const r of image.regions) {
    const device = r.physAddr !== undefined;
    const paddr = r.physAddr ?? frames.allocate(r.size / PAGE_SIZE, `memory region '${r.name}'`);
    regionAddr.set(r.name, { paddr, size: r.size, device });
  }

  const byName = new Map<string, Cell>();
  image.cells.forEach((ic, index) => {
    const cell = buildCell(kernel, frames, ic, index, regionAddr, usePbmt);
    kernel.cells.push(cell);
    byName.set(ic.name, cell);
  });
  const cellNamed = (name: string): Cell => {
    const c = byName.get(name);
    if (!c) throw new BootError(`no cell is named '${name}'`);
    return c;
  };

  for (const ch of image.channels) {
    const a = cellNamed(ch.a.cell);
    const b = cellNamed(ch.b.cell);
    a.cspace.install(CV_CAP_BASE_NOTIFY + ch.a.id, b.notification, CV_RIGHT_WRITE, 1n << BigInt(ch.b.id));
    b.cspace.install(CV_CAP_BASE_NOTIFY + ch.b.id, a.notification, CV_RIGHT_WRITE, 1n << BigInt(ch.a.id));
    (a.channelNames as Map<number, string>).set(ch.a.id, b.name);
    (b.channelNames as Map<number, string>).set(ch.b.id, a.name);
    if (ch.pp) {
      const [client, server, clientId, serverId] = ch.pp === 'a' ? [a, b, ch.a.id, ch.b.id] : [b, a, ch.b.id, ch.a.id];
      const rights = CV_RIGHT_WRITE | CV_RIGHT_GRANT_REPLY | (ch.grant ? CV_RIGHT_GRANT : 0);
      client.cspace.install(CV_CAP_BASE_PPCALL + clientId, server.endpoint, rights, BigInt(CV_BADGE_PPCALL) | BigInt(serverId));
    }
  }

  image.cells.forEach((ic, index) => {
    const cell = kernel.cells[index]!;
    for (const irq of ic.irqs ?? []) {
      const handler = new IrqHandler(`${ic.name} irq ${irq.source}`, irq.source, cell.notification, 1n << BigInt(irq.id));
      cell.cspace.install(CV_CAP_BASE_IRQ + irq.id, handler);
      kernel.irqs.set(irq.source, handler);
      enableIrq(kernel, irq.source);
    }
    if (ic.faultHandler) {
      const handler = cellNamed(ic.faultHandler.cell);
      handler.cspace.install(CV_CAP_BASE_CHILD + ic.faultHandler.id, cell.tcb);
      const ep = handler.cspace.slots[CV_CAP_INPUT_ENDPOINT]!;
      cell.tcb.faultEndpoint = ep.derive(CV_RIGHT_WRITE | CV_RIGHT_GRANT_REPLY, BigInt(CV_BADGE_FAULT) | BigInt(ic.faultHandler.id));
    }
  });

  for (const cell of kernel.cells) {
    cell.tcb.state = 'blocked-send';
    kernel.wake(cell.tcb);
  }
}

function setUpHart(kernel: Kernel, usePbmt: boolean): void {
  const hart = kernel.hart;
  kernel.board.machine.hostM(kernel);
  // Every trap reaches the kernel; U-mode may read the counters (cv_time_ns reads time).
  hart.writeCsr('medeleg', 0n);
  hart.writeCsr('mideleg', 0n);
  hart.writeCsr('mie', BigInt(MIP_MTIP | MIP_MEIP));
  hart.writeCsr('mstatus', BigInt(MSTATUS_FS_DIRTY));
  const counters = BigInt(COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR);
  hart.writeCsr('mcounteren', counters);
  hart.writeCsr('scounteren', counters);
  if (usePbmt) hart.writeCsr('menvcfg', BigInt(MENVCFG_PBMTE));
  // PMP: one entry over all of memory; isolation comes from the page tables.
  hart.writeCsr('pmpaddr0', (1n << 54n) - 1n);
  hart.writeCsr('pmpcfg0', BigInt(PMP_NAPOT | PMP_R | PMP_W | PMP_X));
  hart.mtimecmp = (1n << 64n) - 1n;
}

function enableIrq(kernel: Kernel, source: number): void {
  const bus = kernel.board.machine.bus;
  bus.mmioWrite(PLIC_BASE + 4 * source, 4, 1n);
  const word = PLIC_ENABLE_CTX0 + 4 * Math.floor(source / 32);
  const old = bus.mmioRead(word, 4) ?? 0n;
  bus.mmioWrite(word, 4, old | (1n << BigInt(source % 32)));
  bus.mmioWrite(PLIC_THRESHOLD_CTX0, 4, 0n);
}

function buildCell(
  kernel: Kernel, frames: FrameAllocator, ic: ImageCell, index: number,
  regions: ReadonlyMap<string, { paddr: number; size: number; device: boolean }>, usePbmt: boolean,
): Cell {
  const hart = kernel.hart;
  let elf: ElfImage;
  try {
    elf = parseElf(ic.elf);
  } catch (e) {
    throw new BootError(`cell '${ic.name}': ${(e as Error).message}`);
  }
  const vspace = new VSpace(ic.name, hart, frames, index + 1, usePbmt);

  // The ELF, page by page (segments sharing a page share the frame and its rights).
  const pages = new Map<number, { paddr: number; perms: Set<string> }>();
  for (const seg of elf.segments) {
    const start = Number(seg.vaddr) - (Number(seg.vaddr) % PAGE_SIZE);
    const end = Number(seg.vaddr) + seg.memsz;
    if (start < PAGE_SIZE || end > CV_STACK_TOP - CV_STACK_SIZE - PAGE_SIZE) {
      throw new BootError(`cell '${ic.name}': ELF segment at 0x${seg.vaddr.toString(16)} lies outside the cell's program ` +
        `area (0x1000–0x${(CV_STACK_TOP - CV_STACK_SIZE - PAGE_SIZE).toString(16)}); link it with \`cellvisor cc\``);
    }
    for (let va = start; va < end; va += PAGE_SIZE) {
      let page = pages.get(va);
      if (!page) {
        page = { paddr: frames.allocate(1, `cell '${ic.name}'`), perms: new Set() };
        pages.set(va, page);
      }
      if (seg.flags & PF_R) page.perms.add('r');
      if (seg.flags & PF_W) page.perms.add('w');
      if (seg.flags & PF_X) page.perms.add('x');
    }
  }
  for (const [va, page] of [...pages].sort((x, y) => x[0] - y[0])) {
    vspace.map({ vaddr: va, paddr: page.paddr, size: PAGE_SIZE, perms: ['r', 'w', 'x'].filter((p) => page.perms.has(p)).join(''), device: false, what: 'its program' });
  }
  const stack = { paddr: frames.allocate(CV_STACK_SIZE / PAGE_SIZE, `the stack of cell '${ic.name}'`), size: CV_STACK_SIZE };
  vspace.map({ vaddr: CV_STACK_TOP - CV_STACK_SIZE, paddr: stack.paddr, size: CV_STACK_SIZE, perms: 'rw', device: false, what: 'its stack' });
  const ipcBuffer = frames.allocate(1, `the IPC buffer of cell '${ic.name}'`);
  vspace.map({ vaddr: CV_IPC_BUFFER, paddr: ipcBuffer, size: PAGE_SIZE, perms: 'rw', device: false, what: 'its IPC buffer' });

  const setvars: { symbol: string; value: number }[] = [];
  if (ic.responseBoundNs !== undefined && elf.symbols.has(RESPONSE_BOUND_SYMBOL)) {
    setvars.push({ symbol: RESPONSE_BOUND_SYMBOL, value: Math.ceil(ic.responseBoundNs) });
  }
  for (const m of ic.maps ?? []) {
    const r = regions.get(m.region);
    if (!r) throw new BootError(`cell '${ic.name}' maps region '${m.region}', which does not exist`);
    if (m.vaddr < CV_USER_MAP_BASE) throw new BootError(`cell '${ic.name}' maps '${m.region}' below 0x${CV_USER_MAP_BASE.toString(16)}`);
    vspace.map({ vaddr: m.vaddr, paddr: r.paddr, size: r.size, perms: m.perms, device: r.device, what: `region '${m.region}'` });
    if (m.setvar) setvars.push({ symbol: m.setvar, value: m.vaddr });
  }

  const cspace = new CNode(CV_CNODE_BITS);
  const endpoint = new Endpoint(`the endpoint of '${ic.name}'`);
  const notification = new Notification(`the notification of '${ic.name}'`);
  const reply = new Reply(`the reply of '${ic.name}'`);
  const now = kernel.nowTicks();
  const budgeted = ic.budgetNs !== undefined && ic.periodNs !== undefined;
  const sc = budgeted
    ? new SchedContext(ic.name, ticks(ic.budgetNs!), ticks(ic.periodNs!), false, now)
    : new SchedContext(ic.name, ROUND_ROBIN_TICKS, ROUND_ROBIN_TICKS, true, now);
  const timer = new Timer(`the timer of '${ic.name}'`, notification, 1n << BigInt(CV_TIMER_CHANNEL));
  // The TCB's register context lives in kernel memory, where the hart saves and loads it.
  const contextPa = frames.allocate(1, `the TCB of cell '${ic.name}'`);
  const context = { pa: contextPa, words: new BigUint64Array(hart.ram.buffer, hart.ram.byteOffset + (contextPa - hart.ramBase), CONTEXT_WORDS) };
  const tcb = new Tcb({ name: ic.name, priority: ic.priority, mcp: ic.priority, cspace, vspace, ipcBuffer, owner: index, context });
  tcb.sc = sc;
  tcb.ownSc = sc;
  sc.tcb = tcb;
  tcb.boundNotification = notification;
  notification.boundTcb = tcb;
  kernel.timers.push(timer);

  cspace.install(CV_CAP_TCB, tcb);
  cspace.install(CV_CAP_CNODE, cspace);
  cspace.install(CV_CAP_VSPACE, vspace);
  cspace.install(CV_CAP_INPUT_ENDPOINT, endpoint, CV_RIGHTS_ALL);
  cspace.install(CV_CAP_NOTIFICATION, notification, CV_RIGHT_READ | CV_RIGHT_WRITE);
  cspace.install(CV_CAP_REPLY, reply);
  cspace.install(CV_CAP_SCHED_CONTEXT, sc);
  cspace.install(CV_CAP_TIMER, timer);
  if (ic.poweroff) cspace.install(CV_CAP_POWER, new PowerControl());

  const cell: Cell = {
    index, name: ic.name, tcb, cspace, vspace, endpoint, notification, reply, sc, timer, elf, elfBytes: ic.elf,
    loaded: [...pages].map(([vaddr, p]) => ({ vaddr, paddr: p.paddr, size: PAGE_SIZE })),
    stack, setvars, passive: ic.passive ?? false, periodic: budgeted, channelNames: new Map(),
    releasedAt: undefined, line: '', stats: newStats(),
  };
  reloadCell(kernel, cell);
  return cell;
}

/** (Re)writes a cell's memory from its ELF and resets its registers to the entry point. */
export function reloadCell(kernel: Kernel, cell: Cell): void {
  const hart = kernel.hart;
  const pageOf = new Map(cell.loaded.map((p) => [p.vaddr, p.paddr]));
  for (const p of cell.loaded) hart.fill(p.paddr, PAGE_SIZE, 0);
  hart.fill(cell.stack.paddr, cell.stack.size, 0);
  hart.fill(cell.tcb.ipcBuffer, PAGE_SIZE, 0);
  const writeVirtual = (va: number, bytes: Uint8Array): void => {
    for (let done = 0; done < bytes.length;) {
      const v = va + done;
      const page = v - (v % PAGE_SIZE);
      const n = Math.min(bytes.length - done, page + PAGE_SIZE - v);
      hart.writeBytes(pageOf.get(page)! + (v - page), bytes.subarray(done, done + n));
      done += n;
    }
  };
  for (const seg of cell.elf.segments) {
    writeVirtual(Number(seg.vaddr), cell.elfBytes.subarray(seg.offset, seg.offset + seg.filesz));
  }
  for (const sv of cell.setvars) {
    const at = cell.elf.symbols.get(sv.symbol);
    if (at === undefined || !pageOf.has(Number(at) - (Number(at) % PAGE_SIZE))) {
      throw new BootError(`cell '${cell.name}': setvar '${sv.symbol}' names no variable of its ELF`);
    }
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(sv.value), true);
    writeVirtual(Number(at), bytes);
  }
  const t = cell.tcb;
  t.regs.fill(0n);
  t.fregs.fill(0n);
  t.fcsr = 0n;
  // The hart may hold this context's old FP values as its own (loadContext moves them lazily).
  hart.fpRegistersChanged();
  t.pc = cell.elf.entry;
  t.regs[2] = BigInt(CV_STACK_TOP);
}
