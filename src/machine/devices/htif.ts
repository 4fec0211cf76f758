// HTIF, the Berkeley host-target interface used by riscv-tests and riscv-pk: two u64
// words in guest RAM at the ELF symbols `tohost` and `fromhost`. A command written to
// tohost is (device << 56) | (cmd << 48) | payload. Behaviour follows QEMU's
// hw/char/riscv_htif.c, which follows spike's fesvr:
//
//   device 0 cmd 0, payload odd:  end the run; exit code payload >> 1 (0 = pass)
//   device 0 cmd 0, payload even: proxied syscall; payload is the physical address of
//                                 magic_mem[8] = { number, a0..a6 }; the return value
//                                 goes back to magic_mem[0] and fromhost becomes 1
//   device 1 cmd 1:               putchar of the payload's low byte
//
// After a command tohost reads 0 again ("taken") and fromhost holds the response,
// (device << 56) | (cmd << 48) | response, which pk waits for and clears.

import type { CharSink } from '../host.js';
import type { GuestMemory } from './guest-memory.js';
import type { AccessSize, Device, PowerControl } from '../device.js';
import { mergeSlice, readSlice } from './u64-register.js';

// Linux/pk syscall numbers (riscv-pk pk/syscall.h) and errno values.
const SYS_WRITE = 64;
const SYS_EXIT = 93;
const SYS_EXIT_GROUP = 94;
const EBADF = 9;
const EFAULT = 14;
const ENOSYS = 38;

const PAYLOAD_MASK = (1n << 48n) - 1n;
const LOW32 = 0xffff_ffffn;
const MAGIC_MEM_BYTES = 64;

export class Htif {
  #tohost = 0n;
  #fromhost = 0n;

  /** Map at the `tohost` symbol, 8 bytes. */
  readonly tohost: Device = {
    read: (offset, size) => readWord(this.#tohost, offset, size),
    write: (offset, size, value) => {
      if (!validAccess(offset, size)) return false;
      // A 32-bit guest (or riscv-tests' `sw` pair) writes the low half, then the high
      // half; as in QEMU the command runs once the high half (or the whole word) lands.
      this.#tohost = mergeSlice(this.#tohost, offset, size, value);
      if (offset + size === 8) this.#command(this.#tohost);
      return true;
    },
  };

  /** Map at the `fromhost` symbol, 8 bytes. */
  readonly fromhost: Device = {
    read: (offset, size) => readWord(this.#fromhost, offset, size),
    write: (offset, size, value) => {
      if (!validAccess(offset, size)) return false;
      this.#fromhost = mergeSlice(this.#fromhost, offset, size, value);
      return true;
    },
  };

  constructor(
    private readonly memory: GuestMemory,
    private readonly console: CharSink,
    private readonly power: PowerControl,
  ) {}

  #command(word: bigint): void {
    if (word === 0n) return;
    const device = Number(word >> 56n);
    const cmd = Number((word >> 48n) & 0xffn);
    const payload = word & PAYLOAD_MASK;
    let response = 0n;
    if (device === 0 && cmd === 0) {
      if (payload & 1n) {
        this.power.exit(Number(payload >> 1n), 'htif');
      } else {
        this.#syscall(payload);
        response = 1n;
      }
    } else if (device === 1 && cmd === 1) {
      this.console.write(Uint8Array.of(Number(payload & 0xffn)));
      response = 0x100n | (payload & 0xffn);
    }
    // Unknown devices and commands are ignored but still answered, as QEMU does.
    this.#tohost = 0n;
    this.#fromhost = (word & ~PAYLOAD_MASK) | response;
  }

  #syscall(magicMem: bigint): void {
    const pa = Number(magicMem);
    const block = pa % 8 === 0 ? this.memory.read(pa, MAGIC_MEM_BYTES) : undefined;
    if (block === undefined) {
      this.power.fault(`htif: syscall block magic_mem at 0x${magicMem.toString(16)} is not 8-byte-aligned RAM`);
      return;
    }
    const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
    const word = (i: number): bigint => view.getBigUint64(8 * i, true);
    const arg = (i: number): bigint => word(i + 1);
    let ret: bigint;
    switch (Number(word(0))) {
      case SYS_WRITE:
        ret = this.#write(arg(0), arg(1), arg(2));
        break;
      case SYS_EXIT:
      case SYS_EXIT_GROUP:
        this.power.exit(Number(arg(0) & LOW32), 'htif');
        ret = 0n;
        break;
      default:
        ret = BigInt(-ENOSYS);
    }
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, ret), true);
    this.memory.write(pa, out);
  }

  #write(fd: bigint, buf: bigint, len: bigint): bigint {
    if (fd !== 1n && fd !== 2n) return BigInt(-EBADF);
    const bytes = buf + len <= BigInt(Number.MAX_SAFE_INTEGER) ? this.memory.read(Number(buf), Number(len)) : undefined;
    if (bytes === undefined) return BigInt(-EFAULT);
    this.console.write(bytes);
    return len;
  }
}

/** Aligned 4- and 8-byte accesses to one u64 word. */
function validAccess(offset: number, size: AccessSize): boolean {
  return (size === 4 || size === 8) && offset % size === 0 && offset + size <= 8;
}

function readWord(word: bigint, offset: number, size: AccessSize): bigint | undefined {
  return validAccess(offset, size) ? readSlice(word, offset, size) : undefined;
}
