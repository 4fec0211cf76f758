// The raw WebAssembly interface of build/hart.wasm, exactly as docs/hart-seam.md lists
// it. Only src/hart/index.ts uses these names; everything above goes through Hart.
//
// i64/u64 cross the boundary as BigInt, and wasm hands them back *signed*: callers
// reinterpret with BigInt.asUintN(64, ...).

export interface RawHartExports {
  readonly memory: WebAssembly.Memory;
  /** 0 (false) when the RAM could not be allocated. */
  init(ramBase: bigint, ramSize: bigint): number;
  reset(pc: bigint): void;
  run(budget: bigint): number;
  getPc(): bigint;
  setPc(pc: bigint): void;
  getPriv(): number;
  setPriv(priv: number): void;
  csrRead(csr: number): bigint;
  csrWrite(csr: number, value: bigint): void;
  setIrqLine(bit: number, level: number): void;
  getMtime(): bigint;
  setMtime(value: bigint): void;
  getMtimecmp(): bigint;
  setMtimecmp(value: bigint): void;
  setInsnsPerTick(n: number): void;
  skipToNextTimer(): number;
  /** 0 (false) when the range is not inside RAM or the hart has no room for another hole. */
  addMmioHole(start: bigint, len: bigint): number;
  requestStop(): void;
  setHostedM(on: number): void;
  /** Hosted M-mode exits only for causes whose bit is set (bit n = cause n). */
  setHostedMCauses(exceptions: bigint, interrupts: bigint): void;
  /**
   * Takes an exception or interrupt into S-mode, as if delegated: into VS-mode when V=1,
   * unless flags bit 1; flags bit 0: an interrupt. gpa and tinst: htval (gpa >> 2) and
   * htinst of a trap into HS-mode.
   */
  injectTrap(cause: bigint, tval: bigint, flags: number, gpa: bigint, tinst: bigint): void;
  /** Where the exit record (cause, tval, epc: 3 × u64) lies in linear memory. */
  exitRecordOffset(): number;
  /** Where the kernel fast path's descriptor (32 × f64, core/kfast.ts) lies in linear memory. */
  kfastOffset(): number;
  setHartId(id: bigint): void;
  /** 1: the full profile (default); 0: bare RV64GC. */
  setProfile(flags: number): void;
  /** 1 when the CSR exists (at any privilege). */
  csrExists(csr: number): number;
  exitCause(): bigint;
  exitTval(): bigint;
  exitEpc(): bigint;
  lastPc(): bigint;
  lastInsn(): number;
  instret(): bigint;
  xRegsOffset(): number;
  fRegsOffset(): number;
  mmioDataOffset(): number;
  ramOffset(): number;
  /** Thread contexts in RAM (CONTEXT_BYTES at a physical address, 8-aligned): 0 if not in RAM. */
  saveContext(pa: number): number;
  loadContext(pa: number): number;
  /** The host wrote the f registers or fcsr: the hart no longer knows whose they are. */
  fpRegistersChanged(): void;
  /** The JIT on (1) or off, with the heat threshold (0: unchanged); off drops all compiled code. */
  setJit(on: number, heat: number): void;
  /** Decodes one instruction into a scratch entry (layout in decode.ts) and returns its offset. */
  jitDecode(raw: number): number;
  /** The JIT exchange area (layout.ts JIT_EXCHANGE). */
  jitExchangeOffset(): number;
  jitMapOffset(): number;
  jitInstall(page: number, slot: number): number;
  jitRetired(): number;
  /** The host wrote [pa, pa+len) of RAM: compiled code there is dropped. */
  jitWritten(pa: number, len: number): void;
  /** Zeroes guest RAM [pa, pa+len), writing only the 4 KiB pieces that are not zero already. */
  zeroRam(pa: number, len: number): void;
  /** mtime and mtimecmp as numbers (exact below 2^53; a compare value ≥ 2^64 is never). */
  getMtimeTicks(): number;
  setMtimeTicks(value: number): void;
  setMtimecmpTicks(value: number): void;
  /** run() with the budget as a number; instret as a number (exact below 2^53). */
  runBudget(budget: number): number;
  instretCount(): number;
}

type ExportName = Exclude<keyof RawHartExports, 'memory'>;

const EXPORTS: readonly ExportName[] = [
  'init', 'reset', 'run', 'getPc', 'setPc', 'instret',
  'xRegsOffset', 'fRegsOffset', 'mmioDataOffset', 'ramOffset',
  'getPriv', 'setPriv', 'csrRead', 'csrWrite', 'setIrqLine', 'getMtime', 'setMtime',
  'getMtimecmp', 'setMtimecmp', 'setInsnsPerTick', 'skipToNextTimer', 'addMmioHole',
  'requestStop', 'setHostedM', 'exitCause', 'exitTval', 'exitEpc', 'lastPc', 'lastInsn',
  'setHartId', 'setProfile', 'csrExists', 'setHostedMCauses', 'injectTrap', 'exitRecordOffset', 'kfastOffset',
  'saveContext', 'loadContext', 'fpRegistersChanged', 'setJit', 'jitDecode', 'jitExchangeOffset', 'jitMapOffset', 'jitInstall', 'jitRetired', 'jitWritten', 'zeroRam',
  'getMtimeTicks', 'setMtimeTicks', 'setMtimecmpTicks', 'runBudget', 'instretCount',
];

export class HartModuleError extends Error {
  override name = 'HartModuleError';
}

/** Calls into the module from the host side of the seam (the `host` import module). */
export interface HostImports {
  mmioRead(addr: number, size: number): number;
  mmioWrite(addr: number, size: number): number;
  /** The JIT: compile a physical RAM page (index from the start of RAM) for an entry; the table slot or 0. */
  jitCompile(page: number, entry: number): number;
  /** The JIT: the hart dropped a page's compiled code, which was in `slot`. */
  jitDropped(page: number, slot: number): void;
  /** The JIT: a sample of the jumps to code not compiled (one in JIT_NOTE_EVERY), for the page's next compilation. */
  jitNote(page: number, entry: number): void;
}

/**
 * The import object for the module: `host.*` from the caller, and the few `env.*`
 * functions AssemblyScript may ask for. Unknown imports are an error naming them, so
 * a core that grows a new import fails loudly here rather than at link time.
 */
export function importObject(
  module: WebAssembly.Module,
  host: HostImports,
  memory: () => WebAssembly.Memory | undefined,
  table?: WebAssembly.Table,
): WebAssembly.Imports {
  const env: Record<string, (...args: number[]) => number | void> = {
    abort: (msg, file, line, column) => {
      const mem = memory();
      const text = mem ? `${readAsString(mem, msg)} at ${readAsString(mem, file)}:${line}:${column}` : 'abort';
      throw new HartModuleError(`hart aborted: ${text}`);
    },
    trace: () => undefined,
    // Determinism: the core must not see host randomness.
    seed: () => 0,
  };
  const provided: Record<string, Record<string, (...args: number[]) => number | void>> = {
    host: { mmioRead: host.mmioRead, mmioWrite: host.mmioWrite, jitCompile: host.jitCompile, jitDropped: host.jitDropped,
      jitNote: host.jitNote,
    },
    env,
  };
  const imports: WebAssembly.Imports = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    // The function table compiled code is placed in (src/hart/jit/).
    if (imp.kind === 'table' && imp.module === 'env' && imp.name === 'table' && table !== undefined) {
      (imports[imp.module] ??= {})[imp.name] = table;
      continue;
    }
    const fn = provided[imp.module]?.[imp.name];
    if (imp.kind !== 'function' || fn === undefined) {
      throw new HartModuleError(`hart.wasm imports ${imp.kind} ${imp.module}.${imp.name}, which the host does not provide`);
    }
    (imports[imp.module] ??= {})[imp.name] = fn;
  }
  return imports;
}

/** Checks the instance against the seam: every export must be there. */
export function rawExports(instance: WebAssembly.Instance): RawHartExports {
  const ex = instance.exports;
  if (!(ex.memory instanceof WebAssembly.Memory)) {
    throw new HartModuleError('hart.wasm does not export its memory');
  }
  const missing = EXPORTS.filter((name) => typeof ex[name] !== 'function');
  if (missing.length > 0) {
    throw new HartModuleError(`hart.wasm lacks exports ${missing.join(', ')} (see docs/hart-seam.md)`);
  }
  const raw: Record<string, unknown> = { memory: ex.memory };
  for (const name of EXPORTS) raw[name] = ex[name];
  return raw as unknown as RawHartExports;
}

/** AssemblyScript strings: UTF-16LE, byte length in the u32 just before the pointer. */
function readAsString(memory: WebAssembly.Memory, ptr: number | undefined): string {
  if (!ptr) return '?';
  const bytes = new Uint8Array(memory.buffer);
  if (ptr < 4 || ptr > bytes.length) return '?';
  const len = new DataView(memory.buffer).getUint32(ptr - 4, true);
  if (ptr + len > bytes.length) return '?';
  return new TextDecoder('utf-16le').decode(bytes.subarray(ptr, ptr + len));
}
