// A level-triggered interrupt wire from a device to an interrupt controller (the PLIC's
// gateways). Devices hold one and drive it; they never see the hart.

export interface InterruptLine {
  /**
   * Reports the wire's level: true = asserted. A device reports it when an event may
   * have changed its interrupt condition, at the points where QEMU's model of the same
   * device does: QEMU's PLIC (the board's default gateway) takes each report of "high"
   * as a new request even when the level did not change, so reporting at other times
   * adds interrupts; the specification's gateway looks at level changes only.
   */
  set(level: boolean): void;
}

/** A wire connected to nothing, for devices used without an interrupt controller. */
export const UNCONNECTED: InterruptLine = { set: () => {} };
