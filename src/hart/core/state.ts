// Architectural state of the hart that is not a CSR: registers, pc, privilege,
// and the bookkeeping the run loop shares with the slow paths.
import { X_OFFSET, F_OFFSET } from './layout';
import { PRV_M } from '../spec/csr';

// The pc of the instruction being executed. The run loop keeps its own copy in a
// local and stores it here before anything that may trap.
export let PC: u64 = 0;
export let priv: i32 = PRV_M;
// The virtualization mode of the H extension: with priv, V=1 means VS (S) or VU (U).
export let virt: bool = false;

// Set by raiseException / takeInterrupt; the run loop reloads PC when it sees it.
export let trapped: bool = false;

// Non-negative when run() must return (an exit reason) at the next instruction boundary.
export let stopReason: i32 = -1;

@inline export function getX(r: u32): u64 { return load<u64>(X_OFFSET + (<usize>r << 3)); }
@inline export function setX(r: u32, v: u64): void { store<u64>(X_OFFSET + (<usize>r << 3), v); }
@inline export function getF(r: u32): u64 { return load<u64>(F_OFFSET + (<usize>r << 3)); }
@inline export function setF(r: u32, v: u64): void { store<u64>(F_OFFSET + (<usize>r << 3), v); }

// Exit reasons of run() (docs/hart-seam.md).
export const EXIT_BUDGET: i32 = 0;
export const EXIT_STOP: i32 = 1;
export const EXIT_WFI: i32 = 2;
export const EXIT_MTRAP: i32 = 3;
export const EXIT_TRAP_LOOP: i32 = 4;

// Memory access kinds, also the TLB kind index.
export const ACCESS_LOAD: i32 = 0;
export const ACCESS_STORE: i32 = 1;
export const ACCESS_FETCH: i32 = 2;
