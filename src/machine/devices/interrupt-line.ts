// A level-triggered interrupt wire from a device to an interrupt controller (the PLIC's
// gateways). Devices hold one and drive it; they never see the hart.

export interface InterruptLine {
  /** Drives the wire: true = asserted. Repeating the current level is harmless. */
  set(level: boolean): void;
}

/** A wire connected to nothing, for devices used without an interrupt controller. */
export const UNCONNECTED: InterruptLine = { set: () => {} };
