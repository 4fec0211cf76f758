/* htinst/mtinst for the faults of a guest's explicit loads and stores: the
 * transformed instruction of every load, store and AMO width, integer and
 * floating point, and of the compressed forms (expanded, then bit 1
 * cleared). The transformed instruction keeps opcode, funct3, rd (loads) or
 * rs2 (stores), and for AMOs funct5, aq, rl and rs2; the immediate is zero
 * and the rs1 field holds the faulting address's offset from the access's
 * own address, 0 for these aligned accesses. Each access goes to GPA_INV,
 * which G-stage does not map: a load guest-page fault (21; an LR too) or a
 * store/AMO one (23; an SC and any AMO too), taken to M with mtval = the
 * address, mtval2 = it >> 2 and GVA set. cellvisor writes the transformed
 * instruction where the spec allows it or zero (docs/hart.md); QEMU 7.2
 * writes zero.
 * Privileged spec 1.12, 8.6.3 "Transformed Instruction or Pseudoinstruction
 * for mtinst or htinst".
 * hand-written: QEMU 7.2 writes 0 to mtinst/htinst for these faults
 * cellvisor-cpu: rva22h */
#include "test.h"
#define H_PRINT_MGVA
#include "hyp.h"

#define G_GIGA(pa)  ((((pa) >> 12) << 10) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D)
#define GPA_INV     0x100000000     /* root index 4: invalid */

    .bss
    .align 14
g_root:  .skip 16384
    .text

/* Run insn in VS-mode against GPA_INV (s5; a1 for compressed forms) and
 * print the trap and mtinst. */
.macro TINST name, insn:vararg
    mv a1, s5
    VTRY "\name", PRV_S, 1, \insn
    PCSR "mtinst", CSR_MTINST
.endm

TEST_BEGIN
    la t0, h_mtrap
    csrw mtvec, t0
    la t0, h_strap
    csrw stvec, t0
    la t0, h_vstrap
    csrw CSR_VSTVEC, t0
    li t0, MSTATUS_FS_INITIAL
    csrs mstatus, t0
    csrw CSR_VSSTATUS, t0
    li t0, G_GIGA(0x80000000)
    la t1, g_root
    sd t0, 2*8(t1)
    la t0, g_root
    srli t0, t0, 12
    li t1, SATP_MODE_SV39 | (1 << 44)
    or t0, t0, t1
    csrw CSR_HGATP, t0
    li s5, GPA_INV
    li s6, 0

    TINST "lb", lb s4, 0(s5)
    TINST "lbu", lbu s4, 0(s5)
    TINST "lh", lh s4, 0(s5)
    TINST "lhu", lhu s4, 0(s5)
    TINST "lw", lw s4, 0(s5)
    TINST "lwu", lwu s4, 0(s5)
    TINST "ld", ld s4, 0(s5)
    TINST "sb", sb s6, 0(s5)
    TINST "sh", sh s6, 0(s5)
    TINST "sw", sw s6, 0(s5)
    TINST "sd", sd s6, 0(s5)
    TINST "flw", flw ft4, 0(s5)
    TINST "fld", fld ft4, 0(s5)
    TINST "fsw", fsw ft4, 0(s5)
    TINST "fsd", fsd ft4, 0(s5)
    TINST "c.lw", c.lw a0, 0(a1)
    TINST "c.ld", c.ld a0, 0(a1)
    TINST "c.sw", c.sw a0, 0(a1)
    TINST "c.sd", c.sd a0, 0(a1)
    TINST "c.fld", c.fld fa0, 0(a1)
    TINST "c.fsd", c.fsd fa0, 0(a1)
    TINST "lr.w", lr.w s4, (s5)
    TINST "lr.d", lr.d s4, (s5)
    TINST "sc.w", sc.w s4, s6, (s5)
    TINST "sc.d", sc.d s4, s6, (s5)
    TINST "amoswap.w", amoswap.w s4, s6, (s5)
    TINST "amoor.w.aqrl", amoor.w.aqrl s4, s6, (s5)
    TINST "amomaxu.d.aq", amomaxu.d.aq s4, s6, (s5)
    csrw CSR_HGATP, zero
TEST_END
