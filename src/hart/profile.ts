// The ISA profiles the hart implements, and how each is described to software: the
// device tree's `riscv,isa` string and cache-block sizes are generated from here, so
// what a guest is told is what the hart does (docs/hart.md lists the specifications).

export type CpuProfile = 'rv64gc' | 'rva22' | 'rva22h';

export interface ProfileInfo {
  /** What `--cpu` calls it and what it means. */
  readonly summary: string;
  /** Whether the extensions beyond RV64GC are decoded (the hart's setProfile). */
  readonly full: boolean;
  /** The device tree's `riscv,isa`, in the form Linux 6.1 parses. */
  readonly isa: string;
  /** Whether the hart has the H extension (the hart's setProfile, bit 1). */
  readonly hypervisor?: boolean;
  /** Zicbom/Zicboz block size in bytes, or undefined when the profile lacks them. */
  readonly cacheBlockSize?: number;
}

const BASE = 'rv64imafdc_zicsr_zifencei';

export const PROFILES: Readonly<Record<CpuProfile, ProfileInfo>> = {
  rv64gc: {
    summary: 'RV64GC: the 2019 baseline (I, M, A, F, D, C, Zicsr, Zifencei)',
    full: false,
    isa: BASE,
  },
  rva22: {
    summary: 'RVA22S64 plus Sstc, Zicond and the H extension (the default)',
    full: true,
    hypervisor: true,
    isa: `rv64imafdch_zicsr_zifencei_zicbom_zicboz_zicbop_zicond_zihintpause_zfhmin_zba_zbb_zbs_sstc_svinval_svnapot_svpbmt`,
    cacheBlockSize: 64,
  },
  // The name the H extension had while it was built; the same hart as rva22 now.
  rva22h: {
    summary: 'the same as rva22 (the name from before H was on by default)',
    full: true,
    hypervisor: true,
    isa: `rv64imafdch_zicsr_zifencei_zicbom_zicboz_zicbop_zicond_zihintpause_zfhmin_zba_zbb_zbs_sstc_svinval_svnapot_svpbmt`,
    cacheBlockSize: 64,
  },
};

export const DEFAULT_PROFILE: CpuProfile = 'rva22';

export function isCpuProfile(name: string): name is CpuProfile {
  return Object.hasOwn(PROFILES, name);
}

/** Whether ISA string `isa` names extension `ext` (a single letter, or a multi-letter name like 'sstc'). */
export function hasExtension(isa: string, ext: string): boolean {
  const lower = isa.toLowerCase();
  const e = ext.toLowerCase();
  if (e.length === 1) {
    const letters = /^rv(?:32|64)([a-z]*)/.exec(lower)?.[1] ?? '';
    return letters.includes(e) || (letters.includes('g') && 'imafd'.includes(e));
  }
  return lower.split('_').slice(1).includes(e);
}
