/* Shared by the H-extension tests (h_*.S): trap handlers for M, HS and VS that
 * record each trap, and VTRY, which runs one instruction in a given mode with V
 * set or clear and prints the traps it took, with no code addresses:
 *     name: m=<mcause>,<mtval>,<mtval2>,mpv=<MPV>,mpp=<MPP> s=<scause>,<stval>,
 *           <htval>,spv=<SPV>,spvp=<SPVP>,gva=<hstatus.GVA> vs=<vscause>,<vstval>
 * A cause of ffffffffffffffff means no trap at that level; an ECALL from the
 * mode the instruction ran in (8, 9 or a) at M means it did not trap at all.
 * Include after test.h; set mtvec = h_mtrap, stvec = h_strap and
 * vstvec = h_vstrap first. */
/* The traps of one VTRY are recorded here: M (mcause, mtval, mtval2, mstatus),
 * HS (scause, stval, htval, hstatus) and VS (vscause, vstval). */
    .data
    .align 3
h_rec:  .dword 0, 0, 0, 0,  0, 0, 0, 0,  0, 0
h_cont: .dword 0
    .text

/* M-mode handler: records the trap and continues in M at h_cont. */
    .align 2
h_mtrap:
    la t6, h_rec
    csrr t5, mcause
    sd t5, 0(t6)
    csrr t5, mtval
    sd t5, 8(t6)
    csrr t5, mtval2
    sd t5, 16(t6)
    csrr t5, mstatus
    sd t5, 24(t6)
    ld t5, 80(t6)
    csrw mepc, t5
    li t5, MSTATUS_MPP
    csrs mstatus, t5
    /* MPV := 0 too: QEMU 7.2's MRET to M with MPV = 1 sets V (the spec: V stays 0) */
    li t5, MSTATUS_MPV
    csrc mstatus, t5
    mret

/* HS-mode handler: records the trap, then ECALL to M. */
    .align 2
h_strap:
    la t6, h_rec
    csrr t5, scause
    sd t5, 32(t6)
    csrr t5, stval
    sd t5, 40(t6)
    csrr t5, CSR_HTVAL
    sd t5, 48(t6)
    csrr t5, CSR_HSTATUS
    sd t5, 56(t6)
    ecall

/* VS-mode handler (vstvec): records the trap, then ECALL to M. */
    .align 2
h_vstrap:
    la t6, h_rec
    csrr t5, scause
    sd t5, 64(t6)
    csrr t5, stval
    sd t5, 72(t6)
    ecall

/* Print the records of the last VTRY (mstatus.GVA too when H_PRINT_MGVA is
 * defined: QEMU 7.2 sets it only for a nonzero tval and never clears it).
 * tvals of illegal and virtual instructions print as 0 (0 or the bits: the
 * spec leaves it open). */
h_print:
    addi sp, sp, -16
    sd ra, 0(sp)
    la s1, h_rec
    PUTS " m="
    ld a0, 0(s1)
    ld a1, 8(s1)
    call h_put_cause_tval
    PUTS ","
    ld a0, 16(s1)
    call rt_puthex
    ld s2, 24(s1)
    PUTS ",mpv="
    srli a0, s2, 39
    andi a0, a0, 1
    call rt_puthex
#ifdef H_PRINT_MGVA
    PUTS ",gva="
    srli a0, s2, 38
    andi a0, a0, 1
    call rt_puthex
#endif
    PUTS ",mpp="
    srli a0, s2, 11
    andi a0, a0, 3
    call rt_puthex
    PUTS " s="
    ld a0, 32(s1)
    ld a1, 40(s1)
    call h_put_cause_tval
    PUTS ","
    ld a0, 48(s1)
    call rt_puthex
    ld s2, 56(s1)
    PUTS ",spv="
    srli a0, s2, 7
    andi a0, a0, 1
    call rt_puthex
    PUTS ",spvp="
    srli a0, s2, 8
    andi a0, a0, 1
    call rt_puthex
    PUTS ",gva="
    srli a0, s2, 6
    andi a0, a0, 1
    call rt_puthex
    PUTS " vs="
    ld a0, 64(s1)
    ld a1, 72(s1)
    call h_put_cause_tval
    PUTS "\n"
    ld ra, 0(sp)
    addi sp, sp, 16
    ret

h_put_cause_tval:
    addi sp, sp, -16
    sd ra, 0(sp)
    sd a1, 8(sp)
    mv s3, a0
    call rt_puthex
    PUTS ","
    ld a0, 8(sp)
    li t0, CAUSE_ILLEGAL_INSTRUCTION
    bne s3, t0, 1f
    li a0, 0
1:  li t0, CAUSE_VIRTUAL_INSTRUCTION
    bne s3, t0, 2f
    li a0, 0
2:  call rt_puthex
    ld ra, 0(sp)
    addi sp, sp, 16
    ret

/* Clear the records; h_cont := label. Clobbers t0, t1. */
.macro H_RESET label
    la t0, h_rec
    li t1, -1
    sd t1, 0(t0)
    sd zero, 8(t0)
    sd zero, 16(t0)
    sd zero, 24(t0)
    sd t1, 32(t0)
    sd zero, 40(t0)
    sd zero, 48(t0)
    sd zero, 56(t0)
    sd t1, 64(t0)
    sd zero, 72(t0)
    la t1, \label
    sd t1, 80(t0)
.endm

/* Run insn in mode prv with V = virt (from M, through MRET), then come back
 * with ECALL; print the traps it took. Clobbers t0, t1, t5, t6, s1-s3. */
.macro VTRY name, prv, virt, insn:vararg
    H_RESET .Lvc\@
    li t0, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MPV
    csrc mstatus, t0
    li t0, (\prv << MSTATUS_MPP_SHIFT) | (\virt * MSTATUS_MPV)
    csrs mstatus, t0
    la t0, .Lvi\@
    csrw mepc, t0
    mret
.Lvi\@:
    \insn
    li a7, 0
    ecall
.Lvc\@:
    PUTS "\name:"
    call h_print
.endm

/* Print a CSR: "name=<hex>" (the name may hold spaces). Clobbers a0. */
.macro PCSR name, csr
    csrr a0, \csr
    PRINT "\name", a0
.endm

/* Write all ones, print, write zero, print. Clobbers t0, a0. */
.macro WARL name, csr
    li t0, -1
    csrw \csr, t0
    PCSR "\name (ones)", \csr
    csrw \csr, zero
    PCSR "\name (zero)", \csr
.endm

