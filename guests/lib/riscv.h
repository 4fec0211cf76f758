/* RISC-V privileged-architecture names used by the guest runtime (privileged spec v1.12). */
#ifndef GUESTS_LIB_RISCV_H
#define GUESTS_LIB_RISCV_H

#include <stdint.h>

#define csr_read(csr) \
	({ uint64_t v_; __asm__ volatile("csrr %0, " #csr : "=r"(v_)); v_; })
#define csr_write(csr, val) __asm__ volatile("csrw " #csr ", %0" : : "r"((uint64_t)(val)))
#define csr_set(csr, bits) __asm__ volatile("csrs " #csr ", %0" : : "r"((uint64_t)(bits)))
#define csr_clear(csr, bits) __asm__ volatile("csrc " #csr ", %0" : : "r"((uint64_t)(bits)))

#define MSTATUS_MPP_SHIFT 11
#define MSTATUS_MPP (3ULL << MSTATUS_MPP_SHIFT)
#define MSTATUS_FS_INITIAL (1ULL << 13)

#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

#define MCAUSE_INTERRUPT (1ULL << 63)

/* mcounteren / scounteren: CY, TM, IR */
#define COUNTEREN_ALL 7

/* pmpcfg fields */
#define PMP_R 0x01
#define PMP_W 0x02
#define PMP_X 0x04
#define PMP_NAPOT 0x18

/* Sv39 (privileged spec 4.4) */
#define SATP_MODE_SV39 (8ULL << 60)
#define PAGE_SHIFT 12
#define PAGE_SIZE (1ULL << PAGE_SHIFT)
#define PTE_V (1 << 0)
#define PTE_R (1 << 1)
#define PTE_W (1 << 2)
#define PTE_X (1 << 3)
#define PTE_U (1 << 4)
#define PTE_G (1 << 5)
#define PTE_A (1 << 6)
#define PTE_D (1 << 7)
#define PTE_PPN_SHIFT 10
#define SV39_LEVELS 3
#define SV39_PTES_PER_TABLE 512

#endif
