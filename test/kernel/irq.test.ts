// Interrupts through a real cell: the board's UART (NS16550A, PLIC source 10) mapped
// into a driver cell, its interrupt delivered as a notification, completed at the PLIC
// only when the driver acknowledges it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CV_NO_ERROR } from '../../src/kernel/abi/abi.js';
import { UART0_BASE, UART0_IRQ } from '../../src/machine/memory-map.js';
import type { CharSource } from '../../src/machine/host.js';
import type { KernelImage } from '../../src/kernel/image.js';
import { cellElf, needCells, runImage } from '../helpers/cells.js';

const UART_VADDR = 0x4000000;

function input(text: string): CharSource {
  let sent = false;
  return {
    read: () => {
      if (sent) return undefined;
      sent = true;
      return new TextEncoder().encode(text);
    },
  };
}

async function driverImage(defines: string[]): Promise<KernelImage> {
  return {
    regions: [{ name: 'uart', size: 4096, physAddr: UART0_BASE }],
    cells: [{
      name: 'driver', elf: await cellElf('uart_driver', defines), priority: 100, poweroff: true,
      maps: [{ region: 'uart', vaddr: UART_VADDR, perms: 'rw', setvar: 'uart_base' }],
      irqs: [{ source: UART0_IRQ, id: 3 }],
    }],
    channels: [],
  };
}

test('an IRQ reaches its driver cell, which reads the device and acknowledges', { skip: needCells }, async () => {
  const run = await runImage(await driverImage([]), { maxInsns: 5_000_000n, input: input('hello\nworld\n') });
  assert.deepEqual(run.outcome, { kind: 'exit', code: 0, source: 'kernel' });
  assert.deepEqual(run.lines, [
    'driver| driver ready, IER=0x1',
    "driver| irq 1: line 'hello'",
    'driver| irq 1: 6 bytes',
    `driver| ack: ${CV_NO_ERROR}`,
    "driver| irq 2: line 'world'",
    'driver| irq 2: 6 bytes',
  ]);
  assert.deepEqual(run.log, []);
});

test('the next interrupt comes only after the driver acknowledges the last', { skip: needCells }, async () => {
  const run = await runImage(await driverImage(['DEFER_ACK']), { maxInsns: 5_000_000n, input: input('hello\nworld\n') });
  assert.deepEqual(run.outcome, { kind: 'exit', code: 0, source: 'kernel' });
  // The second line reaches the UART while the first interrupt is still unacknowledged
  // (the driver idles, waiting for its timer): its interrupt waits for the ack.
  assert.deepEqual(run.lines, [
    'driver| driver ready, IER=0x1',
    "driver| irq 1: line 'hello'",
    'driver| irq 1: 6 bytes',
    'driver| timer',
    `driver| ack: ${CV_NO_ERROR}`,
    "driver| irq 2: line 'world'",
    'driver| irq 2: 6 bytes',
  ]);
});
