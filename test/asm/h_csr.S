/* The H extension: its CSRs and WARL fields, V mode and the traps that enter
 * and leave it. Every hypervisor and VS CSR after writing all ones and zero;
 * misa.H and the fields H adds to mstatus, medeleg, mideleg, mie and mip;
 * MRET and SRET into VS and VU; ECALL from VS; trap delegation through
 * medeleg/hedeleg (to M, HS or VS) with mstatus.MPV/GVA, hstatus.SPV/SPVP/GVA
 * and mtval2/htval; the VS CSRs behind the s* names in VS-mode; FS in both
 * mstatus and vsstatus; the virtual-instruction exception (22) for CSR
 * accesses, counters, WFI and HLV/HSV/HFENCE in V=1.
 * QEMU 7.2 departs from the spec in places this test leaves out; h_spec.S
 * checks those against the spec: hstatus and vsstatus keep any bits written,
 * mip.VSTIP/VSEIP are writable, vsstatus has no SD, vstvec keeps reserved
 * modes, an illegal instruction delegated to VS is reported as cause 1,
 * mstatus.GVA, the virtual-instruction cases of VU-mode (supervisor CSRs,
 * SRET, SFENCE.VMA, HFENCE) and of hstatus.VTVM, mstatus.TVM in VS, and
 * mstatus.TVM for hgatp. vsepc keeps bit 0 (as mepc/sepc do).
 * mideleg/mie bit 13 (Sscofpmf, not implemented here) and medeleg bit 11 are
 * not written; htimedelta is illegal on QEMU's spike (no time source).
 * Privileged spec 1.12, "Hypervisor Extension" (8.2 CSRs, 8.4 traps,
 * 8.6.1 virtual instruction, 8.6.4 trap return).
 * qemu-cpu: rv64,h=true
 * cellvisor-cpu: rva22h */
#include "test.h"

#include "hyp.h"

TEST_BEGIN
    PCSR "misa", misa
    /* mideleg: VS-level (and SGEI) interrupts are delegated, read-only one */
    csrw mideleg, zero
    PCSR "mideleg (zero)", mideleg
    li t0, ~(1 << 13)
    csrw mideleg, t0
    PCSR "mideleg (ones)", mideleg
    csrw mideleg, zero
    li t0, ~(1 << 11)
    csrw medeleg, t0
    PCSR "medeleg (ones)", medeleg
    csrw medeleg, zero
    li t0, ~(1 << 13)
    csrw mie, t0
    PCSR "mie (ones)", mie
    csrw mie, zero
    li t0, MIP_VSSIP | MIP_SSIP
    csrs mip, t0
    PCSR "mip (VSSIP SSIP set)", mip
    PCSR "hvip (after mip)", CSR_HVIP
    csrc mip, t0
    li t0, MSTATUS_MPV | MSTATUS_GVA
    csrs mstatus, t0
    csrr a0, mstatus
    srli a0, a0, 38
    PRINT "mstatus.MPV/GVA", a0
    csrc mstatus, t0
    li t0, HSTATUS_GVA | HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_HU | HSTATUS_VTVM | HSTATUS_VTW | HSTATUS_VTSR
    csrw CSR_HSTATUS, t0
    PCSR "hstatus (fields)", CSR_HSTATUS
    csrw CSR_HSTATUS, zero
    PCSR "hstatus (zero)", CSR_HSTATUS
    WARL "hedeleg", CSR_HEDELEG
    WARL "hideleg", CSR_HIDELEG
    WARL "hie", CSR_HIE
    WARL "hvip", CSR_HVIP
    li t0, MIP_VSSIP | MIP_VSTIP | MIP_VSEIP
    csrw CSR_HVIP, t0
    PCSR "hip (hvip set)", CSR_HIP
    PCSR "mip (hvip set)", mip
    csrw CSR_HIP, zero
    PCSR "hvip (hip cleared)", CSR_HVIP
    csrw CSR_HVIP, zero
    WARL "hgeie", CSR_HGEIE
    PCSR "hgeip", CSR_HGEIP
    li t0, 0xffffffff
    csrw CSR_HCOUNTEREN, t0
    PCSR "hcounteren (ones)", CSR_HCOUNTEREN
    csrw CSR_HCOUNTEREN, zero
    WARL "htval", CSR_HTVAL
    csrw CSR_HTINST, zero
    PCSR "htinst (zero)", CSR_HTINST
    /* PPN[1:0] are left 0: QEMU 7.2 keeps them (h_spec.S checks they read 0) */
    li t0, SATP_MODE_SV39 | 0x0003fff000000ffc
    csrw CSR_HGATP, t0
    PCSR "hgatp (Sv39x4, VMID and PPN ones)", CSR_HGATP
    li t0, SATP_MODE_SV48 | 0x0000000000012344
    csrw CSR_HGATP, t0
    PCSR "hgatp (Sv48x4)", CSR_HGATP
    csrw CSR_HGATP, zero
    PCSR "hgatp (zero)", CSR_HGATP
    li t0, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS_CLEAN | MSTATUS_SUM | MSTATUS_MXR
    csrw CSR_VSSTATUS, t0
    PCSR "vsstatus (fields)", CSR_VSSTATUS
    csrw CSR_VSSTATUS, zero
    PCSR "vsstatus (zero)", CSR_VSSTATUS
    WARL "vsie (hideleg 0)", CSR_VSIE
    WARL "vsip (hideleg 0)", CSR_VSIP
    li t0, MIP_VSSIP | MIP_VSTIP | MIP_VSEIP
    csrw CSR_HIDELEG, t0
    WARL "vsie (hideleg VS)", CSR_VSIE
    li t0, -1
    csrw CSR_VSIE, t0
    PCSR "hie (after vsie)", CSR_HIE
    csrw CSR_HIE, zero
    WARL "vsip (hideleg VS)", CSR_VSIP
    csrw CSR_HIDELEG, zero
    li t0, 0x1001
    csrw CSR_VSTVEC, t0
    PCSR "vstvec (vectored)", CSR_VSTVEC
    WARL "vsscratch", CSR_VSSCRATCH
    li t0, -2
    csrw CSR_VSEPC, t0
    PCSR "vsepc", CSR_VSEPC
    WARL "vscause", CSR_VSCAUSE
    WARL "vstval", CSR_VSTVAL
    li t0, SATP_MODE_SV39 | 0x0000fff000012345
    csrw CSR_VSATP, t0
    PCSR "vsatp (Sv39)", CSR_VSATP
    csrw CSR_VSATP, zero
    WARL "mtval2", CSR_MTVAL2
    WARL "mtinst", CSR_MTINST

    /* ---- V mode ---------------------------------------------------------- */
    la t0, h_mtrap
    csrw mtvec, t0
    la t0, h_strap
    csrw stvec, t0
    la t0, h_vstrap
    csrw CSR_VSTVEC, t0
    /* FS = Initial in both (QEMU 7.2 shows mstatus.FS in VS's sstatus) */
    li t0, MSTATUS_FS
    csrc mstatus, t0
    li t0, MSTATUS_FS_INITIAL
    csrs mstatus, t0
    csrw CSR_VSSTATUS, t0

    /* ECALL from each mode, not delegated: M sees MPV and MPP */
    VTRY "ecall VS", PRV_S, 1, nop
    VTRY "ecall VU", PRV_U, 1, nop
    VTRY "ecall HS", PRV_S, 0, nop
    VTRY "ecall U", PRV_U, 0, nop

    /* The s* names are the VS CSRs in VS-mode */
    li t0, 0x1234
    csrw CSR_VSSCRATCH, t0
    li t0, 0x5678
    csrw sscratch, t0
    VTRY "csrrw sscratch in VS", PRV_S, 1, csrrw s4, sscratch, zero
    PRINT "old sscratch seen in VS", s4
    PCSR "vsscratch after VS", CSR_VSSCRATCH
    PCSR "sscratch after VS", sscratch
    VTRY "read sstatus in VS", PRV_S, 1, csrr s4, sstatus
    PRINT "sstatus seen in VS", s4
    li t0, 0x2000
    csrw CSR_VSEPC, t0
    VTRY "read sepc in VS", PRV_S, 1, csrr s4, sepc
    PRINT "sepc seen in VS", s4

    /* Delegation: illegal instruction (2) to M, HS or VS */
    VTRY "illegal from VS to M", PRV_S, 1, .word 0
    li t0, 1 << CAUSE_ILLEGAL_INSTRUCTION
    csrw medeleg, t0
    VTRY "illegal from VS to HS", PRV_S, 1, .word 0
    VTRY "illegal from VU to HS", PRV_U, 1, .word 0
    VTRY "illegal from HS to HS", PRV_S, 0, .word 0
    li t0, 1 << CAUSE_ILLEGAL_INSTRUCTION
    csrw CSR_HEDELEG, t0
    VTRY "illegal from HS (hedeleg set)", PRV_S, 0, .word 0
    csrw CSR_HEDELEG, zero
    csrw medeleg, zero

    /* A load access fault in V=1: GVA */
    li t0, 1 << CAUSE_LOAD_ACCESS
    csrw medeleg, t0
    VTRY "load fault in VU to HS", PRV_U, 1, ld s4, UNMAPPED_ADDR(zero)
    VTRY "load fault in VS to HS", PRV_S, 1, ld s4, UNMAPPED_ADDR(zero)
    VTRY "load fault in HS to HS", PRV_S, 0, ld s4, UNMAPPED_ADDR(zero)
    li t0, 1 << CAUSE_LOAD_ACCESS
    csrw CSR_HEDELEG, t0
    VTRY "load fault in VS to VS", PRV_S, 1, ld s4, UNMAPPED_ADDR(zero)
    csrw CSR_HEDELEG, zero
    csrw medeleg, zero

    /* Virtual instructions: CSRs */
    VTRY "hstatus in VS", PRV_S, 1, csrr s4, CSR_HSTATUS
    VTRY "vsstatus in VS", PRV_S, 1, csrr s4, CSR_VSSTATUS
    VTRY "hgeip write in VS", PRV_S, 1, csrw CSR_HGEIP, zero
    VTRY "mstatus in VS", PRV_S, 1, csrr s4, mstatus
    VTRY "hstatus in U", PRV_U, 0, csrr s4, CSR_HSTATUS
    VTRY "hstatus in HS", PRV_S, 0, csrr s4, CSR_HSTATUS
    VTRY "satp in VS", PRV_S, 1, csrr s4, satp
    /* a reserved MODE written to satp in VS-mode is ignored: vsatp keeps its value */
    li s6, (15 << 60) | 0x12345
    VTRY "satp := reserved MODE in VS", PRV_S, 1, csrw satp, s6
    PCSR "vsatp after", CSR_VSATP
    VTRY "sfence.vma in VS", PRV_S, 1, sfence.vma
    li t0, HSTATUS_VTVM
    csrw CSR_HSTATUS, t0
    VTRY "sfence.vma in VS (VTVM)", PRV_S, 1, sfence.vma
    csrw CSR_HSTATUS, zero
    li t0, MSTATUS_TVM
    csrs mstatus, t0
    VTRY "vsatp in HS (TVM)", PRV_S, 0, csrr s4, CSR_VSATP
    li t0, MSTATUS_TVM
    csrc mstatus, t0
    /* counters */
    VTRY "cycle in VS (mcounteren 0)", PRV_S, 1, csrr s4, cycle
    li t0, -1
    csrw mcounteren, t0
    VTRY "cycle in VS (hcounteren 0)", PRV_S, 1, csrr s4, cycle
    li t0, -1
    csrw CSR_HCOUNTEREN, t0
    VTRY "cycle in VS", PRV_S, 1, csrr s4, cycle
    VTRY "cycle in VU (scounteren 0)", PRV_U, 1, csrr s4, cycle
    li t0, -1
    csrw scounteren, t0
    VTRY "cycle in VU", PRV_U, 1, csrr s4, cycle
    csrw scounteren, zero
    csrw CSR_HCOUNTEREN, zero
    csrw mcounteren, zero
    /* SRET, WFI, MRET */
    li t0, HSTATUS_VTSR
    csrw CSR_HSTATUS, t0
    VTRY "sret in VS (VTSR)", PRV_S, 1, sret
    csrw CSR_HSTATUS, zero
    li t0, MSTATUS_TSR
    csrs mstatus, t0
    VTRY "sret in HS (TSR)", PRV_S, 0, sret
    li t0, MSTATUS_TSR
    csrc mstatus, t0
    VTRY "wfi in VU", PRV_U, 1, wfi
    li t0, HSTATUS_VTW
    csrw CSR_HSTATUS, t0
    VTRY "wfi in VS (VTW)", PRV_S, 1, wfi
    csrw CSR_HSTATUS, zero
    li t0, MSTATUS_TW
    csrs mstatus, t0
    VTRY "wfi in VS (TW)", PRV_S, 1, wfi
    li t0, MSTATUS_TW
    csrc mstatus, t0
    VTRY "mret in VS", PRV_S, 1, mret
    /* hypervisor instructions */
    .option push
    .option arch, +h
    VTRY "hlv.d in VS", PRV_S, 1, hlv.d s4, (sp)
    VTRY "hsv.w in VS", PRV_S, 1, hsv.w zero, (sp)
    VTRY "hfence.vvma in VS", PRV_S, 1, hfence.vvma
    VTRY "hlv.d in U", PRV_U, 0, hlv.d s4, (sp)
    VTRY "hfence.vvma in U", PRV_U, 0, hfence.vvma
    li t0, HSTATUS_HU
    csrw CSR_HSTATUS, t0
    VTRY "hlv.d in U (HU)", PRV_U, 0, hlv.d s4, (sp)
    VTRY "hfence.vvma in U (HU)", PRV_U, 0, hfence.vvma
    csrw CSR_HSTATUS, zero
    li t0, MSTATUS_TVM
    csrs mstatus, t0
    VTRY "hfence.gvma in HS (TVM)", PRV_S, 0, hfence.gvma
    VTRY "hfence.vvma in HS (TVM)", PRV_S, 0, hfence.vvma
    li t0, MSTATUS_TVM
    csrc mstatus, t0
    /* HLV/HSV from HS with V=0 reach memory as V=1 would (both stages Bare here) */
    la s5, h_word
    li s6, 0x8877665544332211
    VTRY "hsv.d in HS", PRV_S, 0, hsv.d s6, (s5)
    VTRY "hlv.w in HS", PRV_S, 0, hlv.w s4, (s5)
    PRINT "hlv.w", s4
    addi s7, s5, 7
    VTRY "hlv.bu in HS", PRV_S, 0, hlv.bu s4, (s7)
    PRINT "hlv.bu", s4
    addi s7, s5, 2
    VTRY "hlvx.hu in HS", PRV_S, 0, hlvx.hu s4, (s7)
    PRINT "hlvx.hu", s4
    .option pop

    /* FP: vsstatus.FS = Off stops FP in V=1 only */
    csrw CSR_VSSTATUS, zero
    VTRY "fmv.d.x in VS (vsstatus.FS off)", PRV_S, 1, fmv.d.x f1, zero
    VTRY "fmv.d.x in HS (vsstatus.FS off)", PRV_S, 0, fmv.d.x f1, zero
    li t0, MSTATUS_FS_INITIAL
    csrw CSR_VSSTATUS, t0
    VTRY "fmv.d.x in VS", PRV_S, 1, fmv.d.x f1, zero
    csrr a0, CSR_VSSTATUS
    slli a0, a0, 1      /* (QEMU 7.2 has no vsstatus.SD) */
    srli a0, a0, 1
    PRINT "vsstatus after FP in VS (but SD)", a0
    csrr a0, mstatus
    li t0, MSTATUS_FS
    and a0, a0, t0
    PRINT "mstatus.FS after FP in VS", a0

    /* SRET from HS into VS: V := SPV, SPV := 0 */
    li t0, HSTATUS_SPV
    csrw CSR_HSTATUS, t0
    li t0, MSTATUS_SPP
    csrs mstatus, t0
    VTRY "sret from HS to VS", PRV_S, 0, j h_sret
    PCSR "hstatus after", CSR_HSTATUS
    /* SRET inside VS: through vsstatus and vsepc, V stays 1 (SPP = S: VS) */
    li t0, MSTATUS_SPP | MSTATUS_FS_INITIAL
    csrw CSR_VSSTATUS, t0
    VTRY "sret in VS with SPP = S", PRV_S, 1, j h_sret
    PCSR "vsstatus after", CSR_VSSTATUS
TEST_END

/* SRET to h_sret_land, which goes back to M with an ECALL. */
h_sret:
    la t0, h_sret_land
    csrw sepc, t0
    sret
h_sret_land:
    li a7, 0
    ecall

    .data
    .align 3
h_word: .dword 0
