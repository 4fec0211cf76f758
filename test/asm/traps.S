/* Synchronous exceptions taken into M-mode, from M, S and U: illegal
 * instruction (unknown opcodes, reserved funct fields, xRET above the
 * current privilege), breakpoint (EBREAK, C.EBREAK), environment calls from
 * U, S and M, load/store/AMO and fetch access faults (addresses with nothing
 * behind them), with mcause, mepc, mtval and mstatus.MPP as printed by
 * rt_mtrap; and the mstatus.MIE/MPIE/MPP stack on trap entry and on MRET.
 * Misaligned accesses are in misaligned.S, page faults in sv39.S/sv48.S,
 * PMP faults in pmp.S, FP-disabled traps in fp_state.S.
 * Privileged spec 3.1.6.1 (privilege and global interrupt-enable stack),
 * 3.1.15 (mcause and the exception codes), 3.1.16 (mtval), 3.3.1 (ECALL,
 * EBREAK), 3.3.2 (MRET), 3.6.1 (physical memory attributes: access faults). */
#include "test.h"

    .text
/* Record mstatus at trap entry in s11, then go on as rt_mtrap. */
    .align 2
snap_trap:
    csrr s11, mstatus
    j rt_mtrap

TEST_BEGIN
    /* illegal instructions in M */
    .word 0x0000000b                  /* custom-0 opcode: nothing there */
    .word 0xfe000033                  /* OP with funct7 = 0x7f */
    .word 0x0000705b                  /* custom-2 */
    .word 0x02000057                  /* OP-V: no V extension */
    unimp
    PUTS "illegal instructions: done\n"

    /* breakpoints and ecall from M */
    ebreak
    c.ebreak
    li a7, 0
    ecall
    PUTS "ebreak/ecall in M: done\n"

    /* access faults: loads, stores and AMOs to an address nothing answers */
    li a1, UNMAPPED_ADDR
    lb a0, 0(a1)
    lhu a0, 2(a1)
    lw a0, 4(a1)
    ld a0, 8(a1)
    fld fa0, 16(a1)
    sb a0, 1(a1)
    sh a0, 2(a1)
    sw a0, 4(a1)
    sd a0, 8(a1)
    fsw fa0, 24(a1)
    lr.d a0, (a1)
    /* an AMO faults as a store (cause 7); QEMU 7.2 reports a load fault (5) */
    QUIET_TRAPS
    CLEAR_LAST_TRAP
    amoadd.w a0, a0, (a1)
    CHECK_LAST_TRAP "amoadd.w", CAUSE_STORE_ACCESS, CAUSE_LOAD_ACCESS
    CLEAR_LAST_TRAP
    amoswap.d a0, a0, (a1)
    CHECK_LAST_TRAP "amoswap.d", CAUSE_STORE_ACCESS, CAUSE_LOAD_ACCESS
    PRINT_TRAPS
    PUTS "data access faults: done\n"

    /* fetch access faults: jumping to nothing; mepc = mtval = the target */
    SET_RESUME 2f
    li a1, UNMAPPED_ADDR + 0x100
    jalr ra, 0(a1)
2:  SET_RESUME 3f
    li a1, UNMAPPED_ADDR + 0x42
    jr a1
3:  PUTS "fetch access faults: done\n"

    /* the MIE/MPIE/MPP stack: MIE=1 -> trap: MPIE=1, MIE=0, MPP=M;
     * MRET: MIE=MPIE, MPIE=1, MPP=U (the least-privileged mode) */
    la t0, snap_trap
    csrw mtvec, t0
    csrsi mstatus, MSTATUS_MIE        /* (mie is 0: nothing can interrupt) */
    li a7, 0
    ecall
    csrr s10, mstatus
    li t0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP
    and s11, s11, t0
    and s10, s10, t0
    PRINT2 "mstatus (in trap, after mret), MIE was 1", s11, s10
    csrci mstatus, MSTATUS_MIE
    ebreak
    csrr s10, mstatus
    li t0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP
    and s11, s11, t0
    and s10, s10, t0
    PRINT2 "mstatus (in trap, after mret), MIE was 0", s11, s10

    la t0, rt_mtrap
    csrw mtvec, t0

    /* exceptions in S-mode go to M when not delegated: MPP = S */
    ENTER_MODE PRV_S, 4f
4:  ebreak
    li a7, 0
    ecall
    .word 0x0000000b
    mret                              /* above S: illegal */
    li a1, UNMAPPED_ADDR
    ld a0, 0(a1)
    sd a0, 0(a1)
    RETURN_TO_M

    /* and from U: MPP = U; SRET and MRET are illegal */
    ENTER_MODE PRV_U, 5f
5:  ebreak
    c.ebreak
    li a7, 0
    ecall
    sret
    mret
    csrr a0, sscratch
    li a1, UNMAPPED_ADDR
    lw a0, 0(a1)
    sw a0, 0(a1)
    RETURN_TO_M
    /* a fetch fault in U: resumes in U at 6f */
    ENTER_MODE PRV_U, 7f
7:  SET_RESUME 6f
    li a1, UNMAPPED_ADDR + 0x200
    jalr a1
6:  RETURN_TO_M
    PUTS "back in M\n"
TEST_END
