/* The trigger module (Sdtrig): tselect, tdata1-3 and tinfo, and mcontrol6
 * address triggers with action 0, which raise a breakpoint exception (cause
 * 3) before the matching instruction executes or before the matching load
 * or store touches memory: xepc is the instruction, xtval the instruction's
 * address or the access's virtual address. An access matches when any of
 * its bytes does (equal), or by unsigned comparison (ge, lt); an LR is a
 * load, an SC a store, an AMO both, a CBO a store to its whole block. The
 * mode bits M, S, U choose the privilege levels a trigger fires in; a
 * breakpoint is taken like any exception, delegated to S by medeleg[3].
 * So that a trigger cannot fire in the trap handler it enters before the
 * handler saved anything, none fires in M-mode while mstatus.MIE = 0, nor in
 * S-mode while SIE = 0 with breakpoints delegated (the spec's first option,
 * "Native Triggers"); the tests below run with MIE or SIE = 1 (and mie = 0).
 * What this hart chose where the spec leaves a choice: 4 triggers, each
 * supporting types 6 (mcontrol6) and 15 (disabled); tselect ignores an index
 * past the last trigger; a written type other than 6 disables the trigger;
 * of mcontrol6 only load, store, execute, m, s, u, hit0 and match (0 equal,
 * 2 ge, 3 lt; anything else reads back 0) are writable, and vs and vu
 * since the default profile has the H extension (h_sdtrig.S tests them); tdata3 (textra64)
 * is all zero; tdata2 holds any value.
 * RISC-V Debug Specification 1.0: chapter "Sdtrig (ISA Extension)", Trigger
 * Module Registers (tselect, tdata1, tdata2, tdata3, tinfo, mcontrol6).
 * hand-written: QEMU 7.2 implements type 2 (mcontrol) triggers, not mcontrol6
 */
#include "test.h"
#include "paging.h"

/* Every instruction 4 bytes (bp_strap skips 4), but for one c.addi. */
    .option norvc

#define MC6      (TRIGGER_TYPE_MCONTROL6 << TDATA1_TYPE_SHIFT)
#define DISABLED (TRIGGER_TYPE_DISABLED << TDATA1_TYPE_SHIFT)
#define GE       (MCONTROL6_MATCH_GE << MCONTROL6_MATCH_SHIFT)
#define LT       (MCONTROL6_MATCH_LT << MCONTROL6_MATCH_SHIFT)

/* Trigger idx := mcontrol6 `ctl` on the address in register `reg`
 * (clobbers t0). */
.macro ARM idx, ctl, reg
    li t0, \idx
    csrw tselect, t0
    csrw tdata1, zero
    csrw tdata2, \reg
    li t0, \ctl
    csrw tdata1, t0
.endm

/* Run one instruction, at label, in M-mode with mstatus.MIE = 1 (nothing
 * else: a trigger may fire in the printing code while MIE is 1). */
.macro WITH_MIE label, insn:vararg
    csrsi mstatus, MSTATUS_MIE
\label: \insn
    csrci mstatus, MSTATUS_MIE
.endm

/* The record the breakpoint handlers keep: s9 = cause (-1: none), s10 =
 * tval, s11 = epc, s8 = tdata1 when it fired (M only). s7 is theirs. */
.macro BP_CLEAR
    li s8, 0
    li s9, -1
    li s10, 0
    li s11, 0
.endm

/* "name: cause=C tval=T+x epc=E+y hit0=h" (addresses relative to the labels
 * T and E), or "name: no trap"; then clears the record. */
.macro BP_REPORT name, tlabel, elabel
    PUTS "\name: "
    bltz s9, .Lnone\@
    la t3, \tlabel
    sub t3, s10, t3
    la t4, \elabel
    sub t4, s11, t4
    srli t5, s8, 22
    andi t5, t5, 1
    PUTS "cause="
    PUTHEX_SHORT s9
    PUTS " tval=\tlabel+"
    PUTHEX_SHORT t3
    PUTS " epc=\elabel+"
    PUTHEX_SHORT t4
    PUTS " hit0="
    PUTHEX_SHORT t5
    PUTS "\n"
    j .Ldone\@
.Lnone\@:
    PUTS "no trap\n"
.Ldone\@:
    BP_CLEAR
.endm

    .data
    .align 6
buf:    .dword 0x1111111111111111, 0x2222222222222222, 0x3333333333333333, 0x4444444444444444
        .dword 0, 0, 0, 0

    .align 12
pg:     .dword 0x5151515151515151, 0x5252525252525252
    .align 12

#define VA_PG 0x1000                /* S: pg, read/write */

    .bss
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
    SET_PTE l0_low, 1, pg, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
    ret

/* M-mode trap handler for the tests: a breakpoint is recorded, its trigger
 * (the selected one) disabled, and the instruction executed again, as a
 * debugger would; anything else goes to rt_mtrap. */
    .align 2
bp_mtrap:
    csrr s7, mcause
    addi s7, s7, -CAUSE_BREAKPOINT
    bnez s7, rt_mtrap
    csrr s9, mcause
    csrr s10, mtval
    csrr s11, mepc
    csrr s8, tdata1
    csrw tdata1, zero
    mret

/* S-mode handler for delegated breakpoints: S cannot reach the trigger, so it
 * records the breakpoint and skips the (4-byte) instruction. */
    .align 2
bp_strap:
    csrr s9, scause
    csrr s10, stval
    csrr s11, sepc
    addi s7, s11, 4
    csrw sepc, s7
    sret

TEST_BEGIN
    BP_CLEAR
    la t0, bp_mtrap
    csrw mtvec, t0
    la t0, bp_strap
    csrw stvec, t0

    /* ---- the registers ---- */
    .irp i, 0, 1, 2, 3
    li a0, \i
    csrw tselect, a0
    csrr a0, tselect
    PRINT "tselect \i", a0
    .endr
    li a0, 4
    csrw tselect, a0
    csrr a0, tselect
    PRINT "tselect after writing 4", a0
    csrw tselect, zero
    csrr a0, tinfo
    PRINT "tinfo", a0
    csrr a0, tdata1
    PRINT "tdata1 at reset", a0
    li a0, -1
    csrw tdata1, a0
    csrr a0, tdata1
    PRINT "tdata1 := -1 (type 15)", a0
    li a0, MC6 | 0x0fffffffffffffff
    csrw tdata1, a0
    csrr a0, tdata1
    PRINT "tdata1 := mcontrol6, all ones", a0
    li a0, MC6 | GE | MCONTROL6_LOAD
    csrw tdata1, a0
    csrr a0, tdata1
    PRINT "tdata1 := mcontrol6 ge", a0
    li a0, MC6 | (MCONTROL6_MATCH_NAPOT << MCONTROL6_MATCH_SHIFT) | MCONTROL6_LOAD
    csrw tdata1, a0
    csrr a0, tdata1
    PRINT "tdata1 := mcontrol6 napot", a0
    li a0, (2 << TDATA1_TYPE_SHIFT) | MCONTROL6_M | MCONTROL6_LOAD
    csrw tdata1, a0
    csrr a0, tdata1
    PRINT "tdata1 := type 2", a0
    csrw tdata1, zero
    csrr a0, tdata1
    PRINT "tdata1 := 0", a0
    li a0, -1
    csrw tdata2, a0
    csrr a0, tdata2
    PRINT "tdata2 := -1", a0
    csrw tdata2, zero
    li a0, -1
    csrw tdata3, a0
    csrr a0, tdata3
    PRINT "tdata3 := -1", a0
    csrw tinfo, a0
    csrr a0, tinfo
    PRINT "tinfo := -1", a0
    /* each trigger has its own tdata1 and tdata2 */
    li a0, 1
    csrw tselect, a0
    li a0, 0x1234
    csrw tdata2, a0
    csrw tselect, zero
    csrr a0, tdata2
    PRINT "tdata2 of 0 after writing 1's", a0
    li a0, 1
    csrw tselect, a0
    csrr a0, tdata2
    PRINT "tdata2 of 1", a0
    csrw tdata2, zero
    /* M-level CSRs: illegal in S and U */
    ENTER_MODE PRV_S, 1f
1:  TRY "csrr tselect in S", csrr a0, tselect
    TRY "csrw tdata1 in S", csrw tdata1, zero
    RETURN_TO_M
    ENTER_MODE PRV_U, 1f
1:  TRY "csrr tinfo in U", csrr a0, tinfo
    RETURN_TO_M
    PRINT_TRIES

    /* ---- execute ---- */
    la a1, x_m
    ARM 0, MC6 | MCONTROL6_M | MCONTROL6_EXECUTE, a1
    li a0, 0
    WITH_MIE x_m, addi a0, a0, 1
    BP_REPORT "execute in M", x_m, x_m
    PRINT "  the instruction ran, once", a0

    /* the same trigger, the same instruction, mstatus.MIE = 0: nothing */
    la a1, x_m0
    ARM 0, MC6 | MCONTROL6_M | MCONTROL6_EXECUTE, a1
x_m0: addi a0, a0, 1
    BP_REPORT "execute in M with MIE = 0", x_m0, x_m0
    csrw tdata1, zero

    /* a compressed instruction; a trigger on its second halfword does not match */
    la a1, x_c
    ARM 3, MC6 | MCONTROL6_M | MCONTROL6_EXECUTE, a1
    .option push
    .option rvc
    WITH_MIE x_c, c.addi a0, 1
    .option pop
    BP_REPORT "execute c.addi", x_c, x_c
    la a1, x_mid
    addi a1, a1, 2
    ARM 3, MC6 | MCONTROL6_M | MCONTROL6_EXECUTE, a1
    WITH_MIE x_mid, addi a0, a0, 1
    BP_REPORT "execute, trigger on the upper half", x_mid, x_mid
    csrw tdata1, zero
    PRINT "  ran", a0

    /* mode bits: U only does not fire in M; fires in U, trapping to M */
    la a1, x_u
    ARM 1, MC6 | MCONTROL6_U | MCONTROL6_EXECUTE, a1
    li a0, 0
    WITH_MIE x_u_call, jal x_u_sub
    BP_REPORT "execute (U trigger) in M", x_u, x_u
    ENTER_MODE PRV_U, 1f
1:  jal x_u_sub
    RETURN_TO_M
    BP_REPORT "execute (U trigger) in U", x_u, x_u
    PRINT "  ran", a0
    /* S only does not fire in U */
    ARM 1, MC6 | MCONTROL6_S | MCONTROL6_EXECUTE, a1
    ENTER_MODE PRV_U, 1f
1:  jal x_u_sub
    RETURN_TO_M
    BP_REPORT "execute (S trigger) in U", x_u, x_u
    PRINT "  ran", a0
    csrw tdata1, zero
    j 1f
x_u_sub:
x_u: addi a0, a0, 1
    ret
1:

    /* ---- loads ---- */
    la a2, buf
    addi a1, a2, 8
    ARM 2, MC6 | MCONTROL6_M | MCONTROL6_LOAD, a1
    li a0, 0
    WITH_MIE l_ld, ld a0, 8(a2)
    BP_REPORT "ld buf+8, load trigger buf+8", buf, l_ld
    PRINT "  loaded after the retry", a0
    ARM 2, MC6 | MCONTROL6_M | MCONTROL6_LOAD, a1
    WITH_MIE l_lh, lh a0, 7(a2)
    BP_REPORT "lh buf+7 (bytes 7-8)", buf, l_lh
    ARM 2, MC6 | MCONTROL6_M | MCONTROL6_LOAD, a1
    WITH_MIE l_ld0, ld a0, 0(a2)
    BP_REPORT "ld buf+0 (bytes 0-7)", buf, l_ld0
    PRINT "  loaded", a0
    WITH_MIE l_lb, lbu a0, 9(a2)
    BP_REPORT "lbu buf+9", buf, l_lb
    li a0, 0x55
    WITH_MIE l_sd, sd a0, 8(a2)
    BP_REPORT "sd buf+8, load trigger", buf, l_sd
    ld a0, 8(a2)
    PRINT "  stored", a0
    WITH_MIE l_lr, lr.d a0, (a1)
    BP_REPORT "lr.d buf+8", buf, l_lr
    ARM 2, MC6 | MCONTROL6_M | MCONTROL6_LOAD, a1
    WITH_MIE l_amo, amoadd.d a0, zero, (a1)
    BP_REPORT "amoadd.d buf+8, load trigger", buf, l_amo
    ARM 2, MC6 | MCONTROL6_M | MCONTROL6_LOAD, a1
    WITH_MIE l_fld, fld fa0, 8(a2)
    BP_REPORT "fld buf+8", buf, l_fld
    csrw tdata1, zero

    /* ge and lt */
    addi a1, a2, 16
    ARM 0, MC6 | MCONTROL6_M | MCONTROL6_LOAD | GE, a1
    WITH_MIE l_ge1, ld a0, 8(a2)
    BP_REPORT "ld buf+8, ge buf+16", buf, l_ge1
    WITH_MIE l_ge2, ld a0, 24(a2)
    BP_REPORT "ld buf+24, ge buf+16", buf, l_ge2
    ARM 0, MC6 | MCONTROL6_M | MCONTROL6_LOAD | LT, a1
    WITH_MIE l_lt1, ld a0, 16(a2)
    BP_REPORT "ld buf+16, lt buf+16", buf, l_lt1
    WITH_MIE l_lt2, lw a0, 12(a2)
    BP_REPORT "lw buf+12, lt buf+16", buf, l_lt2
    csrw tdata1, zero

    /* ---- stores ---- */
    addi a1, a2, 16
    li a3, 0x66
    ARM 1, MC6 | MCONTROL6_M | MCONTROL6_STORE, a1
    WITH_MIE l_ld16, ld a0, 16(a2)
    BP_REPORT "ld buf+16, store trigger", buf, l_ld16
    WITH_MIE l_sw, sw a3, 16(a2)
    BP_REPORT "sw buf+16", buf, l_sw
    ARM 1, MC6 | MCONTROL6_M | MCONTROL6_STORE, a1
    WITH_MIE l_sh, sh a3, 15(a2)
    BP_REPORT "sh buf+15 (bytes 15-16)", buf, l_sh
    ARM 1, MC6 | MCONTROL6_M | MCONTROL6_STORE, a1
    WITH_MIE l_sc, sc.d a0, a3, (a1)
    BP_REPORT "sc.d buf+16", buf, l_sc
    ARM 1, MC6 | MCONTROL6_M | MCONTROL6_STORE, a1
    WITH_MIE l_amo2, amoswap.d a0, a3, (a1)
    BP_REPORT "amoswap.d buf+16", buf, l_amo2
    ARM 1, MC6 | MCONTROL6_M | MCONTROL6_STORE, a1
    addi a4, a2, 40
    .option push
    .option arch, +zicboz
    csrsi mstatus, MSTATUS_MIE
l_cbo: cbo.zero (a4)
    csrci mstatus, MSTATUS_MIE
    .option pop
    BP_REPORT "cbo.zero buf+40 (its block holds buf+16)", buf, l_cbo
    ld a0, 16(a2)
    PRINT "  buf+16 after the retried cbo.zero", a0
    csrw tdata1, zero

    /* ---- delegated to S ---- */
    li t0, 1 << CAUSE_BREAKPOINT
    csrw medeleg, t0
    la a2, buf
    addi a1, a2, 24
    li a3, 0x77
    ARM 2, MC6 | MCONTROL6_U | MCONTROL6_STORE, a1
    ENTER_MODE PRV_U, 1f
1:
d_sd: sd a3, 24(a2)
    RETURN_TO_M
    BP_REPORT "sd buf+24 in U, delegated", buf, d_sd
    ld a0, 24(a2)
    PRINT "  buf+24 (skipped by the S handler)", a0
    /* S with SIE = 0 and breakpoints delegated: nothing fires */
    ARM 2, MC6 | MCONTROL6_S | MCONTROL6_STORE, a1
    ENTER_MODE PRV_S, 1f
1:
d_s0: sd a3, 24(a2)
    RETURN_TO_M
    BP_REPORT "sd buf+24 in S, SIE = 0", buf, d_s0
    li a3, 0x88
    li t0, MSTATUS_SIE
    csrs mstatus, t0
    ENTER_MODE PRV_S, 1f
1:
d_s1: sd a3, 24(a2)
    RETURN_TO_M
    csrci mstatus, MSTATUS_SIE
    BP_REPORT "sd buf+24 in S, SIE = 1", buf, d_s1
    ld a0, 24(a2)
    PRINT "  buf+24", a0
    csrw tdata1, zero
    csrw medeleg, zero

    /* ---- translation: loads and stores match the virtual address ---- */
    call build_tables
    SET_SATP SATP_MODE_SV39, root
    li s1, VA_PG
    li a1, VA_PG + 8
    ARM 0, MC6 | MCONTROL6_S | MCONTROL6_LOAD, a1
    li t0, MSTATUS_SIE              /* (not delegated: SIE does not matter) */
    csrc mstatus, t0
    ENTER_MODE PRV_S, 1f
1:
v_ld: ld a0, 8(s1)
    RETURN_TO_M
    PRINT "S ld VA 0x1008, trigger on VA 0x1008: mcause", s9
    PRINT "  mtval", s10
    PRINT "  loaded after the retry", a0
    BP_CLEAR
    la a1, pg
    addi a1, a1, 8
    ARM 0, MC6 | MCONTROL6_S | MCONTROL6_LOAD | MCONTROL6_STORE, a1
    li a3, 0x99
    ENTER_MODE PRV_S, 1f
1:
v_pa: ld a0, 8(s1)
    sd a3, 8(s1)
    RETURN_TO_M
    BP_REPORT "S ld/sd VA 0x1008, trigger on its physical address", buf, v_pa
    la t0, pg
    ld a0, 8(t0)
    PRINT "  pg+8", a0
    csrw tdata1, zero
    csrw satp, zero
    sfence.vma

    /* hit0 stays clear on a trigger that matched nothing */
    addi a1, a2, 8
    ARM 3, MC6 | MCONTROL6_M | MCONTROL6_LOAD, a1
    WITH_MIE l_h1, ld a0, 0(a2)
    WITH_MIE l_h2, ld a0, 16(a2)
    csrr a0, tdata1
    PRINT "tdata1 of a trigger that did not fire", a0
    csrw tdata1, zero
    BP_REPORT "(nothing since)", buf, buf
TEST_END
