/* Sv39 address translation: a three-level walk to 4 KiB pages, 2 MiB
 * megapages and 1 GiB gigapages (also in the upper half of the address
 * space); misaligned superpages, invalid PTEs, the reserved W-without-R
 * combination and a level-0 pointer all raise page faults; non-canonical
 * addresses (bits 63:39 not copies of bit 38) raise page faults; R/W/X and
 * U/S permissions, sstatus.SUM (never for fetches) and sstatus.MXR;
 * hardware update of the A and D bits (cellvisor, like QEMU, sets them in
 * memory instead of faulting); mstatus.MPRV translating M-mode loads and
 * stores with MPP's privilege; page faults delegated to S; satp's MODE is
 * WARL (a reserved MODE is not written).
 * Every page fault prints its cause (12 fetch, 13 load, 15 store/AMO) and
 * tval, which must be the faulting virtual address.
 * Privileged spec 4.1.11 (satp), 4.3 (Sv32: the PTE format and the
 * translation algorithm 4.3.2, which Sv39 reuses), 4.4 (Sv39), 3.1.6.3
 * (MPRV, MXR, SUM). */
#include "test.h"
#include "paging.h"

/* Virtual addresses used below */
#define VA_RW     0x1000        /* 4K page, S RW */
#define VA_RO     0x2000        /* 4K page, S R */
#define VA_XO     0x3000        /* 4K page, S X only */
#define VA_USER   0x4000        /* 4K page, U RW */
#define VA_WO     0x5000        /* W without R: reserved */
#define VA_INV    0x6000        /* V = 0 */
#define VA_AD     0x7000        /* S RW, A = D = 0 */
#define VA_A      0x8000        /* S RW, A = 1, D = 0 */
#define VA_PTR0   0x9000        /* a pointer PTE at level 0 */
#define VA_SPLIT  0xcffe        /* an instruction across two mapped pages */
#define VA_SPLIT_FAULT 0xeffe   /* ... whose second page is not mapped */
#define VA_MEGA   0x200000      /* 2 MiB page at PA 0x80200000 */
#define VA_MEGA_MISALIGNED 0x400000
#define VA_GIGA   0x40000000    /* 1 GiB page at PA 0x80000000 */
#define VA_GIGA_MISALIGNED 0xc0000000
#define VA_HIGH   0xffffffffc0000000 /* 1 GiB page at PA 0x80000000 */
#define PA_MEGA   0x80200000

    .bss
    .align 12
root:   .skip 4096
l1_img: .skip 4096
l0_img: .skip 4096
l1_low: .skip 4096
l0_low: .skip 4096

    .data
    .align 12
pg_rw:  .dword 0x1111111111111111, 0
    .align 12
pg_ro:  .dword 0x2222222222222222
    .align 12
pg_xo:  addi a0, a0, 1                /* code, called from S at VA_XO */
        ret
    .align 12
pg_user: .dword 0x4444444444444444
    .align 12
pg_ad:  .dword 0x7777777777777777
    .align 12
pg_a:   .dword 0x8888888888888888
    .align 12
/* A 32-bit instruction split across two pages: "addi a0, a0, 1" has its low
 * half at the end of pg_c and its high half at the start of pg_d, which is
 * not pg_c's physical neighbour: that one (pg_wrong) would make it
 * "addi a0, a0, 2". */
pg_c:   .skip 4094
        .hword 0x0513
pg_wrong: .hword 0x0025
        ret
    .align 12
pg_d:   .hword 0x0015
        ret
    .align 12

    .section .user_data, "aw"
u_word: .dword 0x5555555555555555

    .text
build_tables:
    MAP_IMAGE_L0 l0_img
    SET_NEXT l1_img, 0, l0_img
    SET_NEXT root, 2, l1_img          /* VA 0x80000000: the image */
    SET_NEXT root, 0, l1_low          /* VA 0 .. 1 GiB: the test pages */
    SET_NEXT l1_low, 0, l0_low
    SET_PTE l0_low, 1, pg_rw, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
    SET_PTE l0_low, 2, pg_ro, PTE_V | PTE_R | PTE_A
    SET_PTE l0_low, 3, pg_xo, PTE_V | PTE_X | PTE_A
    SET_PTE l0_low, 4, pg_user, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D
    SET_PTE l0_low, 5, pg_rw, PTE_V | PTE_W | PTE_A | PTE_D
    SET_PTE l0_low, 6, pg_rw, PTE_R | PTE_W | PTE_A | PTE_D
    SET_PTE l0_low, 7, pg_ad, PTE_V | PTE_R | PTE_W
    SET_PTE l0_low, 8, pg_a, PTE_V | PTE_R | PTE_W | PTE_A
    SET_PTE l0_low, 9, l0_low, PTE_V
    SET_PTE l0_low, 12, pg_c, PTE_V | PTE_X | PTE_A
    SET_PTE l0_low, 13, pg_d, PTE_V | PTE_X | PTE_A
    SET_PTE l0_low, 14, pg_c, PTE_V | PTE_X | PTE_A  /* 15 is invalid */
    SET_PTE_PA l1_low, 1, PA_MEGA, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
    SET_PTE_PA l1_low, 2, PA_MEGA + 0x1000, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
    SET_PTE_PA root, 1, IMAGE_BASE, PTE_V | PTE_R | PTE_A
    SET_PTE_PA root, 3, PA_MEGA, PTE_V | PTE_R | PTE_A
    SET_PTE_PA root, 511, IMAGE_BASE, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
    ret

/* dst := the 64-bit word at virtual address va (rd is left alone on a fault) */
.macro LOAD_VA dst, va
    li t2, \va
    ld \dst, 0(t2)
.endm

/* dst := the word at va, loaded in M with MPRV = 1, MPP = S and the extra
 * mstatus bits set for that one load. */
.macro MPRV_LOAD dst, va, extra
    li t2, \va
    li t3, MSTATUS_MPRV | MSTATUS_MPP | \extra
    li t0, MSTATUS_MPP
    csrc mstatus, t0
    li t0, MSTATUS_MPRV | (PRV_S << 11) | \extra
    csrs mstatus, t0
    ld \dst, 0(t2)
    csrc mstatus, t3
.endm

TEST_BEGIN
    call build_tables
    li t0, PA_MEGA + 8                /* what the megapage shows at +8 */
    li t1, 0x6d6567616d656761
    sd t1, 0(t0)

    /* satp: MODE is WARL; a reserved mode leaves satp as it was */
    SET_SATP SATP_MODE_SV39, root
    la s1, root
    srli s1, s1, 12
    li t2, SATP_MODE_SV39
    or s1, s1, t2                     /* s1 = Sv39 | PPN(root) */
    csrr a0, satp
    sub a0, a0, s1
    PRINT "satp - (Sv39 | PPN(root))", a0
    li t0, (1 << 60) | 0x1234
    csrw satp, t0
    csrr a0, satp
    sub a0, a0, s1
    PRINT "satp - (Sv39 | PPN(root)) after writing MODE=1", a0

    /* S-mode accesses; faults go to M and are printed there */
    li s0, -1
    li s1, -1
    li s2, -1
    li s3, -1
    li s4, -1
    li s5, -1
    li s6, -1
    li s7, -1
    ENTER_MODE PRV_S, 1f
1:  LOAD_VA s0, VA_RW
    li t0, 0x1234
    li t2, VA_RW
    sd t0, 8(t2)
    ld s1, 8(t2)
    LOAD_VA s2, VA_RO
    li t2, VA_RO
    sd t0, 0(t2)                      /* store to read-only: 15 */
    LOAD_VA s3, VA_XO                 /* load from execute-only: 13 */
    LOAD_VA s4, VA_USER               /* S load from U page, SUM = 0: 13 */
    LOAD_VA s5, VA_WO                 /* W without R: 13 */
    li t2, VA_WO
    sd t0, 0(t2)                      /*   and 15 */
    LOAD_VA s6, VA_INV                /* V = 0: 13 */
    LOAD_VA s7, VA_PTR0               /* pointer at level 0: 13 */
    RETURN_TO_M
    PRINT "S load 4K RW", s0
    PRINT "S load after store", s1
    PRINT "S load 4K RO", s2
    PRINT "S load XO (faulted)", s3
    PRINT "S load U page (faulted)", s4
    PRINT "S load W-only (faulted)", s5
    PRINT "S load invalid (faulted)", s6
    PRINT "S load level-0 pointer (faulted)", s7

    /* an AMO needs write permission: store/AMO page fault. QEMU 7.2 reports
     * a load page fault (13), which is printed as the spec's 15. */
    ENTER_MODE PRV_S, 2f
2:  li t2, VA_RO
    li t0, 1
    QUIET_TRAPS
    CLEAR_LAST_TRAP
    amoadd.d a0, t0, (t2)
    LAST_TRAP2 s0, s1
    RETURN_TO_M
    PRINT_TRAPS
    CHECK_TRAP "S amoadd.d on a read-only page", s0, s1, CAUSE_STORE_PAGE_FAULT, CAUSE_LOAD_PAGE_FAULT

    /* SUM lets S read and write U pages, never execute them; MXR makes
     * execute-only pages readable */
    li s0, -1
    li s1, -1
    li s2, 0
    li s3, -1
    ENTER_MODE PRV_S, 3f
3:  li t0, MSTATUS_SUM
    csrs sstatus, t0
    LOAD_VA s0, VA_USER
    li t2, VA_USER
    sd t0, 8(t2)
    SET_RESUME 4f
    li t2, VA_USER
    jalr t2                           /* fetch from a U page in S: 12 */
4:  li t0, MSTATUS_SUM
    csrc sstatus, t0
    LOAD_VA s3, VA_USER               /* SUM cleared again: 13, though just read */
    csrs sstatus, t0
    li t2, VA_USER
    sd t0, 16(t2)                     /* ... and with SUM set again, a store */
    csrc sstatus, t0
    li t2, VA_USER
    sd t0, 16(t2)                     /*   which now faults: 15 */
    LOAD_VA s1, VA_XO                 /* MXR = 0: 13 */
    li t0, MSTATUS_MXR
    csrs sstatus, t0
    LOAD_VA s1, VA_XO                 /* MXR = 1: the instruction bits */
    csrc sstatus, t0
    li a0, 41
    li t2, VA_XO
    jalr t2                           /* execute it: a0 += 1 */
    mv s2, a0
    SET_RESUME 5f
    li t2, VA_RW
    jalr t2                           /* fetch from a non-X page: 12 */
5:  RETURN_TO_M
    PRINT "S load U page with SUM", s0
    PRINT "S load U page after SUM cleared (faulted)", s3
    PRINT "S load XO with MXR", s1
    PRINT "S called code in the XO page (41 + 1)", s2

    /* superpages */
    li s0, -1
    li s1, -1
    li s2, -1
    li s3, -1
    li s4, -1
    li s5, -1
    ENTER_MODE PRV_S, 6f
6:  LOAD_VA s0, VA_MEGA + 8
    LOAD_VA s1, VA_MEGA_MISALIGNED    /* PPN[0] != 0 in a megapage: 13 */
    la t3, pg_rw
    li t0, IMAGE_BASE
    sub t3, t3, t0                    /* t3 = offset of pg_rw in the image */
    li t0, VA_GIGA
    add t0, t0, t3
    ld s2, 0(t0)                      /* gigapage: pg_rw through VA_GIGA */
    LOAD_VA s3, VA_GIGA_MISALIGNED    /* PPN[1] != 0 in a gigapage: 13 */
    li t0, VA_HIGH
    add t0, t0, t3
    ld s4, 0(t0)                      /* the top gigapage of the space */
    sd s4, 8(t0)                      /* (RW) */
    LOAD_VA s5, 0xffffffff80000000    /* canonical, but root[510] is empty: 13 */
    LOAD_VA s5, 0x0000004000000000    /* non-canonical: 13 */
    LOAD_VA s5, 0x8000000000001000    /* non-canonical: 13 */
    li t2, 0x0000008000001000
    sd t0, 0(t2)                      /* non-canonical store: 15 */
    SET_RESUME 7f
    li t2, 0xfff0000000001000
    jalr t2                           /* non-canonical fetch: 12 */
7:  RETURN_TO_M
    PRINT "S load megapage", s0
    PRINT "S load misaligned megapage (faulted)", s1
    PRINT "S load gigapage", s2
    PRINT "S load misaligned gigapage (faulted)", s3
    PRINT "S load top gigapage", s4
    PRINT "S load non-canonical (faulted)", s5

    /* an instruction that straddles two pages is fetched through both
     * translations; if the second page faults, epc is the instruction's
     * start and tval the address of the faulting part (priv. spec 4.1.9:
     * "the portion of the instruction that caused the fault") */
    li s0, -1
    ENTER_MODE PRV_S, 10f
10: li a0, 41
    li t2, VA_SPLIT
    jalr t2
    mv s0, a0
    SET_RESUME 11f
    li t2, VA_SPLIT_FAULT
    jalr t2                           /* 12, tval 0xf000 */
11: RETURN_TO_M
    PRINT "S ran the split instruction (41 + 1)", s0

    /* A and D: the hart sets them in the PTE (Svadu-style), A on any
     * access, D on a store */
    ENTER_MODE PRV_S, 8f
8:  LOAD_VA s0, VA_AD
    RETURN_TO_M
    la t0, l0_low
    ld a0, 7 * 8(t0)
    andi a0, a0, PTE_A | PTE_D
    PRINT "PTE A/D after a load", a0
    ENTER_MODE PRV_S, 9f
9:  li t2, VA_AD
    sd zero, 0(t2)
    li t2, VA_A
    sw zero, 4(t2)
    RETURN_TO_M
    la t0, l0_low
    ld a0, 7 * 8(t0)
    andi a0, a0, PTE_A | PTE_D
    PRINT "PTE A/D after a store", a0
    ld a0, 8 * 8(t0)
    andi a0, a0, PTE_A | PTE_D
    PRINT "PTE A/D after a store (A was set)", a0

    /* U mode: its own pages only */
    li s0, -1
    li s1, -1
    li s2, -1
    SET_RESUME 11f                    /* (U cannot reach rt_resume) */
    ENTER_MODE PRV_U, 10f
    U_CODE
10: LOAD_VA s0, VA_USER
    la t2, u_word
    ld s1, 0(t2)
    LOAD_VA s2, VA_RW                 /* S page: 13 */
    li t2, VA_RW
    sd zero, 0(t2)                    /*   and 15 */
    la t2, build_tables
    jalr t2                           /* S code: 12, resume at 11f */
11: END_U_CODE
    PRINT "U load U page", s0
    PRINT "U load user data", s1
    PRINT "U load S page (faulted)", s2

    /* MPRV: M-mode loads and stores translated with MPP's privilege */
    li s0, -1
    li s1, -1
    li t3, MSTATUS_MPRV
    li t0, MSTATUS_MPP
    csrc mstatus, t0
    li t0, MSTATUS_MPRV | (PRV_S << 11)
    csrs mstatus, t0
    li t2, VA_RW
    ld s0, 0(t2)
    csrc mstatus, t3
    li t0, MSTATUS_MPRV | (PRV_S << 11)
    csrs mstatus, t0
    li t2, VA_INV
    ld s1, 0(t2)                      /* page fault taken in M: mpp=3 */
    csrc mstatus, t3
    li t0, MSTATUS_MPRV               /* MPP = U now (set by MRET) */
    csrs mstatus, t0
    li t2, VA_RW
    ld s1, 0(t2)                      /* with U privilege: S page, 13 */
    csrc mstatus, t3
    PRINT "M load with MPRV, MPP=S", s0
    PRINT "M load with MPRV, MPP=U (faulted)", s1
    /* SUM and MXR apply to MPRV accesses too */
    li s0, -1
    li s1, -1
    li s2, -1
    li s3, -1
    MPRV_LOAD s0, VA_USER, 0                  /* 13 */
    MPRV_LOAD s1, VA_USER, MSTATUS_SUM
    MPRV_LOAD s2, VA_XO, 0                    /* 13 */
    MPRV_LOAD s3, VA_XO, MSTATUS_MXR
    PRINT "M load U page with MPRV, MPP=S (faulted)", s0
    PRINT "  ... and SUM", s1
    PRINT "M load XO page with MPRV, MPP=S (faulted)", s2
    PRINT "  ... and MXR", s3

    /* page faults delegated to S: reported by rt_strap */
    la t0, rt_strap
    csrw stvec, t0
    li t0, (1 << CAUSE_FETCH_PAGE_FAULT) | (1 << CAUSE_LOAD_PAGE_FAULT) | (1 << CAUSE_STORE_PAGE_FAULT)
    csrw medeleg, t0
    ENTER_MODE PRV_S, 12f
12: LOAD_VA a0, VA_INV
    li t2, VA_RO
    sd zero, 0(t2)
    SET_S_RESUME 13f
    li t2, VA_INV
    jalr t2
13: RETURN_TO_M
    csrw medeleg, zero
    csrw satp, zero
    sfence.vma
    PUTS "done\n"
TEST_END
