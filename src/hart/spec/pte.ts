// Page-table entries of Sv39/Sv48 (privileged spec v1.12 4.3.1, 4.4.1; Svnapot,
// Svpbmt), for the hart core, the TypeScript host and (build/include/cellvisor/pte.h)
// the C and assembly guests and tests. What may go in these modules: src/hart/spec/README.md.

export const PTE_V = 1 << 0;
export const PTE_R = 1 << 1;
export const PTE_W = 1 << 2;
export const PTE_X = 1 << 3;
export const PTE_U = 1 << 4;
export const PTE_G = 1 << 5;
export const PTE_A = 1 << 6;
export const PTE_D = 1 << 7;
export const PTE_PPN_SHIFT = 10;

// Svpbmt's PBMT field, bits 62:61: PMA (0), NC (1), IO (2); 3 is reserved.
export const PTE_PBMT = 0x6000000000000000;
export const PTE_PBMT_NC = 0x2000000000000000;
export const PTE_PBMT_IO = 0x4000000000000000;
export const PTE_PBMT_RSVD = 0x6000000000000000;
// Svnapot's N bit.
export const PTE_N = 0x8000000000000000;
