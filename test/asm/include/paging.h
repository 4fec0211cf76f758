/* Helpers for the paging tests (sv39.S, sv48.S, sfence.S).
 *
 * The test image (the first 2 MiB of RAM at 0x80000000) is identity-mapped
 * with 4 KiB pages through one level-0 table, so that S-mode code, the
 * runtime's trap handlers and RETURN_TO_M keep working with paging on
 * (RETURN_TO_M continues in M at the same address, untranslated). Pages
 * are S-only RWX, except those between _user_start and _user_end (the
 * .user_text and .user_data sections), which are U RWX. A and D are set,
 * so none of these accesses faults or updates the tables. */
#ifndef CELLVISOR_PAGING_H
#define CELLVISOR_PAGING_H

#define IMAGE_BASE 0x80000000
#define IMAGE_SIZE 0x200000

#ifdef __ASSEMBLER__

/* Fill the level-0 table l0 with the identity map of the image.
 * Clobbers t0-t6. */
.macro MAP_IMAGE_L0 l0
    la t0, \l0
    li t1, IMAGE_BASE
    li t2, IMAGE_BASE + IMAGE_SIZE
    la t3, _user_start
    la t4, _user_end
.Lmap_loop\@:
    srli t5, t1, 12
    slli t5, t5, 10
    ori t5, t5, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
    bltu t1, t3, .Lmap_s\@
    bgeu t1, t4, .Lmap_s\@
    ori t5, t5, PTE_U
.Lmap_s\@:
    sd t5, 0(t0)
    addi t0, t0, 8
    li t6, 4096
    add t1, t1, t6
    bltu t1, t2, .Lmap_loop\@
.endm

/* A non-leaf PTE: table[index] -> next (a page-table label). Clobbers t0, t1. */
.macro SET_NEXT table, index, next
    SET_PTE \table, \index, \next, PTE_V
.endm

/* SET_PTE with bits above the PPN too (PTE_N, PTE_PBMT_*):
 * table[index] = high | PPN(target) | flags, for index < 256.
 * Clobbers t0, t1. */
.macro SET_PTE_HIGH table, index, target, flags, high
    la t1, \target
    srli t1, t1, 12
    slli t1, t1, 10
    ori t1, t1, \flags
    li t0, \high
    or t0, t0, t1
    la t1, \table
    sd t0, (\index * 8)(t1)
.endm

/* satp := mode | PPN(root), then SFENCE.VMA. Clobbers t0, t1. */
.macro SET_SATP mode, root
    la t0, \root
    srli t0, t0, 12
    li t1, \mode
    or t0, t0, t1
    csrw satp, t0
    sfence.vma
.endm

/* U-mode code under paging lives in .user_text. Between U_CODE and
 * END_U_CODE, code is assembled there; END_U_CODE returns to M and jumps
 * back to the main text. Use: ENTER_MODE PRV_U, label / U_CODE /
 * label: ... / END_U_CODE. */
.macro U_CODE
    .pushsection .user_text, "ax"
.endm
.macro END_U_CODE
    RETURN_TO_M
    j .Lu_back\@
    .popsection
.Lu_back\@:
.endm

#endif /* __ASSEMBLER__ */
#endif /* CELLVISOR_PAGING_H */
