import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Uart16550 } from '../../../src/machine/devices/uart16550.js';

const RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;

function setup() {
  const out: number[] = [];
  const irq = { level: false, set(level: boolean) { this.level = level; } };
  const uart = new Uart16550({ write: (bytes) => out.push(...bytes) }, irq);
  const w = (off: number, v: number) => assert.equal(uart.write(off, 1, BigInt(v)), true);
  const r = (off: number) => Number(uart.read(off, 1));
  const text = () => new TextDecoder().decode(Uint8Array.from(out));
  return { uart, irq, w, r, out, text };
}

describe('NS16550A', () => {
  it('transmits THR bytes at once; LSR shows THRE and TEMT', () => {
    const { w, r, text } = setup();
    assert.equal(r(LSR), 0x60);
    for (const c of 'hi\n') w(THR, c.charCodeAt(0));
    assert.equal(text(), 'hi\n');
    assert.equal(r(LSR), 0x60);
  });

  it('receives into RBR with LSR.DR, in order, and reads 0 when empty', () => {
    const { uart, r } = setup();
    uart.receive(new TextEncoder().encode('ok'));
    assert.equal(r(LSR) & 1, 1);
    assert.equal(r(RBR), 'o'.charCodeAt(0));
    assert.equal(r(RBR), 'k'.charCodeAt(0));
    assert.equal(r(LSR) & 1, 0);
    assert.equal(r(RBR), 0);
    assert.equal(uart.rxPending, 0);
  });

  it('reaches DLL/DLM through LCR.DLAB without touching THR/IER', () => {
    const { w, r, out } = setup();
    w(IER, 0x05);
    w(LCR, 0x80);
    w(DLL, 0x01);
    w(DLM, 0x02);
    assert.equal(r(DLL), 0x01);
    assert.equal(r(DLM), 0x02);
    assert.equal(out.length, 0, 'a DLL write is not a transmission');
    w(LCR, 0x03);
    assert.equal(r(IER), 0x05);
    assert.equal(r(LCR), 0x03);
    w(LCR, 0x83);
    assert.equal(r(DLL), 0x01, 'divisor kept');
  });

  it('keeps the scratch register and reports FIFO mode in IIR', () => {
    const { w, r } = setup();
    w(SCR, 0xa5);
    assert.equal(r(SCR), 0xa5);
    assert.equal(r(IIR), 0x01, 'no interrupt, FIFOs off');
    w(FCR, 0x01);
    assert.equal(r(IIR), 0xc1, 'FIFOs on');
    w(FCR, 0x00);
    assert.equal(r(IIR), 0x01);
  });

  it('raises received-data interrupts per IER and clears them by reading RBR', () => {
    const { uart, irq, w, r } = setup();
    uart.receive(Uint8Array.of(0x41));
    assert.equal(irq.level, false, 'ERBFI off');
    w(IER, 0x01);
    assert.equal(irq.level, true);
    assert.equal(r(IIR), 0x04);
    r(RBR);
    assert.equal(irq.level, false);
    assert.equal(r(IIR), 0x01);
  });

  it('reports FIFO trigger level (data available) and below it the character timeout', () => {
    const { uart, w, r } = setup();
    w(FCR, 0x01 | 0x80); // FIFO on, trigger 8
    w(IER, 0x01);
    uart.receive(new Uint8Array(3));
    assert.equal(r(IIR), 0xcc, 'below the trigger: timeout');
    uart.receive(new Uint8Array(5));
    assert.equal(r(IIR), 0xc4, 'at the trigger: data available');
  });

  it('raises THRE when ETBEI is enabled, clears it on an IIR read, and again after each THR write', () => {
    const { irq, w, r } = setup();
    w(IER, 0x02);
    assert.equal(irq.level, true);
    assert.equal(r(IIR), 0x02);
    assert.equal(irq.level, false, 'reading IIR cleared THRE');
    assert.equal(r(IIR), 0x01);
    w(THR, 0x41);
    assert.equal(irq.level, true, 'THR empty again after sending');
    w(IER, 0x00);
    assert.equal(irq.level, false);
  });

  it('orders interrupts: received data before THRE', () => {
    const { uart, irq, w, r } = setup();
    w(IER, 0x03);
    uart.receive(Uint8Array.of(1));
    assert.equal(r(IIR), 0x04);
    r(RBR);
    assert.equal(r(IIR), 0x02, 'THRE still pending underneath');
    assert.equal(irq.level, false);
  });

  it('clears the receive FIFO through FCR and drops only what the FIFO held', () => {
    const { uart, w } = setup();
    w(FCR, 0x01);
    uart.receive(new Uint8Array(20));
    w(FCR, 0x03);
    assert.equal(uart.rxPending, 4, '16 bytes were in the FIFO');
  });

  it('loops THR back to RBR and MCR outputs to MSR in loopback mode', () => {
    const { w, r, out } = setup();
    assert.equal(r(MSR) & 0xf0, 0xb0, 'CTS, DSR and DCD asserted');
    w(MCR, 0x10 | 0x02); // LOOP + RTS
    const msr = r(MSR);
    assert.equal(msr & 0xf0, 0x10, 'CTS follows RTS');
    assert.notEqual(msr & 0x0f, 0, 'delta bits recorded');
    assert.equal(r(MSR) & 0x0f, 0, 'delta bits clear on read');
    w(THR, 0x5a);
    assert.equal(out.length, 0);
    assert.equal(r(RBR), 0x5a);
    w(MCR, 0x00);
    assert.equal(r(MSR) & 0xf0, 0xb0);
  });

  it('raises a modem status interrupt when enabled and deltas are set', () => {
    const { irq, w, r } = setup();
    w(IER, 0x08);
    w(MCR, 0x10);
    assert.equal(irq.level, true);
    assert.equal(r(IIR), 0x00);
    r(MSR);
    assert.equal(irq.level, false);
  });

  it('answers wide accesses with the addressed register and ignores garbage', () => {
    const { uart, r } = setup();
    assert.equal(uart.write(SCR, 4, 0x1234_5678n), true);
    assert.equal(r(SCR), 0x78, 'low byte stored');
    assert.equal(uart.read(SCR, 8), 0x78n);
    assert.equal(uart.read(LSR, 2), 0x60n);
    assert.equal(uart.write(LSR, 1, 0xffn), true, 'read-only LSR: ignored');
    assert.equal(r(LSR), 0x60);
    assert.equal(uart.read(0x80, 1), 0n);
    assert.equal(uart.write(0xff, 1, 1n), true);
  });
});
