/* The Sv39 identity map shared by sv39.c and vs-sv39.c (sv39-map.c). */
#ifndef GUESTS_LIB_SV39_MAP_H
#define GUESTS_LIB_SV39_MAP_H

#include <stdint.h>

/* One leaf table maps 2 MiB; enough of them for the largest guest we build. */
#define SV39_MAX_MAPPED (32ULL << 20)

/* Maps the program's RAM one to one; returns the root table's address. */
uint64_t sv39_map_identity(void);

uint64_t sv39_pte_to(const void *pa, uint64_t flags);
unsigned sv39_vpn(uint64_t va, int level);
__attribute__((noreturn)) void sv39_fail(const char *who, const char *why);

#endif
