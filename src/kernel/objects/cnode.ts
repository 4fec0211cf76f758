// CNode: a power-of-two array of capability slots; a cell's CSpace is one CNode and a
// capability pointer is a slot number. Invocations: Copy, Mint, Move, Delete, Revoke.
import {
  CV_INV_CNODE_COPY, CV_INV_CNODE_MINT, CV_INV_CNODE_MOVE, CV_INV_CNODE_DELETE, CV_INV_CNODE_REVOKE,
  CV_INVALID_ARGUMENT, CV_ILLEGAL_OPERATION, CV_DELETE_FIRST, CV_FAILED_LOOKUP, CV_RANGE_ERROR,
} from '../abi/abi.js';
import { OK, type Result } from '../errors.js';
import type { Invocation, InvocationResult } from '../invocation.js';
import { Cap, type KernelObject } from './cap.js';

export class CNode {
  readonly type = 'cnode' as const;
  readonly slots: (Cap | undefined)[];
  readonly bits: number;
  /** Called for each cap that leaves a slot (a Reply's caller, IRQ bindings…). */
  onDelete: ((cap: Cap) => void) | undefined;

  constructor(bits: number) {
    this.bits = bits;
    this.slots = new Array<Cap | undefined>(1 << bits).fill(undefined);
  }

  get size(): number {
    return this.slots.length;
  }

  /** The cap in a slot, if the pointer names a slot and it is full. */
  lookup(cptr: bigint): Cap | undefined {
    if (cptr < 0n || cptr >= BigInt(this.slots.length)) return undefined;
    return this.slots[Number(cptr)];
  }

  /** Puts a new cap (no parent) into an empty slot, for the boot image. */
  install(index: number, object: KernelObject, rights?: number, badge?: bigint): Cap {
    const cap = new Cap(object, rights, badge);
    this.place(index, cap);
    return cap;
  }

  place(index: number, cap: Cap): void {
    if (this.slots[index] !== undefined) throw new Error(`CNode slot ${index} is full`);
    this.slots[index] = cap;
    cap.cnode = this;
    cap.index = index;
  }

  /** Empties a slot: the cap leaves the derivation tree. */
  deleteSlot(index: number): void {
    const cap = this.slots[index];
    if (!cap) return;
    this.slots[index] = undefined;
    cap.cnode = undefined;
    cap.unlink();
    this.onDelete?.(cap);
  }

  /** Deletes every cap derived from the one in `index`, wherever it lives. */
  revoke(index: number): void {
    const cap = this.slots[index];
    if (!cap) return;
    for (const d of cap.descendants()) d.cnode?.deleteSlot(d.index);
  }
}

function slotIndex(cnode: CNode, v: bigint): number | undefined {
  return v >= 0n && v < BigInt(cnode.size) ? Number(v) : undefined;
}

/**
 * Copy(dest, src, rights), Mint(dest, src, rights, badge), Move(dest, src),
 * Delete(index), Revoke(index): message registers in that order; src and dest are
 * slots of this CNode.
 */
export function decodeCNodeInvocation(cnode: CNode, inv: Invocation): InvocationResult {
  const { label, mrs } = inv;
  const arg = (i: number): bigint => mrs[i] ?? 0n;
  switch (label) {
    case CV_INV_CNODE_DELETE:
    case CV_INV_CNODE_REVOKE: {
      if (mrs.length < 1) return { error: CV_INVALID_ARGUMENT };
      const index = slotIndex(cnode, arg(0));
      if (index === undefined) return { error: CV_RANGE_ERROR };
      if (label === CV_INV_CNODE_DELETE) cnode.deleteSlot(index);
      else cnode.revoke(index);
      return { error: OK };
    }
    case CV_INV_CNODE_COPY:
    case CV_INV_CNODE_MINT:
    case CV_INV_CNODE_MOVE: {
      const need = label === CV_INV_CNODE_MINT ? 4 : label === CV_INV_CNODE_COPY ? 3 : 2;
      if (mrs.length < need) return { error: CV_INVALID_ARGUMENT };
      const dest = slotIndex(cnode, arg(0));
      const src = slotIndex(cnode, arg(1));
      if (dest === undefined || src === undefined) return { error: CV_RANGE_ERROR };
      return { error: copyMintMove(cnode, label, dest, src, Number(arg(2) & 0xffn), arg(3)) };
    }
    default:
      return { error: CV_ILLEGAL_OPERATION };
  }
}

function copyMintMove(cnode: CNode, label: number, dest: number, src: number, rights: number, badge: bigint): Result {
  const from = cnode.slots[src];
  if (!from) return CV_FAILED_LOOKUP;
  if (cnode.slots[dest] !== undefined) return CV_DELETE_FIRST;
  if (label === CV_INV_CNODE_MOVE) {
    cnode.slots[src] = undefined;
    cnode.place(dest, from);
    return OK;
  }
  // Only caps whose objects tell senders apart take a badge (seL4: endpoints, notifications).
  const badgeable = from.object.type === 'endpoint' || from.object.type === 'notification';
  if (label === CV_INV_CNODE_MINT && badge !== 0n && !badgeable) return CV_ILLEGAL_OPERATION;
  // Some caps must stay unique: a Reply, a TCB's own binding objects are not duplicated.
  if (from.object.type === 'reply') return CV_ILLEGAL_OPERATION;
  cnode.place(dest, from.derive(rights, label === CV_INV_CNODE_MINT ? badge : undefined));
  return OK;
}
