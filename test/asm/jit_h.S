/* The JIT with V=1 (docs/hart.md, "JIT"): code is keyed by host-physical page and
 * entered only through the fetch TLB, whose V=1 entries hold both stages. Here
 * the same physical code runs in VS-mode through two guest physical aliases of a
 * G-stage Sv39x4 (vsatp Bare) and through the identity gigapage; the guest patches
 * it through one alias (a store through both stages) after it became hot; HS
 * remaps one alias with HFENCE.GVMA; and a hot VS loop of loads walks into a
 * G-stage hole and takes a guest-page fault to M (mcause 21, mtval, mtval2).
 * test/hart/jit.test.ts runs it with the JIT on against the interpreter and also
 * compares minstret at the fault (jith_instret).
 * Privileged spec 1.12, 8.5 (two-stage translation), 8.3.2 (HFENCE.GVMA).
 * qemu-cpu: rv64,h=true
 * cellvisor-cpu: rva22h */
#include "test.h"
#include "paging.h"

#define G_GIGA(pa)  ((((pa) >> 12) << 10) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D)
#define G_RWXU      (PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D)
#define GPA_BASE    0x100000000     /* root index 4: 4 KiB G-stage pages from here */
#define GPA_ONE     (GPA_BASE + 0x1000)    /* -> fn */
#define GPA_TWO     (GPA_BASE + 0x2000)    /* -> fn, later fn2 */
#define GPA_DATA    (GPA_BASE + 0x3000)    /* -> buf */
#define GPA_HOLE    (GPA_BASE + 0x4000)    /* invalid: guest-page fault */
#define N 300
#define ADDI_A0_3   0x00350513      /* addi a0, a0, 3 */

    .bss
    .align 14
g_root: .skip 16384
    .align 12
g_l1:   .skip 4096
g_l0:   .skip 4096

    .data
    .align 3
/* What m_trap saw at the last trap from VS, and where it continues in M. */
jith_cause:   .dword 0
jith_tval:    .dword 0
jith_tval2:   .dword 0
jith_epc:     .dword 0
jith_instret: .dword 0
jith_cont:    .dword 0
    .align 12
/* a0 := a0 + N * (the addi's immediate) by a loop; a1 := this function's pc, as
 * mapped; a2 := a link. 32-bit encodings so that the patch is one word. */
    .option push
    .option norvc
fn:     li t1, N
1:
fn_patch:
        addi a0, a0, 1
        addi t1, t1, -1
        bnez t1, 1b
        auipc a1, 0
        jal a2, 2f
2:      ret
    .align 12
fn2:    li t1, N
1:      addi a0, a0, 2
        addi t1, t1, -1
        bnez t1, 1b
        auipc a1, 0
        jal a2, 2f
2:      ret
    .option pop
    .align 12
buf:    .fill 512, 8, 3
    .align 12

    .text
/* From M: run the code at label in VS-mode (V=1, vsatp Bare); m_trap comes back
 * to M at the next instruction after the guest's ECALL or fault. Clobbers t0, t1. */
.macro VS_RUN label
    la t0, jith_cont
    la t1, .Lback\@
    sd t1, 0(t0)
    li t0, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MPV
    csrc mstatus, t0
    li t0, (PRV_S << MSTATUS_MPP_SHIFT) | MSTATUS_MPV
    csrs mstatus, t0
    la t0, \label
    csrw mepc, t0
    mret
.Lback\@:
.endm

/* Every trap from VS comes here (nothing is delegated): record it, back to M. */
    .align 2
m_trap:
    csrw mscratch, t6
    la t6, jith_cause
    csrr t5, mcause
    sd t5, 0(t6)
    csrr t5, mtval
    sd t5, 8(t6)
    csrr t5, mtval2
    sd t5, 16(t6)
    csrr t5, mepc
    sd t5, 24(t6)
    csrr t5, minstret
    sd t5, 32(t6)
    ld t5, 40(t6)
    csrw mepc, t5
    /* back to M with V = 0 (MPV cleared: QEMU 7.2's MRET to M would set V) */
    li t5, MSTATUS_MPV
    csrc mstatus, t5
    li t5, MSTATUS_MPP
    csrs mstatus, t5
    csrr t6, mscratch
    mret

/* s2 calls of the function at address s3; the sums in a0, the last a1, a2 */
calls:
    mv s4, ra
    li a0, 0
1:  jalr s3
    addi s2, s2, -1
    bnez s2, 1b
    mv ra, s4
    ret

/* VS: both aliases */
vs_both:
    li s2, N
    li s3, GPA_ONE
    call calls
    mv s5, a0
    mv s6, a1
    mv s7, a2
    li s2, N
    li s3, GPA_TWO
    call calls
    mv s8, a0
    mv s9, a1
    mv s10, a2
    li a7, 0
    ecall

/* VS: patch fn through GPA_ONE, then run it through GPA_TWO and the identity map */
vs_patch:
    la t0, fn_patch
    la t1, fn
    sub t0, t0, t1
    li t1, GPA_ONE
    add t0, t0, t1
    li t2, ADDI_A0_3
    sw t2, 0(t0)
    fence.i
    li s2, N
    li s3, GPA_TWO
    call calls
    mv s5, a0
    mv s6, a1
    li s2, N
    la s3, fn
    call calls
    mv s8, a0
    mv s9, a1
    li a7, 0
    ecall

/* VS: sum the dwords from GPA_DATA on, until the load faults at GPA_HOLE */
vs_walk:
    li s3, GPA_DATA
    li a0, 0
1:
vs_walk_load:
    ld t0, 0(s3)
    add a0, a0, t0
    addi s3, s3, 8
    j 1b

TEST_BEGIN
    la t0, m_trap
    csrw mtvec, t0
    /* G-stage: the image by a gigapage at GPA = PA; 4 KiB pages at GPA_BASE */
    li t0, G_GIGA(0x80000000)
    la t1, g_root
    sd t0, 2*8(t1)
    SET_NEXT g_root, 4, g_l1
    SET_NEXT g_l1, 0, g_l0
    SET_PTE g_l0, 1, fn, G_RWXU
    SET_PTE g_l0, 2, fn, G_RWXU
    SET_PTE g_l0, 3, buf, G_RWXU
    la t0, g_root
    srli t0, t0, 12
    li t1, SATP_MODE_SV39 | (1 << 44)
    or t0, t0, t1
    csrw CSR_HGATP, t0
    .option push
    .option arch, +h
    hfence.gvma
    .option pop

    VS_RUN vs_both
    PRINT2 "through GPA_ONE: sum, auipc", s5, s6
    PRINT "through GPA_ONE: link", s7
    PRINT2 "through GPA_TWO: sum, auipc", s8, s9
    PRINT "through GPA_TWO: link", s10
    la t0, jith_cause
    ld a0, 0(t0)
    PRINT "ecall from VS: mcause", a0

    VS_RUN vs_patch
    PRINT2 "patched, through GPA_TWO: sum, auipc", s5, s6
    la t0, fn
    sub s9, s9, t0
    PRINT2 "patched, through the identity map: sum, auipc - fn", s8, s9

    /* GPA_TWO now maps fn2 */
    SET_PTE g_l0, 2, fn2, G_RWXU
    .option push
    .option arch, +h
    hfence.gvma
    .option pop
    VS_RUN vs_both
    PRINT2 "remapped, GPA_ONE: sum, auipc", s5, s6
    PRINT2 "remapped, GPA_TWO: sum, auipc", s8, s9

    VS_RUN vs_walk
    PRINT "walk: sum", a0
    la s1, jith_cause
    ld a0, 0(s1)
    ld a1, 8(s1)
    PRINT2 "walk: mcause, mtval", a0, a1
    ld a0, 16(s1)
    PRINT "walk: mtval2", a0
    ld a0, 24(s1)
    la t0, vs_walk_load
    sub a0, a0, t0
    PRINT "walk: mepc - vs_walk_load", a0
TEST_END
