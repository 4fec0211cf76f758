/* The plain RV64GC profile (cellvisor's --cpu rv64gc): one instruction of
 * each extension the default profile adds decodes as illegal (Zba, Zbb,
 * Zbs, Zicond, Zicbom, Zicboz, Zfhmin, Svinval) and stimecmp (Sstc) is an
 * illegal CSR, all from M; the HINTs keep their RV64GC meaning and do not
 * trap (PAUSE is a FENCE, PREFETCH.* is an ORI to x0); a leaf PTE with
 * PBMT or N set is a page fault (the bits are reserved without Svpbmt and
 * Svnapot), a plain one still works. menvcfg's fields are checked in
 * rv64gc_envcfg.S: QEMU 7.2 keeps them writable without the extensions.
 * Privileged spec 4.4.1 (Sv39 PTE: reserved bits 63:54); unprivileged
 * spec 2.9 (HINT instructions).
 * cellvisor-cpu: rv64gc
 * qemu-cpu: rv64,h=false,zba=false,zbb=false,zbc=false,zbs=false,Zfh=false,Zfhmin=false,Zihintpause=false,sstc=false,svinval=false,svnapot=false,svpbmt=false
 */
#include "test.h"
#include "paging.h"

    .option arch, +zba, +zbb, +zbs, +zicbom, +zicboz, +zicbop, +zihintpause, +zfhmin, +svinval

#define VA_PLAIN 0x1000
#define VA_PBMT  0x2000        /* PBMT = NC */
#define VA_N     0x10000       /* N, ppn[3:0] = 1000 */

    .bss
    .align 16
region: .skip 0x10000
    .align 12
root:   .skip 4096
l1_img: .skip 4096
l0_img: .skip 4096
l1_low: .skip 4096
l0_low: .skip 4096

    .text
build_tables:
    MAP_IMAGE_L0 l0_img
    SET_NEXT l1_img, 0, l0_img
    SET_NEXT root, 2, l1_img
    SET_NEXT root, 0, l1_low
    SET_NEXT l1_low, 0, l0_low
    SET_PTE l0_low, 1, region, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
    SET_PTE_HIGH l0_low, 2, region, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, PTE_PBMT_NC
    la t0, region                     /* 16 NAPOT PTEs for 64 KiB */
    srli t0, t0, 12
    ori t0, t0, 8
    slli t0, t0, 10
    ori t0, t0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
    li t1, PTE_N
    or t0, t0, t1
    la t1, l0_low
    addi t1, t1, 16 * 8
    li t2, 16
1:  sd t0, 0(t1)
    addi t1, t1, 8
    addi t2, t2, -1
    bnez t2, 1b
    ret

TEST_BEGIN
    li a1, 5
    li a2, 3
    la s1, region
    TRY "Zba sh1add", sh1add a0, a1, a2
    TRY "Zba add.uw", add.uw a0, a1, a2
    TRY "Zbb andn", andn a0, a1, a2
    TRY "Zbb clz", clz a0, a1
    TRY "Zbb rev8", rev8 a0, a1
    TRY "Zbb zext.h", zext.h a0, a1
    TRY "Zbs bset", bset a0, a1, a2
    TRY "Zbs bexti", bexti a0, a1, 3
    TRY "Zicond czero.eqz", .insn r OP, 5, 7, a0, a1, a2
    TRY "Zicond czero.nez", .insn r OP, 7, 7, a0, a1, a2
    TRY "Zicbom cbo.clean", cbo.clean 0(s1)
    TRY "Zicbom cbo.flush", cbo.flush 0(s1)
    TRY "Zicbom cbo.inval", cbo.inval 0(s1)
    TRY "Zicboz cbo.zero", cbo.zero 0(s1)
    TRY "Zfhmin flh", flh f1, 0(s1)
    TRY "Zfhmin fsh", fsh f1, 0(s1)
    TRY "Zfhmin fmv.x.h", fmv.x.h a0, f1
    TRY "Zfhmin fmv.h.x", fmv.h.x f1, a0
    TRY "Zfhmin fcvt.s.h", fcvt.s.h f1, f2
    TRY "Zfhmin fcvt.h.d", fcvt.h.d f1, f2
    TRY "Svinval sinval.vma", sinval.vma x0, x0
    TRY "Svinval sfence.w.inval", sfence.w.inval
    TRY "Svinval sfence.inval.ir", sfence.inval.ir
    TRY "Sstc csrr stimecmp", csrr a0, stimecmp
    TRY "Sstc csrw stimecmp", csrw stimecmp, zero
    TRY "Zihintpause pause (a FENCE)", pause
    TRY "Zicbop prefetch.i (an ORI)", prefetch.i 0(s1)
    TRY "Zicbop prefetch.r (an ORI)", prefetch.r 64(s1)
    TRY "Zicbop prefetch.w (an ORI)", prefetch.w 0x40(s1)
    PRINT_TRIES

    /* PBMT and N are reserved PTE bits */
    call build_tables
    SET_SATP SATP_MODE_SV39, root
    ENTER_MODE PRV_S, 2f
2:  li s1, VA_PLAIN + 8
    TRY "S load through a plain PTE", ld a0, 0(s1)
    li s1, VA_PBMT + 8
    TRY "S load through a PTE with PBMT NC", ld a0, 0(s1)
    TRY "S store through a PTE with PBMT NC", sd a0, 0(s1)
    li s1, VA_N + 0x3008
    TRY "S load through a PTE with N", ld a0, 0(s1)
    RETURN_TO_M
    PRINT_TRIES
    csrw satp, zero
    sfence.vma
TEST_END
