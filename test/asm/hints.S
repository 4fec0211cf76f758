/* HINTs of the profile: PAUSE (Zihintpause) and PREFETCH.I/R/W (Zicbop)
 * never trap and change no architectural state. PAUSE is a FENCE with
 * pred = W, succ = 0: it is not WFI, so mstatus.TW does not make it illegal
 * in U-mode. A prefetch is an ORI with rd = x0; its effective address is
 * rs1 + imm (imm[4:0] = 0), and a prefetch to an address that a load,
 * store or fetch could not access (no memory, PMP denial, an invalid PTE,
 * a U page from S) raises nothing. A prefetch does not set the D bit (it
 * does not check A/D; A may be set speculatively, so A is not printed).
 * QEMU 7.2's default CPU has Zihintpause and decodes the prefetches as ORI.
 * Unprivileged spec: "Zihintpause" Extension for Pause Hint, Version 2.0;
 * CMO spec 1.0.0: Zicbop, "Page-Fault, Guest-Page-Fault, and Access-Fault
 * Exceptions". */
#include "test.h"
#include "paging.h"

    .option arch, +zihintpause, +zicbop

#define VA_RW    0x1000        /* S RW page with D = 0 */
#define VA_INV   0x2000        /* invalid PTE */
#define VA_USER  0x3000        /* a U page */

    .bss
    .align 12
root:   .skip 4096
l1_img: .skip 4096
l0_img: .skip 4096
l1_low: .skip 4096
l0_low: .skip 4096
    .data
    .align 12
pg_rw:  .dword 0x1111111111111111
    .align 12
pg_none: .dword 0x2222222222222222    /* PMP: no access for S/U */
    .align 12

/* all prefetches of one base register, several offsets */
.macro PREFETCHES base
    prefetch.i 0(\base)
    prefetch.r 0(\base)
    prefetch.w 0(\base)
    prefetch.i -2048(\base)
    prefetch.r 2016(\base)
    prefetch.w -32(\base)
.endm

    .text
build_tables:
    MAP_IMAGE_L0 l0_img
    SET_NEXT l1_img, 0, l0_img
    SET_NEXT root, 2, l1_img
    SET_NEXT root, 0, l1_low
    SET_NEXT l1_low, 0, l0_low
    SET_PTE l0_low, 1, pg_rw, PTE_V | PTE_R | PTE_W | PTE_A
    SET_PTE l0_low, 3, pg_rw, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D
    ret

TEST_BEGIN
    /* M-mode, no translation: registers other than x0 are not written */
    li s0, 0x80001000
    li s1, UNMAPPED_ADDR
    li s2, -64
    mv a0, s0
    mv a1, s1
    mv a2, s2
    pause
    PREFETCHES s0
    PREFETCHES s1
    PREFETCHES s2
    sub a0, a0, s0
    sub a1, a1, s1
    sub a2, a2, s2
    or a0, a0, a1
    or a0, a0, a2
    PRINT "M: registers changed by pause/prefetch", a0

    /* S-mode and U-mode, no translation; the PMP denies pg_none */
    la t0, pg_none
    srli t0, t0, 2
    ori t0, t0, 0x1ff                 /* NAPOT 4 KiB */
    csrw pmpaddr0, t0
    li t0, -1
    csrw pmpaddr1, t0
    li t0, ((PMP_NAPOT | PMP_R | PMP_W | PMP_X) << 8) | PMP_NAPOT
    csrw pmpcfg0, t0
    li t0, MSTATUS_TW
    csrs mstatus, t0
    la s3, pg_none
    ENTER_MODE PRV_S, 1f
1:  pause
    PREFETCHES s1
    PREFETCHES s3
    RETURN_TO_M
    PUTS "S: no trap\n"
    ENTER_MODE PRV_U, 2f
2:  pause                             /* TW = 1: still not WFI */
    PREFETCHES s1
    PREFETCHES s3
    RETURN_TO_M
    PUTS "U: no trap, TW=1\n"
    li t0, MSTATUS_TW
    csrc mstatus, t0
    ld t0, 0(s3)
    PRINT "pg_none unchanged", t0

    /* S and U under Sv39 */
    call build_tables
    SET_SATP SATP_MODE_SV39, root
    li s4, VA_RW
    li s5, VA_INV
    li s6, VA_USER
    ENTER_MODE PRV_S, 3f
3:  PREFETCHES s4
    PREFETCHES s5                     /* invalid PTE */
    PREFETCHES s6                     /* U page from S, SUM = 0 */
    pause
    RETURN_TO_M
    PUTS "S under Sv39: no trap\n"
    la t0, l0_low
    ld t0, 8(t0)
    andi t0, t0, PTE_D
    PRINT "PTE.D of VA_RW after prefetch.w", t0
    ENTER_MODE PRV_U, 4f
    U_CODE
4:  PREFETCHES s4                     /* S page from U */
    PREFETCHES s5
    pause
    END_U_CODE
    PUTS "U under Sv39: no trap\n"
    csrw satp, zero
    sfence.vma
TEST_END
