// CSR numbers and CSR fields, named as in the RISC-V privileged specification
// (v1.12 chapters 2-4; H extension chapter 8; Zicbom/Zicboz, Svpbmt, Sstc for menvcfg).
// The one copy: the hart core (AssemblyScript), the TypeScript host and, through the
// generated build/include/cellvisor/csr.h, the C and assembly guests and tests use
// these. What may go in these modules: src/hart/spec/README.md.

// Unprivileged CSRs: floating point (F), counters (Zicntr, Zihpm).
export const CSR_FFLAGS = 0x001;
export const CSR_FRM = 0x002;
export const CSR_FCSR = 0x003;
export const CSR_CYCLE = 0xc00;
export const CSR_TIME = 0xc01;
export const CSR_INSTRET = 0xc02;
export const CSR_HPMCOUNTER3 = 0xc03;
export const CSR_HPMCOUNTER31 = 0xc1f;

// Supervisor CSRs.
export const CSR_SSTATUS = 0x100;
export const CSR_SIE = 0x104;
export const CSR_STVEC = 0x105;
export const CSR_SCOUNTEREN = 0x106;
export const CSR_SENVCFG = 0x10a;
export const CSR_SSCRATCH = 0x140;
export const CSR_SEPC = 0x141;
export const CSR_SCAUSE = 0x142;
export const CSR_STVAL = 0x143;
export const CSR_SIP = 0x144;
export const CSR_STIMECMP = 0x14d;
export const CSR_SATP = 0x180;

// Virtual supervisor CSRs (H extension).
export const CSR_VSSTATUS = 0x200;
export const CSR_VSIE = 0x204;
export const CSR_VSTVEC = 0x205;
export const CSR_VSSCRATCH = 0x240;
export const CSR_VSEPC = 0x241;
export const CSR_VSCAUSE = 0x242;
export const CSR_VSTVAL = 0x243;
export const CSR_VSIP = 0x244;
export const CSR_VSTIMECMP = 0x24d;
export const CSR_VSATP = 0x280;

// Hypervisor CSRs (H extension).
export const CSR_HSTATUS = 0x600;
export const CSR_HEDELEG = 0x602;
export const CSR_HIDELEG = 0x603;
export const CSR_HIE = 0x604;
export const CSR_HTIMEDELTA = 0x605;
export const CSR_HCOUNTEREN = 0x606;
export const CSR_HGEIE = 0x607;
export const CSR_HENVCFG = 0x60a;
export const CSR_HTVAL = 0x643;
export const CSR_HIP = 0x644;
export const CSR_HVIP = 0x645;
export const CSR_HTINST = 0x64a;
export const CSR_HGATP = 0x680;
export const CSR_HGEIP = 0xe12;

// Machine CSRs.
export const CSR_MSTATUS = 0x300;
export const CSR_MISA = 0x301;
export const CSR_MEDELEG = 0x302;
export const CSR_MIDELEG = 0x303;
export const CSR_MIE = 0x304;
export const CSR_MTVEC = 0x305;
export const CSR_MCOUNTEREN = 0x306;
export const CSR_MENVCFG = 0x30a;
export const CSR_MCOUNTINHIBIT = 0x320;
export const CSR_MHPMEVENT3 = 0x323;
export const CSR_MHPMEVENT31 = 0x33f;
export const CSR_MSCRATCH = 0x340;
export const CSR_MEPC = 0x341;
export const CSR_MCAUSE = 0x342;
export const CSR_MTVAL = 0x343;
export const CSR_MIP = 0x344;
export const CSR_MTINST = 0x34a;
export const CSR_MTVAL2 = 0x34b;
export const CSR_PMPCFG0 = 0x3a0;
export const CSR_PMPCFG2 = 0x3a2;
export const CSR_PMPCFG15 = 0x3af;
export const CSR_PMPADDR0 = 0x3b0;
export const CSR_PMPADDR63 = 0x3ef;
export const CSR_TSELECT = 0x7a0;
export const CSR_TDATA1 = 0x7a1;
export const CSR_TDATA2 = 0x7a2;
export const CSR_TDATA3 = 0x7a3;
export const CSR_TINFO = 0x7a4;
export const CSR_DCSR = 0x7b0;
export const CSR_DPC = 0x7b1;
export const CSR_MCYCLE = 0xb00;
export const CSR_MINSTRET = 0xb02;
export const CSR_MHPMCOUNTER3 = 0xb03;
export const CSR_MHPMCOUNTER31 = 0xb1f;
export const CSR_MVENDORID = 0xf11;
export const CSR_MARCHID = 0xf12;
export const CSR_MIMPID = 0xf13;
export const CSR_MHARTID = 0xf14;
export const CSR_MCONFIGPTR = 0xf15;

// Privilege levels as encoded in mstatus.MPP, sstatus.SPP and CSR numbers (1.2, table 1.1).
export const PRV_U = 0;
export const PRV_S = 1;
export const PRV_M = 3;

// mstatus and sstatus (3.1.6, 4.1.1).
export const MSTATUS_SIE = 1 << 1;
export const MSTATUS_MIE = 1 << 3;
export const MSTATUS_SPIE = 1 << 5;
export const MSTATUS_UBE = 1 << 6;
export const MSTATUS_MPIE = 1 << 7;
export const MSTATUS_SPP = 1 << 8;
export const MSTATUS_MPP_SHIFT = 11;
export const MSTATUS_MPP = 3 << 11;
export const MSTATUS_FS = 3 << 13;
export const MSTATUS_FS_INITIAL = 1 << 13;
export const MSTATUS_FS_CLEAN = 2 << 13;
export const MSTATUS_FS_DIRTY = 3 << 13;
export const MSTATUS_XS = 3 << 15;
export const MSTATUS_MPRV = 1 << 17;
export const MSTATUS_SUM = 1 << 18;
export const MSTATUS_MXR = 1 << 19;
export const MSTATUS_TVM = 1 << 20;
export const MSTATUS_TW = 1 << 21;
export const MSTATUS_TSR = 1 << 22;
export const MSTATUS_UXL_SHIFT = 32;
export const MSTATUS_UXL = 0x300000000;
export const MSTATUS_SXL_SHIFT = 34;
export const MSTATUS_SXL = 0xc00000000;
export const MSTATUS_SD = 0x8000000000000000;

// menvcfg and senvcfg (3.1.18, 4.1.10; CMO spec "Control and Status Register State";
// Svpbmt; Sstc). PBMTE and STCE exist in menvcfg only.
export const ENVCFG_FIOM = 1 << 0;
export const ENVCFG_CBIE = 3 << 4;
export const ENVCFG_CBIE_FLUSH = 1 << 4;
export const ENVCFG_CBIE_INVAL = 3 << 4;
export const ENVCFG_CBCFE = 1 << 6;
export const ENVCFG_CBZE = 1 << 7;
export const MENVCFG_PBMTE = 0x4000000000000000;
export const MENVCFG_STCE = 0x8000000000000000;

// mcounteren, scounteren, mcountinhibit (3.1.11-3.1.12).
export const COUNTEREN_CY = 1 << 0;
export const COUNTEREN_TM = 1 << 1;
export const COUNTEREN_IR = 1 << 2;

// satp (4.1.11): MODE is kept in place, so `satp & SATP_MODE` compares with these.
export const SATP_MODE = 0xf000000000000000;
export const SATP_MODE_BARE = 0;
export const SATP_MODE_SV39 = 0x8000000000000000;
export const SATP_MODE_SV48 = 0x9000000000000000;
export const SATP_ASID = 0x0ffff00000000000;
export const SATP_PPN = 0x00000fffffffffff;

// pmpcfg entries, one byte each (3.7.1). A is a two-bit field: OFF (0), TOR, NA4, NAPOT.
export const PMP_R = 0x01;
export const PMP_W = 0x02;
export const PMP_X = 0x04;
export const PMP_A = 0x18;
export const PMP_OFF = 0x00;
export const PMP_TOR = 0x08;
export const PMP_NA4 = 0x10;
export const PMP_NAPOT = 0x18;
export const PMP_L = 0x80;

// H extension (chapter 8): mstatus.GVA/MPV, hstatus (8.2.1) and hgatp (8.2.10).
export const MSTATUS_GVA = 0x4000000000;
export const MSTATUS_MPV = 0x8000000000;
export const HSTATUS_VSBE = 1 << 5;
export const HSTATUS_GVA = 1 << 6;
export const HSTATUS_SPV = 1 << 7;
export const HSTATUS_SPVP = 1 << 8;
export const HSTATUS_HU = 1 << 9;
export const HSTATUS_VGEIN = 0x3f << 12;
export const HSTATUS_VTVM = 1 << 20;
export const HSTATUS_VTW = 1 << 21;
export const HSTATUS_VTSR = 1 << 22;
export const HSTATUS_VSXL_SHIFT = 32;
export const HSTATUS_VSXL = 0x300000000;
export const HGATP_MODE_SV39X4 = 0x8000000000000000;
export const HGATP_MODE_SV48X4 = 0x9000000000000000;
export const HGATP_VMID = 0x03fff00000000000;

// Sdtrig trigger module (RISC-V Debug Specification 1.0, "Trigger Module Registers").
// tdata1.type is bits 63:60; the rest of tdata1 is the type's own register.
export const TDATA1_TYPE_SHIFT = 60;
export const TRIGGER_TYPE_NONE = 0;
export const TRIGGER_TYPE_MCONTROL6 = 6;
export const TRIGGER_TYPE_DISABLED = 15;
// tinfo: the supported types as a bit set in 15:0, the Sdtrig version in 31:24.
export const TINFO_VERSION_SHIFT = 24;
// mcontrol6 fields. LOAD, STORE and EXECUTE are bits 0-2, in the order of the hart's
// access kinds (load, store, fetch).
export const MCONTROL6_LOAD = 1 << 0;
export const MCONTROL6_STORE = 1 << 1;
export const MCONTROL6_EXECUTE = 1 << 2;
export const MCONTROL6_U = 1 << 3;
export const MCONTROL6_S = 1 << 4;
export const MCONTROL6_M = 1 << 6;
export const MCONTROL6_MATCH_SHIFT = 7;
export const MCONTROL6_MATCH = 15 << 7;
export const MCONTROL6_MATCH_EQUAL = 0;
export const MCONTROL6_MATCH_NAPOT = 1;
export const MCONTROL6_MATCH_GE = 2;
export const MCONTROL6_MATCH_LT = 3;
export const MCONTROL6_CHAIN = 1 << 11;
export const MCONTROL6_ACTION = 15 << 12;
export const MCONTROL6_SIZE = 7 << 16;
export const MCONTROL6_SELECT = 1 << 21;
export const MCONTROL6_HIT0 = 1 << 22;
// VU and VS: the trigger fires in V=1's U and S modes (with H; read-only zero without).
export const MCONTROL6_VU = 1 << 23;
export const MCONTROL6_VS = 1 << 24;
export const MCONTROL6_HIT1 = 1 << 25;
