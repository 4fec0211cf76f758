/* Physical memory protection: NAPOT and TOR regions; the lowest-numbered
 * matching entry decides; S and U are checked, M only against locked
 * entries; a denied access raises an access fault of the access's kind
 * (fetch 1, load 5, store/AMO 7) with mtval = the address; M-mode with
 * MPRV is checked with MPP's privilege; implicit page-table reads are
 * checked too and fail as the original access (priv. spec 4.3.2 step 2);
 * a PMP denial under paging is an access fault, not a page fault; locked
 * entries (L) apply to M and ignore writes to their pmpcfg and pmpaddr, and
 * a locked TOR entry also locks the pmpaddr below it.
 * Regions are whole 4 KiB pages, so that the PMP granularity (QEMU: 4 bytes;
 * any G <= 12 allowed) does not change the outcome; pmpaddr values are not
 * printed because their read-back depends on G.
 * Privileged spec 3.7 (Physical Memory Protection), 3.7.1 (pmpcfg, pmpaddr,
 * locking, address matching), 3.7.2 (priority and matching logic). */
#include "test.h"
#include "paging.h"

#define NAPOT_4K(reg) srli reg, reg, 2; ori reg, reg, 0x1ff

    .data
    .align 12
ro_page:     .dword 0x1111111111111111     /* entry 0: NAPOT, R */
    .align 12
none_page:   .dword 0x2222222222222222     /* entries 1-2: TOR, nothing */
    .align 12
nox_page:    ret                           /* entry 3: NAPOT, R (no X) */
    .align 12
l0_table:    .skip 4096                    /* entry 4: NAPOT, nothing */
locked_page: .dword 0x5555555555555555     /* entry 5: locked NAPOT, R */
    .align 12
ok_page:     .dword 0x6666666666666666     /* only entry 7: RWX */
    .align 12

    .bss
    .align 12
root:   .skip 4096
l1:     .skip 4096
l0_ok:  .skip 4096

    .text
/* cfg for entries 0-7 (byte i = pmp{i}cfg) */
#define CFG0 (PMP_NAPOT | PMP_R)
#define CFG2 (PMP_TOR)
#define CFG3 (PMP_NAPOT | PMP_R)
#define CFG4 (PMP_NAPOT)
#define CFG7 (PMP_NAPOT | PMP_R | PMP_W | PMP_X)
#define PMPCFG0 ((CFG7 << 56) | (CFG4 << 32) | (CFG3 << 24) | (CFG2 << 16) | CFG0)

setup_pmp:
    /* first the catch-all in the last entry, then the others above it */
    li t0, -1
    csrw pmpaddr7, t0
    li t0, CFG7 << 56
    csrw pmpcfg0, t0
    la t0, ro_page
    NAPOT_4K(t0)
    csrw pmpaddr0, t0
    la t0, none_page
    srli t0, t0, 2
    csrw pmpaddr1, t0                 /* TOR: [pmpaddr1, pmpaddr2) */
    la t0, none_page + 4096
    srli t0, t0, 2
    csrw pmpaddr2, t0
    la t0, nox_page
    NAPOT_4K(t0)
    csrw pmpaddr3, t0
    la t0, l0_table
    NAPOT_4K(t0)
    csrw pmpaddr4, t0
    li t0, PMPCFG0
    csrw pmpcfg0, t0
    sfence.vma
    ret

.macro LOAD_AT dst, sym
    la t2, \sym
    ld \dst, 0(t2)
.endm

TEST_BEGIN
    call setup_pmp
    csrr a0, pmpcfg0
    li t0, 0xff00ffffffffffff         /* (entry 6 and 5 unused for now) */
    and a0, a0, t0
    PRINT "pmpcfg0", a0

    /* M is not affected by unlocked entries */
    LOAD_AT a0, none_page
    sd a0, 8(t2)
    la t2, ro_page
    sd a0, 8(t2)
    call nox_page
    PUTS "M: no faults\n"

    /* S */
    li s0, -1
    li s1, -1
    li s2, -1
    ENTER_MODE PRV_S, 1f
1:  LOAD_AT s0, ro_page               /* R: fine */
    sd s0, 8(t2)                      /* no W: 7 */
    amoadd.d zero, s0, (t2)           /* 7 */
    LOAD_AT s1, none_page             /* TOR, nothing: 5 */
    sw s1, 4(t2)                      /*   7 */
    LOAD_AT s2, ok_page               /* only the catch-all: fine */
    sd s2, 8(t2)
    SET_RESUME 2f
    call nox_page                     /* no X: 1 */
2:  RETURN_TO_M
    PRINT "S load R region", s0
    PRINT "S load no-access TOR region (faulted)", s1
    PRINT "S load catch-all region", s2

    /* U: the same rules */
    li s0, -1
    li s1, -1
    ENTER_MODE PRV_U, 3f
3:  LOAD_AT s0, ro_page
    sb s0, 0(t2)                      /* 7 */
    LOAD_AT s1, none_page             /* 5 */
    RETURN_TO_M
    PRINT "U load R region", s0
    PRINT "U load no-access region (faulted)", s1

    /* MPRV with MPP = S: M's data accesses are checked as S's */
    li s0, -1
    la t2, none_page
    li t3, MSTATUS_MPRV
    li t0, MSTATUS_MPP
    csrc mstatus, t0
    li t0, MSTATUS_MPRV | (PRV_S << 11)
    csrs mstatus, t0
    ld s0, 0(t2)                      /* 5, taken from M */
    csrc mstatus, t3
    PRINT "M load with MPRV, MPP=S (faulted)", s0

    /* under paging: a denied page-table page makes the walk fail with an
     * access fault of the original kind; a denied leaf target is an access
     * fault too, not a page fault */
    SET_PTE_PA root, 2, IMAGE_BASE, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
    SET_NEXT root, 0, l1
    SET_NEXT l1, 0, l0_table          /* the walk to VA 0x1000 reads l0_table */
    SET_NEXT l1, 1, l0_ok
    SET_PTE l0_ok, 0, ro_page, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
    SET_SATP SATP_MODE_SV39, root
    li s0, -1
    li s1, -1
    ENTER_MODE PRV_S, 4f
4:  li t2, 0x1000
    ld s0, 0(t2)                      /* walk denied: 5, tval 0x1000 */
    sd s0, 0(t2)                      /* 7 */
    SET_RESUME 5f
    jalr t2                           /* 1 */
5:  li t2, 0x200000                   /* ro_page, PTE RW */
    ld s1, 0(t2)
    sd s1, 8(t2)                      /* PTE allows, PMP denies: 7 */
    RETURN_TO_M
    csrw satp, zero
    sfence.vma
    PRINT "S load, walk denied (faulted)", s0
    PRINT "S load through a PTE to the R region", s1

    /* locking: entry 5 becomes a locked read-only region, for M as well */
    la t0, locked_page
    NAPOT_4K(t0)
    csrw pmpaddr5, t0
    li t0, (PMP_L | PMP_NAPOT | PMP_R) << 40
    csrs pmpcfg0, t0
    sfence.vma
    LOAD_AT a0, locked_page
    PRINT "M load locked R region", a0
    sd a0, 8(t2)                      /* 7, in M */
    csrr s0, pmpaddr5
    la t0, ok_page
    NAPOT_4K(t0)
    csrw pmpaddr5, t0                 /* ignored */
    li t0, 0xff << 40
    csrc pmpcfg0, t0                  /* ignored */
    csrr s1, pmpaddr5
    csrr a0, pmpcfg0
    srli a0, a0, 40
    andi a0, a0, 0xff
    PRINT "pmp5cfg after trying to clear it", a0
    sub s1, s1, s0
    PRINT "pmpaddr5 change after trying to write it", s1
    LOAD_AT a0, locked_page
    sd a0, 8(t2)                      /* still 7 */

    /* a locked TOR entry 6 also locks pmpaddr5... which is locked already;
     * lock TOR entry 2 instead: pmpaddr1 is locked with it */
    csrr s0, pmpaddr1
    li t0, PMP_L << 16
    csrs pmpcfg0, t0
    sfence.vma
    la t0, ok_page
    srli t0, t0, 2
    csrw pmpaddr1, t0                 /* ignored */
    csrr s1, pmpaddr1
    sub s1, s1, s0
    PRINT "pmpaddr1 change under a locked TOR entry 2", s1
    LOAD_AT a0, none_page             /* locked, no permissions: 5 in M */
    PUTS "done\n"
TEST_END
