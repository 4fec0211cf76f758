// CSR numbers by their spec names (privileged spec v1.12 tables 2.2-2.6, H extension
// table 8.x, F extension). Used for named accessors on Hart, for error messages and
// for the disassembler; the core has its own copy in AssemblyScript.

export const CSR = {
  fflags: 0x001,
  frm: 0x002,
  fcsr: 0x003,
  cycle: 0xc00,
  time: 0xc01,
  instret: 0xc02,

  sstatus: 0x100,
  sie: 0x104,
  stvec: 0x105,
  scounteren: 0x106,
  senvcfg: 0x10a,
  sscratch: 0x140,
  sepc: 0x141,
  scause: 0x142,
  stval: 0x143,
  sip: 0x144,
  stimecmp: 0x14d,
  satp: 0x180,

  vsstatus: 0x200,
  vsie: 0x204,
  vstvec: 0x205,
  vsscratch: 0x240,
  vsepc: 0x241,
  vscause: 0x242,
  vstval: 0x243,
  vsip: 0x244,
  vstimecmp: 0x24d,
  vsatp: 0x280,

  hstatus: 0x600,
  hedeleg: 0x602,
  hideleg: 0x603,
  hie: 0x604,
  htimedelta: 0x605,
  hcounteren: 0x606,
  hgeie: 0x607,
  henvcfg: 0x60a,
  htval: 0x643,
  hip: 0x644,
  hvip: 0x645,
  htinst: 0x64a,
  hgatp: 0x680,
  hgeip: 0xe12,

  mstatus: 0x300,
  misa: 0x301,
  medeleg: 0x302,
  mideleg: 0x303,
  mie: 0x304,
  mtvec: 0x305,
  mcounteren: 0x306,
  menvcfg: 0x30a,
  mcountinhibit: 0x320,
  mscratch: 0x340,
  mepc: 0x341,
  mcause: 0x342,
  mtval: 0x343,
  mip: 0x344,
  mtinst: 0x34a,
  mtval2: 0x34b,
  pmpcfg0: 0x3a0,
  pmpcfg2: 0x3a2,
  pmpaddr0: 0x3b0,
  mcycle: 0xb00,
  minstret: 0xb02,
  tselect: 0x7a0,
  tdata1: 0x7a1,
  tdata2: 0x7a2,
  dcsr: 0x7b0,
  dpc: 0x7b1,
  mvendorid: 0xf11,
  marchid: 0xf12,
  mimpid: 0xf13,
  mhartid: 0xf14,
  mconfigptr: 0xf15,
} as const;

export type CsrName = keyof typeof CSR;

const NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(CSR).map(([name, number]) => [number, name]),
);

/** The spec name of a CSR number, or its number in hex when the table does not know it. */
export function csrName(csr: number): string {
  const name = NAMES.get(csr);
  if (name !== undefined) return name;
  if (csr > 0x3b0 && csr <= 0x3ef) return `pmpaddr${csr - 0x3b0}`;
  if (csr >= 0x3a0 && csr <= 0x3af) return `pmpcfg${csr - 0x3a0}`;
  if (csr >= 0xc03 && csr <= 0xc1f) return `hpmcounter${csr - 0xc00}`;
  if (csr >= 0xb03 && csr <= 0xb1f) return `mhpmcounter${csr - 0xb00}`;
  if (csr >= 0x323 && csr <= 0x33f) return `mhpmevent${csr - 0x320}`;
  return `0x${csr.toString(16)}`;
}
