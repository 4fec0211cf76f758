// The NS16550A UART ("ns16550a", QEMU virt: 0x10000000, PLIC source 10), per National
// Semiconductor's PC16550D datasheet: eight byte-wide registers (reg-shift 0), the
// divisor latch behind LCR.DLAB, 16-byte FIFOs, and the interrupt identification
// priorities line status > received data > THR empty > modem status.
//
// The interrupt line is reported at the events where QEMU's serial.c reports it (a THR
// write, a changed IER, an FCR write, an RBR read, an IIR read that clears THRE, an MSR
// read that clears deltas, received bytes): with QEMU's PLIC each report of a high line
// is a new request, so reporting at other times would add interrupts QEMU never gives.
// The reset values are QEMU's too (divisor 12, MCR.OUT2 set).
//
// Timing is not modelled: a byte written to THR leaves at once (THRE and TEMT stay
// set), and received bytes wait in a backlog the host fills with `receive`, so the
// receiver never overruns (as if the host side were flow-controlled). Without a baud
// clock the FIFO character timeout is reported as soon as fewer bytes than the trigger
// level wait, which drivers treat exactly like "data available".

import type { AccessSize, Device } from '../device.js';
import type { CharSink } from '../host.js';
import type { InterruptLine } from './interrupt-line.js';

/** Bytes of the register window on QEMU virt (device tree `reg`). */
export const UART_SIZE = 0x100;

// Register offsets (DLAB = 0 unless noted).
const RBR_THR_DLL = 0;
const IER_DLM = 1;
const IIR_FCR = 2;
const LCR = 3;
const MCR = 4;
const LSR = 5;
const MSR = 6;
const SCR = 7;

const IER_ERBFI = 0x01; // received data available
const IER_ETBEI = 0x02; // transmitter holding register empty
const IER_EDSSI = 0x08; // modem status
const IER_MASK = 0x0f;

const IIR_NO_INT = 0x01;
const IIR_RDA = 0x04;
const IIR_CTI = 0x0c;
const IIR_THRE = 0x02;
const IIR_MSR = 0x00;
const IIR_FIFO_ENABLED = 0xc0;

const FCR_ENABLE = 0x01;
const FCR_CLEAR_RX = 0x02;
const FCR_TRIGGER_SHIFT = 6;
/** FCR bits that stick: enable, DMA mode, trigger level (the clear bits act once). */
const FCR_STICKY = 0xc9;
const RX_TRIGGER = [1, 4, 8, 14];

const LCR_DLAB = 0x80;

const MCR_DTR = 0x01;
const MCR_RTS = 0x02;
const MCR_OUT1 = 0x04;
const MCR_OUT2 = 0x08;
const MCR_LOOP = 0x10;
const MCR_MASK = 0x1f;

const LSR_DR = 0x01;
const LSR_THRE = 0x20;
const LSR_TEMT = 0x40;

const MSR_DELTAS = 0x0f;
const MSR_CTS = 0x10;
const MSR_DSR = 0x20;
const MSR_RI = 0x40;
const MSR_DCD = 0x80;
/** Outside loopback the line is "connected": CTS, DSR and DCD asserted (as QEMU reports). */
const MSR_CONNECTED = MSR_CTS | MSR_DSR | MSR_DCD;

const FIFO_DEPTH = 16;

export class Uart16550 implements Device {
  #ier = 0;
  #lcr = 0;
  #mcr = MCR_OUT2;
  #msr = MSR_CONNECTED;
  #scr = 0;
  /** Divisor 12 (9600 baud from 1.8432 MHz), QEMU's reset value. */
  #dll = 12;
  #dlm = 0;
  /** The sticky FCR bits last written; rewriting the same value changes nothing (as QEMU). */
  #fcr = 0;
  /** The level last reported on the line. */
  #reported = false;
  #fifoEnabled = false;
  #rxTrigger = 1;
  /** The THRE interrupt is pending: set when THR empties, cleared by an IIR read reporting it or a THR write. */
  #thrInterrupt = false;
  /** Received bytes not yet read: the head (up to the FIFO depth) is in the FIFO, the rest still "on the wire". */
  #rx: number[] = [];
  #rxHead = 0;

  constructor(
    private readonly sink: CharSink,
    private readonly irq: InterruptLine,
  ) {}

  /** Bytes arriving from the host terminal, in order. */
  receive(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    for (const b of bytes) this.#rx.push(b);
    this.#update();
  }

  /** Received bytes the guest has not read yet. */
  get rxPending(): number {
    return this.#rx.length - this.#rxHead;
  }

  read(offset: number, _size: AccessSize): bigint | undefined {
    // Byte registers: a wider access reads the addressed register zero-extended.
    return BigInt(this.#read8(offset));
  }

  write(offset: number, _size: AccessSize, value: bigint): boolean {
    // A wider write stores its low byte into the addressed register.
    this.#write8(offset, Number(value & 0xffn));
    return true;
  }

  #read8(offset: number): number {
    const dlab = (this.#lcr & LCR_DLAB) !== 0;
    switch (offset) {
      case RBR_THR_DLL:
        return dlab ? this.#dll : this.#readRbr();
      case IER_DLM:
        return dlab ? this.#dlm : this.#ier;
      case IIR_FCR:
        return this.#readIir();
      case LCR:
        return this.#lcr;
      case MCR:
        return this.#mcr;
      case LSR:
        return this.#lsr();
      case MSR: {
        const value = this.#msr;
        if ((value & MSR_DELTAS) !== 0) {
          this.#msr &= ~MSR_DELTAS; // delta bits clear on read
          this.#update();
        }
        return value;
      }
      case SCR:
        return this.#scr;
      default:
        return 0;
    }
  }

  #write8(offset: number, value: number): void {
    const dlab = (this.#lcr & LCR_DLAB) !== 0;
    switch (offset) {
      case RBR_THR_DLL:
        if (dlab) this.#dll = value;
        else this.#writeThr(value);
        break;
      case IER_DLM:
        if (dlab) {
          this.#dlm = value;
        } else {
          const was = this.#ier;
          this.#ier = value & IER_MASK;
          if (this.#ier === was) break;
          // Enabling ETBEI while THR is empty raises THRE at once: drivers start
          // transmission this way.
          if ((this.#ier & IER_ETBEI) !== 0 && (was & IER_ETBEI) === 0) this.#thrInterrupt = true;
          this.#update();
        }
        break;
      case IIR_FCR:
        this.#writeFcr(value);
        break;
      case LCR:
        this.#lcr = value;
        break;
      case MCR:
        this.#writeMcr(value & MCR_MASK);
        // Loopback may change MSR and so the modem status interrupt: report only a change.
        if ((this.#pendingId() !== IIR_NO_INT) !== this.#reported) this.#update();
        break;
      case SCR:
        this.#scr = value;
        break;
      default:
        // LSR and MSR are read-only; offsets past SCR are not registers.
        break;
    }
  }

  #readRbr(): number {
    if (this.rxPending === 0) {
      this.#update();
      return 0;
    }
    const byte = this.#rx[this.#rxHead++];
    if (this.#rxHead === this.#rx.length) {
      this.#rx = [];
      this.#rxHead = 0;
    } else if (this.#rxHead >= 4096) {
      this.#rx = this.#rx.slice(this.#rxHead);
      this.#rxHead = 0;
    }
    this.#update();
    return byte;
  }

  #writeThr(byte: number): void {
    // Writing THR clears THRE; the byte leaves at once and THR is empty again.
    this.#thrInterrupt = false;
    this.#update();
    if ((this.#mcr & MCR_LOOP) !== 0) {
      this.#rx.push(byte);
    } else {
      this.sink.write(Uint8Array.of(byte));
    }
    this.#thrInterrupt = true;
    this.#update();
  }

  #writeFcr(value: number): void {
    if (value === this.#fcr) return;
    this.#fcr = value & FCR_STICKY;
    this.#applyFcr(value);
    this.#update();
  }

  #applyFcr(value: number): void {
    const enable = (value & FCR_ENABLE) !== 0;
    if (enable !== this.#fifoEnabled) {
      // Changing the FIFO mode empties both FIFOs (datasheet, FCR bit 0).
      this.#fifoEnabled = enable;
      this.#clearRxFifo();
    }
    if (!enable) return;
    if ((value & FCR_CLEAR_RX) !== 0) this.#clearRxFifo();
    this.#rxTrigger = RX_TRIGGER[(value >> FCR_TRIGGER_SHIFT) & 3];
  }

  /** Drops what the FIFO holds (the bytes still "on the wire" then arrive into it). */
  #clearRxFifo(): void {
    this.#rxHead += Math.min(this.rxPending, FIFO_DEPTH);
    if (this.#rxHead === this.#rx.length) {
      this.#rx = [];
      this.#rxHead = 0;
    }
  }

  #writeMcr(value: number): void {
    this.#mcr = value;
    const before = this.#msr;
    let status = MSR_CONNECTED;
    if ((value & MCR_LOOP) !== 0) {
      // Loopback wires the modem outputs back to the inputs (datasheet, MCR bit 4).
      status = 0;
      if (value & MCR_RTS) status |= MSR_CTS;
      if (value & MCR_DTR) status |= MSR_DSR;
      if (value & MCR_OUT1) status |= MSR_RI;
      if (value & MCR_OUT2) status |= MSR_DCD;
    }
    let deltas = before & MSR_DELTAS;
    const changed = (before ^ status) & 0xf0;
    if (changed & MSR_CTS) deltas |= 0x01;
    if (changed & MSR_DSR) deltas |= 0x02;
    if ((before & MSR_RI) !== 0 && (status & MSR_RI) === 0) deltas |= 0x04; // TERI: trailing edge of RI
    if (changed & MSR_DCD) deltas |= 0x08;
    this.#msr = status | deltas;
  }

  #lsr(): number {
    // No overrun, parity, framing or break errors can happen here (OE, PE, FE, BI stay 0).
    return (this.rxPending > 0 ? LSR_DR : 0) | LSR_THRE | LSR_TEMT;
  }

  /** The highest-priority pending interrupt, as IIR bits 3:0. */
  #pendingId(): number {
    // Receiver line status (IIR 0x6, highest priority) never arises: LSR has no errors.
    if ((this.#ier & IER_ERBFI) !== 0 && this.rxPending > 0) {
      if (!this.#fifoEnabled) return IIR_RDA;
      return Math.min(this.rxPending, FIFO_DEPTH) >= this.#rxTrigger ? IIR_RDA : IIR_CTI;
    }
    if ((this.#ier & IER_ETBEI) !== 0 && this.#thrInterrupt) return IIR_THRE;
    if ((this.#ier & IER_EDSSI) !== 0 && (this.#msr & MSR_DELTAS) !== 0) return IIR_MSR;
    return IIR_NO_INT;
  }

  #readIir(): number {
    const id = this.#pendingId();
    // Reading IIR while it reports THRE is what clears that interrupt.
    if (id === IIR_THRE) {
      this.#thrInterrupt = false;
      this.#update();
    }
    return id | (this.#fifoEnabled ? IIR_FIFO_ENABLED : 0);
  }

  /** Reports the line (see the top of this file for when). */
  #update(): void {
    this.#reported = this.#pendingId() !== IIR_NO_INT;
    this.irq.set(this.#reported);
  }
}
