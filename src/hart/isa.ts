// The ISA the board advertises for its harts: the device tree's `riscv,isa` and what
// the firmware turns on (Sstc) both come from here, so an extension is announced in
// one place. The hart implements more than this string names (Zba/Zbb/Zbs, Zicond,
// Zicbom/Zicboz, Svinval, Svpbmt, Svnapot, Sstc, Zfhmin); each joins the string once
// it is tested against QEMU.

export const HART_ISA = 'rv64imafdc_zicsr_zifencei';

/** Whether ISA string `isa` names the multi-letter extension `ext` (e.g. 'sstc') or single letter. */
export function hasExtension(isa: string, ext: string): boolean {
  const lower = isa.toLowerCase();
  const e = ext.toLowerCase();
  if (e.length === 1) {
    const letters = /^rv(?:32|64)([a-z]*)/.exec(lower)?.[1] ?? '';
    return letters.includes(e) || (letters.includes('g') && 'imafd'.includes(e));
  }
  return lower.split('_').slice(1).includes(e);
}
