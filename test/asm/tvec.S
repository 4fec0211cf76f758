/* Trap vector modes: with mtvec/stvec MODE = Direct every trap goes to BASE;
 * with MODE = Vectored, synchronous exceptions still go to BASE and an
 * interrupt with cause i goes to BASE + 4*i. Each vector entry here loads
 * its own number into s11 (M) or s10 (S), which rt_mtrap/rt_strap keep, and
 * joins the shared handler, so the signature says which entry was used.
 * Privileged spec 3.1.7 (mtvec), 4.1.2 (stvec). */
#include "test.h"

    .text
    .option push
    .option norvc                     /* one 4-byte instruction per entry */
/* mtvec table: entry i = "li s11, 0x100+i; j rt_mtrap" through a stub */
    .align 8
m_vectors:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11
    j m_stub_\n
    .endr
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11
m_stub_\n:
    li s11, 0x100 + \n
    j rt_mtrap
    .endr

    .align 8
s_vectors:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11
    j s_stub_\n
    .endr
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11
s_stub_\n:
    li s10, 0x200 + \n
    j rt_strap
    .endr
    .option pop

TEST_BEGIN
    /* mode read back */
    la t0, m_vectors
    ori t0, t0, 1
    csrw mtvec, t0
    csrr a0, mtvec
    la t1, m_vectors
    sub a0, a0, t1
    PRINT "mtvec - base (vectored)", a0
    la t0, s_vectors
    ori t0, t0, 1
    csrw stvec, t0
    csrr a0, stvec
    la t1, s_vectors
    sub a0, a0, t1
    PRINT "stvec - base (vectored)", a0

    /* vectored M: exceptions use entry 0 */
    li s11, 0
    ebreak
    PRINT "ebreak: entry", s11
    li s11, 0
    li a7, 0
    ecall
    PRINT "ecall: entry", s11
    /* interrupts use entry = cause */
    li s11, 0
    li t0, CLINT_MSIP
    li t1, 1
    sw t1, 0(t0)
    csrsi mie, MIP_MSIP
    csrsi mstatus, MSTATUS_MIE
    nop
    csrci mstatus, MSTATUS_MIE
    PRINT "MSI: entry", s11
    li s11, 0
    li t0, CLINT_MTIMECMP
    sd zero, 0(t0)
    li t0, MIP_MTIP
    csrw mie, t0
    csrsi mstatus, MSTATUS_MIE
    nop
    csrci mstatus, MSTATUS_MIE
    PRINT "MTI: entry", s11
    li s11, 0
    csrsi mip, MIP_SSIP
    csrwi mie, MIP_SSIP
    csrsi mstatus, MSTATUS_MIE
    nop
    csrci mstatus, MSTATUS_MIE
    PRINT "SSI at M: entry", s11
    csrw mie, zero

    /* vectored S: a delegated exception and delegated SSI/STI from U */
    li t0, (1 << CAUSE_BREAKPOINT)
    csrw medeleg, t0
    li t0, MIP_SSIP | MIP_STIP
    csrw mideleg, t0
    csrw mie, t0
    ENTER_MODE PRV_U, 1f
1:  li s10, 0
    ebreak
    mv s9, s10
    RETURN_TO_M
    PRINT "ebreak in U to S: entry", s9
    csrsi mip, MIP_SSIP
    ENTER_MODE PRV_U, 2f
2:  nop                               /* taken at 2f */
    mv s9, s10
    RETURN_TO_M
    PRINT "SSI to S: entry", s9
    li t0, MIP_STIP
    csrs mip, t0
    ENTER_MODE PRV_U, 3f
3:  nop
    mv s9, s10
    RETURN_TO_M
    PRINT "STI to S: entry", s9

    /* back to direct mode: interrupts go to BASE as well */
    la t0, s_vectors
    csrw stvec, t0
    csrsi mip, MIP_SSIP
    ENTER_MODE PRV_U, 4f
4:  nop
    mv s9, s10
    RETURN_TO_M
    PRINT "SSI to S, direct: entry", s9
    la t0, m_vectors
    csrw mtvec, t0
    csrw mie, zero
    csrw mideleg, zero
    li t0, CLINT_MSIP
    li t1, 1
    sw t1, 0(t0)
    csrsi mie, MIP_MSIP
    csrsi mstatus, MSTATUS_MIE
    nop
    csrci mstatus, MSTATUS_MIE
    PRINT "MSI, direct: entry", s11
    la t0, rt_mtrap
    csrw mtvec, t0
TEST_END
