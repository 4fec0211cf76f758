/* Cache-block operations, block size 64 bytes: CBO.ZERO (Zicboz) stores
 * zeros to the whole naturally aligned block that holds rs1 (rs1 need not
 * be aligned); CBO.CLEAN, CBO.FLUSH and CBO.INVAL (Zicbom) change no value
 * a later load can see once the block was cleaned or flushed (the Load
 * Value axiom's rules for invalidates: an INVAL after a FLUSH leaves the
 * flushed data).
 * Below M they are enabled by menvcfg (S and U) and senvcfg (U): CBIE 00
 * makes CBO.INVAL illegal, 01 makes it a flush, 11 an invalidate, 10 is
 * reserved (CBIE is WARL: it never reads back as 10); CBCFE gates CBO.CLEAN
 * and CBO.FLUSH, CBZE gates CBO.ZERO; M-mode ignores both registers. The
 * illegal-instruction check comes before address translation.
 * Address checks: a management CBO needs load or store permission (a
 * read-only page, or with MXR an execute-only one, is enough), CBO.ZERO
 * needs store permission; a denial is a store page fault (15) or a store
 * access fault (7), with tval = rs1, the faulting effective address, not
 * the block's base. A management CBO does not set the D bit. MPRV applies
 * to them like to stores. PMP (access fault) and the absence of memory.
 * CMO spec 1.0.0 ("Traps", "Control and Status Register State", the
 * instructions); privileged spec 3.1.18 (menvcfg), 4.1.10 (senvcfg).
 * hand-written: QEMU 7.2 has no Zicbom/Zicboz
 */
#include "test.h"
#include "paging.h"

    .option arch, +zicbom, +zicboz

#define CB_ALL   (ENVCFG_CBIE_INVAL | ENVCFG_CBCFE | ENVCFG_CBZE)

#define VA_RW    0x1000        /* S RW, A, D */
#define VA_RO    0x2000        /* S R, A */
#define VA_CLEAN 0x3000        /* S RW, A, D = 0 */
#define VA_XO    0x4000        /* S X, A */
#define VA_USER  0x5000        /* U RW, A, D */
#define VA_INV   0x6000        /* V = 0 */
#define VA_PMP_R 0x7000        /* S RW, A, D; PMP: R only */
#define VA_PMP_NONE 0x8000     /* S RW, A, D; PMP: nothing */
#define VA_NONCANONICAL 0x8000000000

    .data
    .align 12
buf:     .fill 512, 1, 0xa5
    .align 12
pg_rw:   .fill 4096, 1, 0xa5
pg_ro:   .dword 0x2222222222222222
    .align 12
pg_clean: .dword 0x3333333333333333
    .align 12
pg_xo:   ret
    .align 12
pg_user: .fill 4096, 1, 0xa5
pg_pmp_r: .dword 0x7777777777777777
    .align 12
pg_pmp_none: .dword 0x8888888888888888
    .align 12

    .bss
    .align 12
root:   .skip 4096
l1_img: .skip 4096
l0_img: .skip 4096
l1_low: .skip 4096
l0_low: .skip 4096

    .text
/* a0 := the number of zero bytes in [a0, a0 + a1), a1 := the offset of the
 * first one (-1 if none). Clobbers t0-t2. */
count_zeros:
    li t0, 0
    li t1, -1
    li t2, 0
1:  beq t2, a1, 3f
    add t3, a0, t2
    lbu t3, 0(t3)
    bnez t3, 2f
    addi t0, t0, 1
    bgez t1, 2f
    mv t1, t2
2:  addi t2, t2, 1
    j 1b
3:  mv a0, t0
    mv a1, t1
    ret

/* "name=<zero bytes> <first zero offset>" for [base, base + len) */
.macro PRINT_ZEROS name, base, len
    la a0, \base
    li a1, \len
    call count_zeros
    PRINT2 "\name", a0, a1
.endm

/* the four CBOs on the block of register base, each one TRY */
.macro CBO_ALL what, base
    TRY "\what cbo.inval", cbo.inval 0(\base)
    TRY "\what cbo.clean", cbo.clean 0(\base)
    TRY "\what cbo.flush", cbo.flush 0(\base)
    TRY "\what cbo.zero", cbo.zero 0(\base)
.endm

/* menvcfg := m, senvcfg := s */
.macro ENVCFG m, s
    li t0, \m
    csrw menvcfg, t0
    li t0, \s
    csrw senvcfg, t0
.endm

build_tables:
    MAP_IMAGE_L0 l0_img
    SET_NEXT l1_img, 0, l0_img
    SET_NEXT root, 2, l1_img
    SET_NEXT root, 0, l1_low
    SET_NEXT l1_low, 0, l0_low
    SET_PTE l0_low, 1, pg_rw, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
    SET_PTE l0_low, 2, pg_ro, PTE_V | PTE_R | PTE_A
    SET_PTE l0_low, 3, pg_clean, PTE_V | PTE_R | PTE_W | PTE_A
    SET_PTE l0_low, 4, pg_xo, PTE_V | PTE_X | PTE_A
    SET_PTE l0_low, 5, pg_user, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D
    SET_PTE l0_low, 7, pg_pmp_r, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
    SET_PTE l0_low, 8, pg_pmp_none, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
    ret

TEST_BEGIN
    /* M-mode: menvcfg does not apply */
    ENVCFG 0, 0
    la s0, buf
    addi s1, s0, 0x65
    TRY "M cbo.zero buf+0x65", cbo.zero 0(s1)
    addi s1, s0, 0xbf
    TRY "M cbo.zero buf+0xbf", cbo.zero 0(s1)
    PRINT_TRIES
    PRINT_ZEROS "buf: zero bytes, first at", buf, 512
    ld a0, 0x38(s0)
    ld a1, 0x40(s0)
    PRINT2 "buf+0x38 buf+0x40", a0, a1
    ld a0, 0xb8(s0)
    ld a1, 0xc0(s0)
    PRINT2 "buf+0xb8 buf+0xc0", a0, a1

    li s2, 0x0123456789abcdef
    sd s2, 0x1c8(s0)
    addi s1, s0, 0x1c3
    TRY "M cbo.clean buf+0x1c3", cbo.clean 0(s1)
    ld s3, 0x1c8(s0)
    TRY "M cbo.flush buf+0x1c3", cbo.flush 0(s1)
    TRY "M cbo.inval buf+0x1c3", cbo.inval 0(s1)
    ld s4, 0x1c8(s0)
    PRINT_TRIES
    PRINT "buf+0x1c8 after sd, cbo.clean", s3
    PRINT "buf+0x1c8 after cbo.flush, cbo.inval", s4

    /* S-mode: each field of menvcfg enables its instructions */
    addi s1, s0, 0x105
    ENVCFG 0, CB_ALL
    ENTER_MODE PRV_S, 1f
1:  CBO_ALL "S, menvcfg 0:", s1
    RETURN_TO_M
    ENVCFG ENVCFG_CBIE_FLUSH, 0
    ENTER_MODE PRV_S, 2f
2:  CBO_ALL "S, menvcfg CBIE 01:", s1
    RETURN_TO_M
    ENVCFG ENVCFG_CBCFE, 0
    ENTER_MODE PRV_S, 3f
3:  CBO_ALL "S, menvcfg CBCFE:", s1
    RETURN_TO_M
    ENVCFG ENVCFG_CBZE, 0
    ENTER_MODE PRV_S, 4f
4:  CBO_ALL "S, menvcfg CBZE:", s1
    RETURN_TO_M
    ENVCFG CB_ALL, 0
    ENTER_MODE PRV_S, 5f
5:  CBO_ALL "S, menvcfg CBIE 11 CBCFE CBZE:", s1
    RETURN_TO_M
    PRINT_TRIES
    PRINT_ZEROS "buf+0x100..0x200: zero bytes, first at", buf + 0x100, 0x100

    /* with CBIE = 01, CBO.INVAL flushes: the data stays */
    ENVCFG ENVCFG_CBIE_FLUSH, 0
    li s2, 0x1111222233334444
    addi s1, s0, 0x180
    ENTER_MODE PRV_S, 6f
6:  sd s2, 0(s1)
    cbo.inval 0(s1)
    ld s3, 0(s1)
    RETURN_TO_M
    PRINT "S, CBIE 01: buf+0x180 after sd, cbo.inval", s3

    /* U-mode: menvcfg and senvcfg both */
    addi s1, s0, 0x1c0
    ENVCFG CB_ALL, 0
    ENTER_MODE PRV_U, 7f
7:  CBO_ALL "U, menvcfg all, senvcfg 0:", s1
    RETURN_TO_M
    ENVCFG CB_ALL, ENVCFG_CBIE_FLUSH | ENVCFG_CBCFE | ENVCFG_CBZE
    ENTER_MODE PRV_U, 8f
8:  CBO_ALL "U, menvcfg all, senvcfg all:", s1
    RETURN_TO_M
    ENVCFG 0, CB_ALL
    ENTER_MODE PRV_U, 9f
9:  CBO_ALL "U, menvcfg 0, senvcfg all:", s1
    RETURN_TO_M
    ENVCFG ENVCFG_CBIE_FLUSH | ENVCFG_CBZE, ENVCFG_CBIE_INVAL | ENVCFG_CBCFE
    ENTER_MODE PRV_U, 10f
10: CBO_ALL "U, menvcfg CBIE 01 CBZE, senvcfg CBIE 11 CBCFE:", s1
    RETURN_TO_M
    PRINT_TRIES

    /* CBIE is WARL and 10 is reserved: it does not read back as 10 */
    ENVCFG ENVCFG_CBIE_FLUSH, ENVCFG_CBIE_FLUSH
    li t0, 2 << 4
    csrw menvcfg, t0
    csrw senvcfg, t0
    csrr a0, menvcfg
    srli a0, a0, 4
    andi a0, a0, 3
    addi a0, a0, -2
    seqz a0, a0
    PRINT "menvcfg.CBIE reads 10 after writing 10", a0
    csrr a0, senvcfg
    srli a0, a0, 4
    andi a0, a0, 3
    addi a0, a0, -2
    seqz a0, a0
    PRINT "senvcfg.CBIE reads 10 after writing 10", a0

    /* S-mode under Sv39: translation and permissions */
    call build_tables
    SET_SATP SATP_MODE_SV39, root
    ENVCFG 0, 0
    li s1, VA_INV
    ENTER_MODE PRV_S, 11f
11: TRY "S, menvcfg 0: cbo.zero on an invalid page", cbo.zero 0(s1)
    RETURN_TO_M
    ENVCFG CB_ALL, 0
    ENTER_MODE PRV_S, 12f
12: li s1, VA_RW + 0x47
    TRY "S cbo.zero VA_RW+0x47", cbo.zero 0(s1)
    li s1, VA_RO + 0x10
    CBO_ALL "S, read-only page:", s1
    li s1, VA_INV + 0x123
    CBO_ALL "S, invalid page:", s1
    li s1, VA_CLEAN + 8
    TRY "S, D = 0: cbo.clean", cbo.clean 0(s1)
    TRY "S, D = 0: cbo.flush", cbo.flush 0(s1)
    TRY "S, D = 0: cbo.inval", cbo.inval 0(s1)
    li s1, VA_XO + 0x40
    TRY "S, execute-only page: cbo.zero", cbo.zero 0(s1)
    li t0, MSTATUS_MXR
    csrs sstatus, t0
    TRY "S, execute-only page, MXR: cbo.clean", cbo.clean 0(s1)
    TRY "S, execute-only page, MXR: cbo.zero", cbo.zero 0(s1)
    li t0, MSTATUS_MXR
    csrc sstatus, t0
    li s1, VA_USER + 0x80
    TRY "S, U page, SUM 0: cbo.clean", cbo.clean 0(s1)
    TRY "S, U page, SUM 0: cbo.zero", cbo.zero 0(s1)
    li t0, MSTATUS_SUM
    csrs sstatus, t0
    TRY "S, U page, SUM 1: cbo.zero", cbo.zero 0(s1)
    li t0, MSTATUS_SUM
    csrc sstatus, t0
    li s1, VA_NONCANONICAL
    TRY "S, non-canonical address: cbo.zero", cbo.zero 0(s1)
    TRY "S, non-canonical address: cbo.flush", cbo.flush 0(s1)
    RETURN_TO_M
    PRINT_TRIES
    PRINT_ZEROS "pg_rw: zero bytes, first at", pg_rw, 4096
    PRINT_ZEROS "pg_user: zero bytes, first at", pg_user, 4096
    la t0, l0_low
    ld a0, 3 * 8(t0)
    andi a0, a0, PTE_D
    PRINT "PTE.D of VA_CLEAN after clean, flush, inval", a0

    /* M-mode with MPRV = 1, MPP = S: translated and checked as S. (A trap
     * from M sets MPP to M and MRET then to U, so the runtime's memory is
     * only touched again after MPRV is cleared.) */
    li s1, VA_RW + 0x100
    li s2, VA_RO + 0x104
    li s3, MSTATUS_MPRV | MSTATUS_MPP
    li s4, MSTATUS_MPRV | (PRV_S << 11)
    TRY_BEGIN
    csrc mstatus, s3
    csrs mstatus, s4
    cbo.zero 0(s1)
    csrc mstatus, s3
    TRY_END "M, MPRV, MPP S: cbo.zero VA_RW+0x100"
    TRY_BEGIN
    csrs mstatus, s4
    cbo.zero 0(s2)
    csrc mstatus, s3
    TRY_END "M, MPRV, MPP S: cbo.zero VA_RO+0x104"
    PRINT_TRIES
    PRINT_ZEROS "pg_rw: zero bytes, first at", pg_rw, 4096

    /* PMP: entry 0 pg_pmp_r (R), entry 1 pg_pmp_none (nothing), entry 2
     * all; a denial under translation reports the virtual address */
    la t0, pg_pmp_r
    srli t0, t0, 2
    ori t0, t0, 0x1ff
    csrw pmpaddr0, t0
    la t0, pg_pmp_none
    srli t0, t0, 2
    ori t0, t0, 0x1ff
    csrw pmpaddr1, t0
    li t0, -1
    csrw pmpaddr2, t0
    li t0, ((PMP_NAPOT | PMP_R | PMP_W | PMP_X) << 16) | (PMP_NAPOT << 8) | PMP_NAPOT | PMP_R
    csrw pmpcfg0, t0
    sfence.vma
    ENTER_MODE PRV_S, 13f
13: li s1, VA_PMP_R + 8
    CBO_ALL "S, PMP R:", s1
    li s1, VA_PMP_NONE + 0x20
    CBO_ALL "S, PMP none:", s1
    RETURN_TO_M
    /* (M-mode is not checked against unlocked entries) */
    la s1, pg_pmp_none
    TRY "M cbo.zero pg_pmp_none", cbo.zero 0(s1)
    PRINT_TRIES
    ld a0, 0(s1)
    PRINT "pg_pmp_none after M cbo.zero", a0
    csrw satp, zero
    sfence.vma
    li t0, -1
    csrw pmpaddr0, t0
    li t0, PMP_NAPOT | PMP_R | PMP_W | PMP_X
    csrw pmpcfg0, t0

    /* no memory at all: access fault */
    li s1, UNMAPPED_ADDR + 0x48
    TRY "M cbo.zero 0x48 (no memory)", cbo.zero 0(s1)
    TRY "M cbo.clean 0x48 (no memory)", cbo.clean 0(s1)
    PRINT_TRIES
TEST_END
