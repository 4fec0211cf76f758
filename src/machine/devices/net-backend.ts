// Where a virtio-net device's Ethernet frames go. The board has no host network: frames
// either come straight back (LoopbackNet) or cross to another machine's device
// (NetPair). cli/ or a web front end could add more (a tap device, a WebSocket switch).

export interface NetBackend {
  /** A frame the guest transmitted: Ethernet header and payload, no FCS. The callee may keep it. */
  send(frame: Uint8Array): void;
  /** Connects the device: frames for the guest arrive through `deliver` (called synchronously). */
  connect(deliver: (frame: Uint8Array) => void): void;
}

/** Every frame the guest sends comes back to it unchanged, as on a wire looped to itself. */
export class LoopbackNet implements NetBackend {
  #deliver: ((frame: Uint8Array) => void) | undefined;

  send(frame: Uint8Array): void {
    this.#deliver?.(frame.slice());
  }

  connect(deliver: (frame: Uint8Array) => void): void {
    this.#deliver = deliver;
  }
}

/**
 * A crossover cable between two devices (two machines, or two devices of one machine):
 * what `a` sends arrives at `b` and the other way round. Delivery is immediate, so it is
 * as deterministic as the order in which the machines are run.
 */
export class NetPair {
  readonly a: NetBackend;
  readonly b: NetBackend;

  constructor() {
    let toA: ((frame: Uint8Array) => void) | undefined;
    let toB: ((frame: Uint8Array) => void) | undefined;
    this.a = { send: (frame) => toB?.(frame.slice()), connect: (deliver) => { toA = deliver; } };
    this.b = { send: (frame) => toA?.(frame.slice()), connect: (deliver) => { toB = deliver; } };
  }
}
