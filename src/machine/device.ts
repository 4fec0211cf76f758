// The interface every board device implements (ARCHITECTURE.md, machine/). Offsets are
// relative to the device's base in the physical address map.

import type { AccessSize } from '../hart/index.js';

export type { AccessSize } from '../hart/index.js';

export interface Device {
  /** The value read, zero-extended to 64 bits; `undefined` raises an access fault in the guest. */
  read(offset: number, size: AccessSize): bigint | undefined;
  /** False raises an access fault in the guest. */
  write(offset: number, size: AccessSize, value: bigint): boolean;
}

/** How a device ends the run: the guest asked for power-off, failure or reset. */
export interface PowerControl {
  /** Stop the machine with this exit code: 0 is success. */
  exit(code: number, source: ExitSource): void;
  reset(source: ExitSource): void;
  /** The guest broke a device protocol badly enough that the run cannot go on. */
  fault(message: string): void;
}

export type ExitSource = 'htif' | 'test finisher' | 'sbi' | 'kernel';
