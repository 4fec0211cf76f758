/* Sdtrig triggers with the H extension: mcontrol6's VS and VU bits (23, 24)
 * choose whether a trigger fires in V=1's S and U modes; its S and U bits
 * count only for V=0, and VS and VU only for V=1. A breakpoint taken from V=1
 * reports the guest virtual address as tval with mstatus.GVA (or hstatus.GVA)
 * set, and MPV (SPV, SPVP) as any trap from V=1 does; it is delegated like
 * any exception, to HS by medeleg[3] and on to VS by hedeleg[3]. As for
 * native triggers without H (sdtrig.S), none fires in VS-mode while
 * vsstatus.SIE = 0 when breakpoints are delegated to VS: the handler it would
 * enter could not have saved anything. The accesses go to UNMAPPED_ADDR + 0x10
 * with both stages off: a load that no trigger stops is an access fault.
 * RISC-V Debug Specification 1.0, "Sdtrig": mcontrol6 (vs, vu), "Native
 * Triggers"; privileged spec 1.12, 8.6.4 (trap entry with V=1).
 * hand-written: QEMU 7.2 implements type 2 (mcontrol) triggers, not mcontrol6
 * cellvisor-cpu: rva22h */
#include "test.h"
#define H_PRINT_MGVA
#include "hyp.h"

#define MC6      (TRIGGER_TYPE_MCONTROL6 << TDATA1_TYPE_SHIFT)
#define ADDR     (UNMAPPED_ADDR + 0x10)

/* Trigger 0 := mcontrol6 `ctl` on ADDR (clobbers t0). */
.macro ARM ctl
    csrw tselect, zero
    csrw tdata1, zero
    li t0, ADDR
    csrw tdata2, t0
    li t0, \ctl
    csrw tdata1, t0
.endm

TEST_BEGIN
    /* WARL: with H, vs and vu are writable */
    li t0, MC6 | MCONTROL6_VS | MCONTROL6_VU | MCONTROL6_LOAD
    csrw tdata1, t0
    PCSR "tdata1 := mcontrol6 vs vu load", tdata1
    li t0, MC6 | MCONTROL6_VS
    csrw tdata1, t0
    PCSR "tdata1 := mcontrol6 vs", tdata1
    csrw tdata1, zero

    la t0, h_mtrap
    csrw mtvec, t0
    la t0, h_strap
    csrw stvec, t0
    la t0, h_vstrap
    csrw CSR_VSTVEC, t0
    li s5, ADDR

    ARM MC6 | MCONTROL6_VS | MCONTROL6_LOAD
    VTRY "vs load trigger, load in VS", PRV_S, 1, ld s4, 0(s5)
    PCSR "tdata1 after it fired", tdata1
    ARM MC6 | MCONTROL6_VS | MCONTROL6_LOAD
    VTRY "vs load trigger, load in HS", PRV_S, 0, ld s4, 0(s5)
    VTRY "vs load trigger, load in VU", PRV_U, 1, ld s4, 0(s5)
    ARM MC6 | MCONTROL6_VU | MCONTROL6_LOAD
    VTRY "vu load trigger, load in VU", PRV_U, 1, ld s4, 0(s5)
    VTRY "vu load trigger, load in VS", PRV_S, 1, ld s4, 0(s5)
    VTRY "vu load trigger, load in U", PRV_U, 0, ld s4, 0(s5)
    ARM MC6 | MCONTROL6_S | MCONTROL6_U | MCONTROL6_LOAD
    VTRY "s u load trigger, load in VS", PRV_S, 1, ld s4, 0(s5)
    VTRY "s u load trigger, load in VU", PRV_U, 1, ld s4, 0(s5)
    VTRY "s u load trigger, load in HS", PRV_S, 0, ld s4, 0(s5)
    ARM MC6 | MCONTROL6_VS | MCONTROL6_STORE
    VTRY "vs store trigger, store in VS", PRV_S, 1, sd zero, 0(s5)
    ARM MC6 | MCONTROL6_VS | MCONTROL6_EXECUTE
    VTRY "vs execute trigger, jump in VS", PRV_S, 1, jr s5

    /* delegated to HS */
    li t0, 1 << CAUSE_BREAKPOINT
    csrw medeleg, t0
    ARM MC6 | MCONTROL6_VS | MCONTROL6_VU | MCONTROL6_LOAD
    VTRY "to HS, load in VS", PRV_S, 1, ld s4, 0(s5)
    VTRY "to HS, load in VU", PRV_U, 1, ld s4, 0(s5)
    /* and on to VS: not while vsstatus.SIE = 0 in VS-mode */
    li t0, 1 << CAUSE_BREAKPOINT
    csrw CSR_HEDELEG, t0
    csrw CSR_VSSTATUS, zero
    VTRY "to VS, load in VS with SIE = 0", PRV_S, 1, ld s4, 0(s5)
    VTRY "to VS, load in VU with SIE = 0", PRV_U, 1, ld s4, 0(s5)
    csrsi CSR_VSSTATUS, MSTATUS_SIE
    VTRY "to VS, load in VS with SIE = 1", PRV_S, 1, ld s4, 0(s5)
    csrw CSR_HEDELEG, zero
    csrw medeleg, zero
    csrw tdata1, zero
TEST_END
