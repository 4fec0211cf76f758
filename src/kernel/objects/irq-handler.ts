// IrqHandler: one PLIC source, delivered as a signal (the cell's channel bit) to a
// notification. The kernel claims the source when it fires and completes it only when
// the driver acknowledges, so a level-triggered device interrupts once per Ack.
import { CV_INV_IRQ_ACK, CV_ILLEGAL_OPERATION } from '../abi/abi.js';
import { OK } from '../errors.js';
import type { Invocation, InvocationResult } from '../invocation.js';
import type { Notification } from './notification.js';

export class IrqHandler {
  readonly type = 'irq_handler' as const;
  readonly source: number;
  readonly notification: Notification;
  readonly badge: bigint;
  /** Claimed from the PLIC and not yet acknowledged. */
  inService = false;
  readonly name: string;

  constructor(name: string, source: number, notification: Notification, badge: bigint) {
    this.name = name;
    this.source = source;
    this.notification = notification;
    this.badge = badge;
  }
}

export function decodeIrqInvocation(irq: IrqHandler, inv: Invocation, ack: (irq: IrqHandler) => void): InvocationResult {
  if (inv.label !== CV_INV_IRQ_ACK) return { error: CV_ILLEGAL_OPERATION };
  ack(irq);
  return { error: OK };
}
