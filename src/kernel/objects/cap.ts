// Capabilities: a reference to a kernel object with rights and a badge, living in a
// CNode slot and linked into the derivation tree (seL4's mapping database) that
// revoke walks. Copy and mint make children; delete hands a cap's children to its
// parent, so revoking an ancestor still reaches them.
import { CV_RIGHTS_ALL } from '../abi/abi.js';
import type { CNode } from './cnode.js';
import type { Endpoint } from './endpoint.js';
import type { Notification } from './notification.js';
import type { Reply } from './reply.js';
import type { Tcb } from './tcb.js';
import type { SchedContext } from './sched-context.js';
import type { IrqHandler } from './irq-handler.js';
import type { VSpace } from './vspace.js';
import type { Timer, PowerControl } from './timer.js';

export type KernelObject =
  | CNode | Endpoint | Notification | Reply | Tcb | SchedContext | IrqHandler | VSpace | Timer | PowerControl;

export type ObjectType = KernelObject['type'];

export class Cap {
  readonly object: KernelObject;
  readonly rights: number;
  readonly badge: bigint;
  parent: Cap | undefined;
  readonly children = new Set<Cap>();
  /** Where the cap lives; undefined once deleted. */
  cnode: CNode | undefined;
  index = 0;

  constructor(object: KernelObject, rights = CV_RIGHTS_ALL, badge = 0n) {
    this.object = object;
    this.rights = rights;
    this.badge = badge;
  }

  has(right: number): boolean {
    return (this.rights & right) === right;
  }

  /** A child of this cap with at most its rights and, if it has none yet, `badge`. */
  derive(rights: number, badge: bigint | undefined): Cap {
    const child = new Cap(this.object, this.rights & rights, this.badge !== 0n || badge === undefined ? this.badge : badge);
    child.parent = this;
    this.children.add(child);
    return child;
  }

  /** Unlinks the cap from the tree; its children move up to its parent. */
  unlink(): void {
    for (const c of this.children) {
      c.parent = this.parent;
      this.parent?.children.add(c);
    }
    this.children.clear();
    this.parent?.children.delete(this);
    this.parent = undefined;
  }

  /** Every descendant, deepest first, so deleting them in order never orphans one. */
  descendants(): Cap[] {
    const out: Cap[] = [];
    const walk = (c: Cap): void => {
      for (const child of c.children) {
        walk(child);
        out.push(child);
      }
    };
    walk(this);
    return out;
  }
}
