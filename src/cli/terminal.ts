// The interactive serial console: stdin in raw mode, every key to the guest's UART,
// QEMU's escape character Ctrl-A for the few commands of our own (Ctrl-A x quits,
// Ctrl-A h helps, Ctrl-A Ctrl-A sends a Ctrl-A). The machine runs in slices so that
// keys arrive between them; an idle guest waits in real time for its next timer or a key.

import { setImmediate as nextTurn } from 'node:timers/promises';
import type { RunOutcome } from '../machine/outcome.js';
import type { RunOptions } from '../machine/machine.js';
import type { VirtBoard } from '../machine/virt.js';

const CTRL_A = 0x01;
/** Instructions per slice: a few tens of milliseconds, short enough for typing to feel immediate. */
const SLICE = 1n << 22n;
/** mtime ticks per millisecond (10 MHz). */
const TICKS_PER_MS = 10_000n;

export const ESCAPE_HELP = '\r\nC-a h    print this help\r\nC-a x    exit cellvisor\r\nC-a C-a  send C-a\r\n';

/** Splits terminal input into bytes for the guest and escape commands. */
export class EscapeFilter {
  #escaped = false;

  constructor(private readonly command: (key: string) => void) {}

  push(chunk: Uint8Array): Uint8Array {
    const out: number[] = [];
    for (const b of chunk) {
      if (this.#escaped) {
        this.#escaped = false;
        if (b === CTRL_A || b === 0x61) out.push(CTRL_A);
        else this.command(String.fromCharCode(b));
      } else if (b === CTRL_A) {
        this.#escaped = true;
      } else {
        out.push(b);
      }
    }
    return Uint8Array.from(out);
  }
}

/** The run ended because the user quit with Ctrl-A x. */
export interface Quit {
  readonly kind: 'quit';
}

/** Runs `board` with the terminal attached until an outcome other than a yield or a wait. */
export async function runInteractive(
  board: VirtBoard,
  options: Pick<RunOptions, 'maxInsns' | 'trace'>,
  say: (text: string) => void,
): Promise<RunOutcome | Quit> {
  const stdin = process.stdin;
  const machine = board.machine;
  let quit = false;
  let wake: (() => void) | undefined;
  const filter = new EscapeFilter((key) => {
    if (key === 'x') quit = true;
    else if (key === 'h') say(ESCAPE_HELP);
    wake?.();
  });
  const onData = (chunk: Buffer): void => {
    const bytes = filter.push(chunk);
    if (bytes.length > 0) board.uart.receive(bytes);
    wake?.();
  };
  stdin.setRawMode(true);
  stdin.on('data', onData);
  stdin.resume();
  try {
    for (;;) {
      const outcome = machine.run({ ...options, yieldAfter: SLICE, idle: 'return' });
      if (quit) return { kind: 'quit' };
      if (outcome.kind === 'yield') {
        await nextTurn();
      } else if (outcome.kind === 'wait') {
        // A deadline already passed belongs to a masked interrupt: only a key can help then.
        const ahead = outcome.deadline === undefined ? undefined : outcome.deadline - machine.hart.mtime;
        const ms = ahead === undefined || ahead <= 0n ? undefined : Number(ahead / TICKS_PER_MS);
        let timedOut = false;
        await new Promise<void>((resolve) => {
          const timer = ms === undefined ? undefined : setTimeout(() => { timedOut = true; resolve(); }, ms);
          wake = () => { clearTimeout(timer); resolve(); };
        });
        wake = undefined;
        if (quit) return { kind: 'quit' };
        // No key came: the guest's timer is due in real time too.
        if (timedOut) machine.skipIdleTime();
      } else {
        return outcome;
      }
    }
  } finally {
    stdin.off('data', onData);
    stdin.setRawMode(false);
    stdin.pause();
  }
}
