// CSR numbers by their spec names, for named accessors on Hart, for error messages and
// for the disassembler. The numbers are those of spec/csr.ts (CSR_MSTATUS is
// CSR.mstatus here), which the core and the C side use too.
import * as spec from './spec/csr.js';

type SpecCsr = Extract<keyof typeof spec, `CSR_${string}`>;
type LowerName<K> = K extends `CSR_${infer Name}` ? Lowercase<Name> : never;

export type CsrName = LowerName<SpecCsr>;

export const CSR = Object.fromEntries(
  Object.entries(spec)
    .filter(([name]) => name.startsWith('CSR_'))
    .map(([name, number]) => [name.slice('CSR_'.length).toLowerCase(), number]),
) as { readonly [K in SpecCsr as LowerName<K>]: (typeof spec)[K] };

const NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(CSR).map(([name, number]) => [number, name]),
);

/** The spec name of a CSR number, or its number in hex when the table does not know it. */
export function csrName(csr: number): string {
  const name = NAMES.get(csr);
  if (name !== undefined) return name;
  if (csr > spec.CSR_PMPADDR0 && csr <= spec.CSR_PMPADDR63) return `pmpaddr${csr - spec.CSR_PMPADDR0}`;
  if (csr >= spec.CSR_PMPCFG0 && csr <= spec.CSR_PMPCFG15) return `pmpcfg${csr - spec.CSR_PMPCFG0}`;
  if (csr >= spec.CSR_HPMCOUNTER3 && csr <= spec.CSR_HPMCOUNTER31) return `hpmcounter${csr - spec.CSR_CYCLE}`;
  if (csr >= spec.CSR_MHPMCOUNTER3 && csr <= spec.CSR_MHPMCOUNTER31) return `mhpmcounter${csr - spec.CSR_MCYCLE}`;
  if (csr >= spec.CSR_MHPMEVENT3 && csr <= spec.CSR_MHPMEVENT31) return `mhpmevent${csr - spec.CSR_MCOUNTINHIBIT}`;
  return `0x${csr.toString(16)}`;
}
