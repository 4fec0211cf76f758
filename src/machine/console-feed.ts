// Deterministic console input (`cellvisor machine --input`): host bytes (a file, a pipe)
// reach the UART when the guest asks for them, never at a moment chosen by real time, so
// two runs with the same input retire the same instructions and print the same bytes
// (ARCHITECTURE.md, "Deterministic"). The live console, where input arrives when it
// arrives, is cli/live-console.ts.
//
// The guest "asks" in one of two ways, and gets one line (up to and including '\n', or
// the rest of the input) each time:
//   - it idles (WFI) with the UART's receive interrupt enabled and nothing left to read:
//     an interrupt-driven driver with an open terminal (Linux's 8250 with a shell);
//   - it polls LSR and finds no data POLLS_PER_LINE times in a row without transmitting
//     in between: a polling reader (U-Boot, bare-metal programs). Polls interleaved with
//     output (a driver waiting for THRE) do not count.
// A line is handed over only whole: the source is read until a newline or its end, so
// how the host chunks the stream cannot change what the guest sees.

import type { AccessSize, Device } from './device.js';
import type { Uart16550 } from './devices/uart16550.js';
import type { CharSource } from './host.js';
import type { IdleParticipant } from './machine.js';

const RBR_THR = 0;
const IER = 1;
const LCR = 3;
const LSR = 5;
const IER_ERBFI = 0x01;
const LCR_DLAB = 0x80;
const NEWLINE = 0x0a;

/** Empty LSR polls with no output in between that count as "waiting for input". */
export const POLLS_PER_LINE = 64;

/**
 * Splits a CharSource into whole lines. Kept by the host across guest resets, so a
 * line read ahead from the source is not lost when the board is rebuilt.
 */
export class ConsoleLines {
  #buffer = new Uint8Array(0);
  #ended = false;

  constructor(private readonly source: CharSource) {}

  /** Nothing is buffered and the source has ended. */
  get exhausted(): boolean {
    return this.#ended && this.#buffer.length === 0;
  }

  /** The next line with its newline (the last may lack one); undefined at the end. */
  next(): Uint8Array | undefined {
    let nl = this.#buffer.indexOf(NEWLINE);
    while (nl < 0 && !this.#ended) {
      const more = this.source.read();
      if (more === undefined) {
        this.#ended = true;
        break;
      }
      const from = this.#buffer.length;
      const joined = new Uint8Array(from + more.length);
      joined.set(this.#buffer);
      joined.set(more, from);
      this.#buffer = joined;
      const at = more.indexOf(NEWLINE);
      nl = at < 0 ? -1 : from + at;
    }
    const end = nl < 0 ? this.#buffer.length : nl + 1;
    if (end === 0) return undefined;
    const line = this.#buffer.slice(0, end);
    this.#buffer = this.#buffer.slice(end);
    return line;
  }
}

/** Sits in front of the UART on the bus and feeds it from the host's input. */
export class ConsoleFeed implements Device, IdleParticipant {
  readonly #lines: ConsoleLines;
  #emptyPolls = 0;

  constructor(
    private readonly uart: Uart16550,
    input: CharSource | ConsoleLines,
  ) {
    this.#lines = input instanceof ConsoleLines ? input : new ConsoleLines(input);
  }

  read(offset: number, size: AccessSize): bigint | undefined {
    if (offset === LSR && this.uart.rxPending === 0 && !this.#lines.exhausted) {
      if (++this.#emptyPolls >= POLLS_PER_LINE) {
        this.#emptyPolls = 0;
        this.#deliverLine();
      }
    }
    return this.uart.read(offset, size);
  }

  write(offset: number, size: AccessSize, value: bigint): boolean {
    if (offset === RBR_THR) this.#emptyPolls = 0;
    return this.uart.write(offset, size, value);
  }

  idle(): boolean {
    if (this.#lines.exhausted || this.uart.rxPending !== 0 || !this.#receiveInterruptEnabled()) return false;
    return this.#deliverLine();
  }

  /** IER.ERBFI, read without side effects (LCR and IER reads have none). */
  #receiveInterruptEnabled(): boolean {
    if ((Number(this.uart.read(LCR, 1)) & LCR_DLAB) !== 0) return false;
    return (Number(this.uart.read(IER, 1)) & IER_ERBFI) !== 0;
  }

  /** Hands the UART the next whole line; false if the input has ended. */
  #deliverLine(): boolean {
    const line = this.#lines.next();
    if (line === undefined) return false;
    this.uart.receive(line);
    return true;
  }
}
