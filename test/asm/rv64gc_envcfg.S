/* menvcfg and senvcfg on the plain RV64GC profile: only FIOM is writable.
 * CBIE and CBCFE (Zicbom), CBZE (Zicboz), PBMTE (Svpbmt) and STCE (Sstc)
 * are read-only zero when their extension is not implemented, so writing
 * all ones enables nothing: CBO.ZERO is still illegal in S, stimecmp is
 * still an illegal CSR in S (with mcounteren.TM = 1), and a PTE with PBMT
 * set is still a page fault.
 * Privileged spec 3.1.18 (menvcfg: "When the Zicbom extension is not
 * implemented, CBIE and CBCFE are read-only zero", the same for CBZE,
 * PBMTE and STCE), 4.1.10 (senvcfg).
 * cellvisor-cpu: rv64gc
 * hand-written: QEMU 7.2 keeps CBIE, CBCFE, CBZE, PBMTE and STCE writable without Zicbom, Zicboz, Svpbmt and Sstc
 */
#include "test.h"
#include "paging.h"

    .option arch, +zicboz

#define VA_PBMT 0x1000

    .bss
    .align 12
root:   .skip 4096
l1_img: .skip 4096
l0_img: .skip 4096
l1_low: .skip 4096
l0_low: .skip 4096

    .data
    .align 12
pg:     .dword 0x1111111111111111
    .align 12

    .text
TEST_BEGIN
    li t0, -1
    csrw menvcfg, t0
    csrr a0, menvcfg
    PRINT "menvcfg after writing all ones", a0
    csrw senvcfg, t0
    csrr a0, senvcfg
    PRINT "senvcfg after writing all ones", a0
    csrw mcounteren, t0

    MAP_IMAGE_L0 l0_img
    SET_NEXT l1_img, 0, l0_img
    SET_NEXT root, 2, l1_img
    SET_NEXT root, 0, l1_low
    SET_NEXT l1_low, 0, l0_low
    SET_PTE_HIGH l0_low, 1, pg, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, PTE_PBMT_NC
    SET_SATP SATP_MODE_SV39, root
    la s1, pg
    li s2, VA_PBMT
    ENTER_MODE PRV_S, 1f
1:  TRY "S cbo.zero", cbo.zero 0(s1)
    TRY "S csrr stimecmp", csrr a0, stimecmp
    TRY "S load through a PTE with PBMT NC", ld a0, 0(s2)
    RETURN_TO_M
    PRINT_TRIES
    csrw satp, zero
    sfence.vma
    csrw menvcfg, zero
    csrw senvcfg, zero
    csrw mcounteren, zero
TEST_END
