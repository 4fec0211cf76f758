/* The CSRs of the profile besides the extensions' own: menvcfg and senvcfg
 * (which fields are writable: FIOM, CBIE, CBCFE, CBZE in both; PBMTE and
 * STCE in menvcfg; everything else reads zero; menvcfgh does not exist on
 * RV64; senvcfg is an S CSR, menvcfg an M CSR), the Zihpm counters
 * (mhpmcounter3..31 and mhpmevent3..31 are readable and writable in M
 * without trapping; what they read back is the implementation's choice,
 * zero or the value written, and is only checked to be one of those;
 * hpmcounter3..31 below M are gated by mcounteren and, for U, scounteren),
 * and mconfigptr (read-only: a write is illegal; it reads 0 on both).
 * CBIE written as 11 reads back 11 on both (a legal value).
 * Privileged spec 3.1.10 (hpm counters), 3.1.11 (mcounteren), 3.1.17
 * (mconfigptr), 3.1.18 (menvcfg), 4.1.10 (senvcfg); unprivileged "Zihpm".
 * QEMU implements mhpmcounter3..31 only up to its pmu-num.
 * qemu-cpu: rv64,svpbmt=true,sstc=true,pmu-num=29
 */
#include "test.h"

/* a0 := how many of the CSR accesses in the body trapped (traps quiet) */
.macro COUNT_TRAPS_BEGIN
    QUIET_TRAPS
    li a0, 0
.endm
.macro COUNTED insn:vararg
    CLEAR_LAST_TRAP
    \insn
    LAST_TRAP t0
    addi t0, t0, 1                    /* -1 (none) -> 0 */
    snez t0, t0
    add a0, a0, t0
.endm

TEST_BEGIN
    li t0, -1
    csrw menvcfg, t0
    csrr a0, menvcfg
    PRINT "menvcfg after writing all ones", a0
    csrw menvcfg, zero
    csrr a0, menvcfg
    PRINT "menvcfg after writing 0", a0
    li t0, -1
    csrw senvcfg, t0
    csrr a0, senvcfg
    PRINT "senvcfg after writing all ones", a0
    csrw senvcfg, zero
    csrr a0, senvcfg
    PRINT "senvcfg after writing 0", a0
    csrr a0, 0x31a                    /* menvcfgh: RV32 only */

    ENTER_MODE PRV_S, 1f
1:  TRY "S csrr senvcfg", csrr a1, senvcfg
    TRY "S csrw senvcfg", csrw senvcfg, zero
    TRY "S csrr menvcfg", csrr a1, menvcfg
    TRY "S csrr mconfigptr", csrr a1, mconfigptr
    RETURN_TO_M
    ENTER_MODE PRV_U, 2f
2:  TRY "U csrr senvcfg", csrr a1, senvcfg
    RETURN_TO_M
    PRINT_TRIES

    PRINT_CSR "mconfigptr", mconfigptr
    TRY "csrw mconfigptr", csrw mconfigptr, zero
    PRINT_TRIES

    /* Zihpm in M: every counter and event selector, written and read */
    li s1, 0x0123456789abcdef
    li s2, 0
    COUNT_TRAPS_BEGIN
    .irp n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    COUNTED csrw mhpmcounter\n, s1
    COUNTED csrr t1, mhpmcounter\n
    sub t2, t1, s1                    /* 0 or the value written */
    snez t2, t2
    snez t1, t1
    and t1, t1, t2
    add s2, s2, t1
    COUNTED csrw mhpmcounter\n, zero
    COUNTED csrw mhpmevent\n, s1
    COUNTED csrr t1, mhpmevent\n
    COUNTED csrw mhpmevent\n, zero
    .endr
    PRINT_TRAPS
    PRINT "mhpmcounter3..31, mhpmevent3..31: trapping accesses", a0
    PRINT "mhpmcounter3..31 reading neither 0 nor the value written", s2

    /* hpmcounter3..31 below M */
    csrw mcounteren, zero
    csrw scounteren, zero
    ENTER_MODE PRV_S, 3f
3:  COUNT_TRAPS_BEGIN
    .irp n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    COUNTED csrr t1, hpmcounter\n
    .endr
    mv s3, a0
    RETURN_TO_M
    li t0, -1
    csrw mcounteren, t0
    ENTER_MODE PRV_S, 4f
4:  COUNT_TRAPS_BEGIN
    .irp n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    COUNTED csrr t1, hpmcounter\n
    .endr
    mv s4, a0
    RETURN_TO_M
    ENTER_MODE PRV_U, 5f
5:  COUNT_TRAPS_BEGIN
    .irp n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    COUNTED csrr t1, hpmcounter\n
    .endr
    mv s5, a0
    RETURN_TO_M
    li t0, -1
    csrw scounteren, t0
    ENTER_MODE PRV_U, 6f
6:  COUNT_TRAPS_BEGIN
    .irp n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    COUNTED csrr t1, hpmcounter\n
    .endr
    mv s6, a0
    RETURN_TO_M
    PRINT_TRAPS
    csrw mcounteren, zero
    csrw scounteren, zero
    PRINT "S hpmcounter3..31 reads trapping, mcounteren 0", s3
    PRINT "S hpmcounter3..31 reads trapping, mcounteren all", s4
    PRINT "U hpmcounter3..31 reads trapping, scounteren 0", s5
    PRINT "U hpmcounter3..31 reads trapping, both all", s6
TEST_END
