// A link between VMs: a learning Ethernet switch in the kernel. Each VM's virtio-net
// device on the link is a port; a frame goes to the port that last sent from its
// destination MAC, or to every other port when that is unknown, a broadcast or a
// multicast. Delivery is synchronous (into the receiving guest's queue, raising its
// interrupt), so a run stays deterministic.
import type { NetBackend } from '../../machine/devices/net-backend.js';

const MAC_BYTES = 6;

export class VirtualSwitch {
  readonly name: string;
  readonly #ports: Port[] = [];
  /** MAC (as a number) → the port it was last seen on. */
  readonly #learned = new Map<number, Port>();
  /** Frames delivered and flooded, for statistics. */
  frames = 0;

  constructor(name: string) {
    this.name = name;
  }

  /** A new port; `up()` says whether its VM can take frames now (a stopped VM drops them). */
  port(owner: string, up: () => boolean): NetBackend {
    const port: Port = { owner, up, deliver: undefined };
    this.#ports.push(port);
    return {
      send: (frame) => this.#forward(port, frame),
      // A VM that boots again brings a new device: the port stays, its receiver changes.
      connect: (deliver) => {
        port.deliver = deliver;
      },
    };
  }

  #forward(from: Port, frame: Uint8Array): void {
    if (frame.length < 2 * MAC_BYTES) return;
    this.#learned.set(mac(frame, MAC_BYTES), from);
    const group = (frame[0]! & 1) !== 0;
    const to = group ? undefined : this.#learned.get(mac(frame, 0));
    const targets = to && to !== from ? [to] : this.#ports.filter((p) => p !== from);
    for (const p of targets) {
      if (!p.deliver || !p.up()) continue;
      this.frames++;
      p.deliver(frame.slice());
    }
  }
}

interface Port {
  readonly owner: string;
  readonly up: () => boolean;
  deliver: ((frame: Uint8Array) => void) | undefined;
}

function mac(frame: Uint8Array, at: number): number {
  let v = 0;
  for (let i = 0; i < MAC_BYTES; i++) v = v * 256 + frame[at + i]!;
  return v;
}

/** A locally administered unicast MAC derived from a VM's name (FNV-1a), for a net device without `mac`. */
export function macFromName(name: string, link: string): Uint8Array {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(`${name}\0${link}`)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return Uint8Array.of(0x02, 0x63, 0x76, (h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff);
}
