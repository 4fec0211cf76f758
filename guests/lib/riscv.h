/* RISC-V privileged-architecture names used by the guest runtime (privileged spec v1.12).
 * CSR numbers and fields, causes and PTE bits come from the headers generated from the
 * hart's own src/hart/spec/ (build/include/cellvisor/, see guests/README.md). */
#ifndef GUESTS_LIB_RISCV_H
#define GUESTS_LIB_RISCV_H

#include <stdint.h>

#include <cellvisor/causes.h>
#include <cellvisor/csr.h>
#include <cellvisor/pte.h>

#define csr_read(csr) \
	({ uint64_t v_; __asm__ volatile("csrr %0, " #csr : "=r"(v_)); v_; })
#define csr_write(csr, val) __asm__ volatile("csrw " #csr ", %0" : : "r"((uint64_t)(val)))
#define csr_set(csr, bits) __asm__ volatile("csrs " #csr ", %0" : : "r"((uint64_t)(bits)))
#define csr_clear(csr, bits) __asm__ volatile("csrc " #csr ", %0" : : "r"((uint64_t)(bits)))

/* mcounteren / scounteren: CY, TM, IR */
#define COUNTEREN_ALL (COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR)

/* Sv39 (privileged spec 4.4) */
#define PAGE_SHIFT 12
#define PAGE_SIZE (1ULL << PAGE_SHIFT)
#define SV39_LEVELS 3
#define SV39_PTES_PER_TABLE 512

#endif
