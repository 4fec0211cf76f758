/* C extension (RV64C): every compressed instruction, written with its c.
 * mnemonic so the assembler must emit the 16-bit form, with immediates at
 * their range limits and sign extension checked; the link values of c.jalr
 * (pc + 2); c.jr/c.jalr dropping bit 0 of the target; c.ebreak; HINT
 * encodings (rd = x0) executing as no-ops; and the all-zero halfword, which
 * is defined to be illegal.
 * Unprivileged spec: "C" Standard Extension, 16.3-16.8 (load/store,
 * control transfer, integer computational, NOP, breakpoint), 16.7 HINTs,
 * and 16.1 ("a 16-bit instruction with all bits zero is ... illegal"). */
#include "test.h"

    .data
    .align 4
cdata:
    .dword 0x8877665544332211, 0xfedcba9876543210
    .dword 0x3ff8000000000000, 0         /* 1.5 */
    .skip 256

    .text
    .option rvc

TEST_BEGIN
    /* CL / CS format: rd', rs1' in x8-x15 */
    la s0, cdata
    c.lw a0, 0(s0)
    PRINT "c.lw 0", a0
    c.lw a0, 12(s0)
    PRINT "c.lw 12", a0
    c.ld a1, 8(s0)
    PRINT "c.ld 8", a1
    c.sw a1, 24(s0)
    c.sd a1, 32(s0)
    ld a2, 24(s0)
    PRINT "c.sw", a2
    ld a2, 32(s0)
    PRINT "c.sd", a2
    addi s1, s0, -120
    c.sd a1, 248(s1)                  /* the largest offsets */
    c.ld a3, 248(s1)
    PRINT "c.sd/c.ld 248", a3
    c.sw a1, 124(s1)
    c.lw a3, 124(s1)
    PRINT "c.sw/c.lw 124", a3
    c.fld fa0, 16(s0)
    c.fsd fa0, 40(s0)
    ld a2, 40(s0)
    PRINT "c.fld/c.fsd", a2

    /* CSS / CI stack-relative forms, on a scratch area at sp */
    addi sp, sp, -64
    li a0, 0x0123456789abcdef
    c.sdsp a0, 8(sp)
    c.ldsp a1, 8(sp)
    PRINT "c.sdsp/c.ldsp", a1
    c.swsp a0, 16(sp)
    c.lwsp a1, 16(sp)
    PRINT "c.swsp/c.lwsp", a1         /* 0x89abcdef sign-extended */
    c.fsdsp fa0, 24(sp)
    c.fldsp fa1, 24(sp)
    fmv.x.d a1, fa1
    PRINT "c.fsdsp/c.fldsp", a1
    c.addi4spn a2, sp, 8
    sub a2, a2, sp
    PRINT "c.addi4spn 8", a2
    c.addi4spn a2, sp, 1020
    sub a2, a2, sp
    PRINT "c.addi4spn 1020", a2
    addi sp, sp, 64
    mv a3, sp
    c.addi16sp sp, -512
    sub a2, sp, a3
    c.addi16sp sp, 496
    c.addi16sp sp, 16
    sub a4, sp, a3
    PRINT2 "c.addi16sp -512, then back", a2, a4

    /* CI integer forms */
    c.li a0, -32
    PRINT "c.li -32", a0
    c.li a0, 31
    PRINT "c.li 31", a0
    c.lui a0, 1
    PRINT "c.lui 1", a0
    c.lui a0, 0x1f
    PRINT "c.lui 0x1f", a0
    c.lui a0, 0xfffe0                 /* nzimm = -32: sign-extended */
    PRINT "c.lui 0xfffe0", a0
    li a0, 10
    c.addi a0, -32
    PRINT "c.addi 10 -32", a0
    c.addi a0, 31
    PRINT "c.addi +31", a0
    li a0, 0x7fffffff
    c.addiw a0, 1
    PRINT "c.addiw 0x7fffffff 1", a0
    li a0, 0x100000000
    c.addiw a0, 0                     /* sext.w */
    PRINT "c.addiw 0x100000000 0", a0
    li a0, 1
    c.slli a0, 63
    PRINT "c.slli 63", a0
    c.srai a0, 63
    PRINT "c.srai 63", a0
    c.srli a0, 1
    PRINT "c.srli 1", a0
    li a0, -1
    c.srli a0, 60
    PRINT "c.srli 60", a0
    li a0, -1
    c.andi a0, -32
    PRINT "c.andi -32", a0
    li a0, 0xff
    c.andi a0, 0x15
    PRINT "c.andi 0x15", a0

    /* CR / CA forms */
    li a0, 0xff00ff00ff00ff00
    li a1, 0x0ff00ff00ff00ff0
    mv a2, a0
    c.and a2, a1
    PRINT "c.and", a2
    mv a2, a0
    c.or a2, a1
    PRINT "c.or", a2
    mv a2, a0
    c.xor a2, a1
    PRINT "c.xor", a2
    mv a2, a0
    c.sub a2, a1
    PRINT "c.sub", a2
    li a2, 0x7fffffff
    li a3, 1
    c.addw a2, a3
    PRINT "c.addw", a2
    li a2, 0x80000000
    c.subw a2, a3
    PRINT "c.subw", a2
    c.mv t3, a0
    PRINT "c.mv", t3
    li t3, 5
    c.add t3, a1
    PRINT "c.add", t3
    c.nop

    /* control transfer */
    li a0, 0
    c.j 1f
    li a0, 1
1:  PRINT "c.j skipped", a0
    li s0, 0
    li a0, 0
    c.beqz s0, 1f
    li a0, 1
1:  c.bnez s0, 1f                     /* not taken */
    addi a0, a0, 2
1:  PRINT "c.beqz taken, c.bnez not", a0
    li s0, -1
    c.bnez s0, 1f
    li a0, 0
1:  PRINT "c.bnez taken", a0
    c.beqz s0, 1f
    li a0, 7
1:  PRINT "c.beqz not taken", a0
    la t0, 2f
    c.jalr t0
3:  j 4f
2:  la t1, 3b
    sub t1, ra, t1
    PRINT "c.jalr link - next", t1
4:  la t0, 5f
    c.jr t0
    PUTS "c.jr fell through\n"
5:  la t0, 6f + 1                     /* odd target: bit 0 dropped */
    c.jr t0
    PUTS "c.jr odd fell through\n"
6:  la t0, 7f + 1
    c.jalr t0
    PUTS "c.jalr odd fell through\n"
7:  PUTS "odd targets ok\n"

    /* breakpoint: cause 3, epc at the c.ebreak, skipped as 2 bytes */
    c.ebreak
    PUTS "after c.ebreak\n"

    /* HINTs: no architectural effect (rd = x0) */
    li a0, 99
    .hword 0x4015                     /* c.li x0, 5 */
    .hword 0x802a                     /* c.mv x0, a0 */
    .hword 0x902a                     /* c.add x0, a0 */
    .hword 0x0005                     /* c.nop 1 (c.addi x0, 1) */
    .hword 0x0006                     /* c.slli x0, 1 */
    .hword 0x6005                     /* c.lui x0, 1 */
    PRINT "x0 after hints", zero
    PRINT "a0 after hints", a0

    /* the all-zero halfword is illegal (epc is this halfword, length 2) */
    .hword 0x0000
    PUTS "after 0x0000\n"
TEST_END
