/* The H extension where QEMU 7.2 departs from the specification (so the
 * expected signature is written from the spec): hstatus and vsstatus WARL
 * fields (VGEIN read-only zero with GEILEN = 0, VSBE zero, vsstatus.SD);
 * mip.VSTIP/VSEIP are read-only; vsip.STIP/SEIP show hip.VSTIP/VSEIP when
 * hideleg delegates them; vstvec keeps its old value for a reserved MODE;
 * an illegal instruction delegated to VS reports cause 2; mstatus.GVA;
 * VU-mode's virtual-instruction cases (supervisor CSRs, SRET, SFENCE.VMA,
 * HFENCE); hstatus.VTVM for satp; mstatus.TVM does not apply in VS-mode
 * but guards hgatp in HS-mode; Sv39x4 GPAs with bit 40 set; HS-mode's
 * mstatus.MXR in G-stage; guest-page faults of VS-stage page-table reads
 * keep the access type and write a pseudoinstruction to mtinst; HLVX needs
 * only execute permission in G-stage; HLV from U-mode to a VS-stage S page
 * is a page fault; the transformed loads, stores, AMOs and HLVs in
 * mtinst/htinst (QEMU 7.2 writes zero); vsstatus.SUM written in VS-mode takes effect at once
 * (QEMU 7.2 keeps the translations it allowed); VSEI comes before VSSI and VSTI, for HS-mode and, as SEI,
 * for VS-mode. Privileged spec 1.12 chapter 8 (8.2.1 hstatus, 8.2.3
 * hip/hie, 8.2.12 vsip, 8.4 traps, 8.5 two-stage translation, 8.6.1
 * virtual instructions, 8.6.3 transformed instructions) and 3.1.6 (mstatus
 * TVM/TSR/GVA with H).
 * hgatp.PPN[1:0] read as zero in the paged modes (8.2.10; QEMU 7.2 keeps them);
 * henvcfg: FIOM, CBIE, CBCFE, CBZE, and PBMTE/STCE only while menvcfg's are set
 * (8.2.5; QEMU 7.2 keeps them regardless).
 * hand-written: QEMU 7.2 departs from the specification in each of these cases
 * cellvisor-cpu: rva22h */
#include "test.h"
#include "paging.h"
#define H_PRINT_MGVA
#include "hyp.h"

#define G_GIGA(pa)  ((((pa) >> 12) << 10) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D)
#define GPA_BASE    0x100000000
#define GPA_RW      (GPA_BASE + 0x0000)
#define GPA_INV     (GPA_BASE + 0x3000)
#define GPA_XO      (GPA_BASE + 0x4000)
#define GPA_TOP     0x1ffc0000000
#define VA_RW       0x1000
#define VA_PTBAD    0x200000

    .bss
    .align 14
g_root:  .skip 16384
    .align 12
g_l1:    .skip 4096
g_l0:    .skip 4096
vs_root: .skip 4096
vs_l1:   .skip 4096
vs_l0:   .skip 4096

    .data
    .align 12
g_rw:  .dword 0x1111111111111111
    .align 12
g_xo:  .dword 0x3333333333333333
    .text

TEST_BEGIN
    /* WARL fields */
    li t0, SATP_MODE_SV39 | 0x0000000000000fff
    csrw CSR_HGATP, t0
    PCSR "hgatp (Sv39x4, PPN ones: PPN[1:0] read 0)", CSR_HGATP
    li t0, 0x0000000000000fff
    csrw CSR_HGATP, t0
    PCSR "hgatp (Bare, PPN ones)", CSR_HGATP
    csrw CSR_HGATP, zero
    csrr s7, CSR_MENVCFG
    csrw CSR_MENVCFG, zero
    li t0, -1
    csrw CSR_HENVCFG, t0
    PCSR "henvcfg (ones, menvcfg 0)", CSR_HENVCFG
    li t0, MENVCFG_PBMTE | MENVCFG_STCE
    csrw CSR_MENVCFG, t0
    li t0, -1
    csrw CSR_HENVCFG, t0
    PCSR "henvcfg (ones, menvcfg PBMTE STCE)", CSR_HENVCFG
    csrw CSR_HENVCFG, zero
    csrw CSR_MENVCFG, s7
    li t0, -1
    csrw CSR_HSTATUS, t0
    PCSR "hstatus (ones)", CSR_HSTATUS
    csrw CSR_HSTATUS, zero
    li t0, -1
    csrw CSR_VSSTATUS, t0
    PCSR "vsstatus (ones)", CSR_VSSTATUS
    csrw CSR_VSSTATUS, zero
    li t0, MIP_VSTIP | MIP_VSEIP
    csrs mip, t0
    PCSR "hvip (after mip VSTIP VSEIP set)", CSR_HVIP
    li t0, MIP_VSSIP | MIP_VSTIP | MIP_VSEIP
    csrw CSR_HIDELEG, t0
    li t0, MIP_VSTIP | MIP_VSEIP
    csrw CSR_HVIP, t0
    PCSR "vsip (hvip VSTIP VSEIP)", CSR_VSIP
    csrw CSR_HVIP, zero
    csrw CSR_HIDELEG, zero
    li t0, 0x1001
    csrw CSR_VSTVEC, t0
    li t0, 0x2002
    csrw CSR_VSTVEC, t0
    PCSR "vstvec (after a reserved mode)", CSR_VSTVEC

    la t0, h_mtrap
    csrw mtvec, t0
    la t0, h_strap
    csrw stvec, t0
    la t0, h_vstrap
    csrw CSR_VSTVEC, t0

    /* traps */
    li t0, 1 << CAUSE_ILLEGAL_INSTRUCTION
    csrw medeleg, t0
    csrw CSR_HEDELEG, t0
    VTRY "illegal from VS to VS", PRV_S, 1, .word 0
    csrw CSR_HEDELEG, zero
    csrw medeleg, zero
    VTRY "load fault in VS to M", PRV_S, 1, ld s4, UNMAPPED_ADDR(zero)
    VTRY "illegal in VS to M", PRV_S, 1, .word 0
    VTRY "load fault in HS to M", PRV_S, 0, ld s4, UNMAPPED_ADDR(zero)

    /* interrupt priority: VSEI, VSSI, VSTI */
    li t0, MIP_VSSIP | MIP_VSTIP | MIP_VSEIP
    csrw CSR_HIE, t0
    csrw CSR_HVIP, t0
    VTRY "VSEI VSSI VSTI pending, to HS", PRV_S, 1, nop
    li t0, MIP_VSSIP | MIP_VSTIP | MIP_VSEIP
    csrw CSR_HIDELEG, t0
    li t0, MSTATUS_SIE
    csrw CSR_VSSTATUS, t0
    VTRY "VSEI VSSI VSTI pending, to VS", PRV_S, 1, nop
    csrw CSR_HVIP, zero
    csrw CSR_HIDELEG, zero
    csrw CSR_HIE, zero
    csrw CSR_VSSTATUS, zero

    /* virtual instructions */
    VTRY "sstatus in VU", PRV_U, 1, csrr s4, sstatus
    VTRY "sret in VU", PRV_U, 1, sret
    VTRY "sfence.vma in VU", PRV_U, 1, sfence.vma
    .option push
    .option arch, +h
    VTRY "hfence.gvma in VU", PRV_U, 1, hfence.gvma
    .option pop
    li t0, HSTATUS_VTVM
    csrw CSR_HSTATUS, t0
    VTRY "satp in VS (VTVM)", PRV_S, 1, csrr s4, satp
    csrw CSR_HSTATUS, zero
    li t0, MSTATUS_TVM
    csrs mstatus, t0
    VTRY "satp in VS (TVM)", PRV_S, 1, csrr s4, satp
    VTRY "hgatp in HS (TVM)", PRV_S, 0, csrr s4, CSR_HGATP
    li t0, MSTATUS_TVM
    csrc mstatus, t0

    /* G-stage: the image at GPA = PA and at root index 2047; GPA_RW, GPA_XO */
    li t0, G_GIGA(0x80000000)
    la t1, g_root
    sd t0, 2*8(t1)
    li t2, 2047*8
    add t2, t1, t2
    sd t0, 0(t2)
    SET_NEXT g_root, 4, g_l1
    SET_NEXT g_l1, 0, g_l0
    SET_PTE g_l0, 0, g_rw, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D
    SET_PTE g_l0, 4, g_xo, PTE_V | PTE_X | PTE_U | PTE_A | PTE_D
    la t0, g_root
    srli t0, t0, 12
    li t1, SATP_MODE_SV39 | (1 << 44)
    or t0, t0, t1
    csrw CSR_HGATP, t0
    li s5, GPA_TOP
    la s6, g_rw
    li t0, 0x80000000
    sub s6, s6, t0
    add s5, s5, s6
    VTRY "VS load via root index 2047", PRV_S, 1, ld s4, 0(s5)
    PRINT "value", s4
    li t0, MSTATUS_MXR
    csrs mstatus, t0
    li s5, GPA_XO
    VTRY "VS load X-only GPA (mstatus.MXR)", PRV_S, 1, ld s4, 0(s5)
    PRINT "value", s4
    li t0, MSTATUS_MXR
    csrc mstatus, t0

    /* VS-stage: the image (S pages), VA_RW -> GPA_RW, VA_PTBAD's table at GPA_INV */
    li t0, G_GIGA(0x80000000) & ~PTE_U
    la t1, vs_root
    sd t0, 2*8(t1)
    SET_NEXT vs_root, 0, vs_l1
    SET_NEXT vs_l1, 0, vs_l0
    SET_PTE_PA vs_l1, 1, GPA_INV, PTE_V
    SET_PTE_PA vs_l0, 1, GPA_RW, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
    SET_PTE_PA vs_l0, 5, GPA_XO, PTE_V | PTE_R | PTE_X | PTE_A | PTE_D
    la t0, vs_root
    srli t0, t0, 12
    li t1, SATP_MODE_SV39
    or t0, t0, t1
    csrw CSR_VSATP, t0
    li s5, VA_PTBAD + 0x3000
    VTRY "VS load VA_PTBAD", PRV_S, 1, ld s4, 0(s5)
    PCSR "mtinst", CSR_MTINST
    VTRY "VS store VA_PTBAD", PRV_S, 1, sd s4, 0(s5)
    PCSR "mtinst", CSR_MTINST
    VTRY "VS fetch VA_PTBAD", PRV_S, 1, jalr ra, 0(s5)
    PCSR "mtinst", CSR_MTINST
    /* vsstatus.SUM, cleared by VS itself right after a read of a VS-stage U
     * page: the next read of it faults (QEMU 7.2 keeps the translation) */
    SET_PTE_PA vs_l0, 7, GPA_RW, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D
    li s6, MSTATUS_SUM
    csrs CSR_VSSTATUS, s6
    li s4, -1
    li s5, 0x7000
    j 1f
vs_sum_reads:                         /* in VS-mode: read, clear SUM, read */
    ld s4, 0(s5)
    csrc sstatus, s6
    ld s4, 8(s5)
    ret
1:  VTRY "VS load U page with SUM, clear SUM, load again", PRV_S, 1, call vs_sum_reads
    PRINT "value", s4
    csrc CSR_VSSTATUS, s6
    .option push
    .option arch, +h
    li t0, HSTATUS_SPVP
    csrw CSR_HSTATUS, t0
    li s5, 0x5000
    VTRY "hlvx.wu of a G-stage X-only page from HS", PRV_S, 0, hlvx.wu s4, (s5)
    PRINT "value", s4
    li t0, HSTATUS_HU
    csrw CSR_HSTATUS, t0
    li s5, VA_RW
    VTRY "hlv.d of a VS S page from U (HU, SPVP = U)", PRV_U, 0, hlv.d s4, (s5)
    csrw CSR_HSTATUS, zero
    .option pop

    /* Transformed instructions in mtinst/htinst: the immediate cleared, rs1 the
     * offset of the faulting address (0 here), bit 1 clear for a compressed one */
    csrw CSR_VSATP, zero
    li s5, GPA_INV
    VTRY "ld, GPA_INV", PRV_S, 1, ld s4, 0(s5)
    PCSR "mtinst", CSR_MTINST
    VTRY "sd 16(GPA_INV)", PRV_S, 1, sd s6, 16(s5)
    PCSR "mtinst", CSR_MTINST
    mv a1, s5
    VTRY "c.ld 8(GPA_INV)", PRV_S, 1, c.ld a0, 8(a1)
    PCSR "mtinst", CSR_MTINST
    VTRY "amoadd.d GPA_INV", PRV_S, 1, amoadd.d s4, s6, (s5)
    PCSR "mtinst", CSR_MTINST
    .option push
    .option arch, +h
    VTRY "hlv.d GPA_INV from HS", PRV_S, 0, hlv.d s4, (s5)
    PCSR "mtinst", CSR_MTINST
    .option pop
    li t0, 1 << CAUSE_LOAD_GUEST_PAGE_FAULT
    csrw medeleg, t0
    VTRY "ld GPA_INV, to HS", PRV_S, 1, ld s4, 0(s5)
    PCSR "htinst", CSR_HTINST
    csrw medeleg, zero
TEST_END
