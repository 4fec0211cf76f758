/* The start-up sequence shared by all bare-metal guests (crt0.S, start.c). */
#ifndef GUESTS_LIB_START_H
#define GUESTS_LIB_START_H

#include <stdint.h>

/* Exit code of a guest stopped by an unexpected trap. */
#define CV_EXIT_TRAP 126

/*
 * Runs next() in the privilege mode and address space the program wants: the default
 * calls it in M-mode; sv39.c replaces it to enter S-mode under Sv39 first.
 */
void cv_enter(void (*next)(void));

/* Where main() runs, in words, for programs that say so; set by the same start-up. */
extern const char *const cv_environment;

void cv_start(void);
__attribute__((noreturn)) void cv_trap(uint64_t mcause, uint64_t mepc, uint64_t mtval,
				       uint64_t mstatus);

#endif
