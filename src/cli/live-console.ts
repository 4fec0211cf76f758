// The live serial console, as in QEMU: host input (a terminal or a pipe on stdin) reaches
// the UART when it arrives, between run slices, and the guest never waits for the host.
// A terminal is put in raw mode, with QEMU's escape character Ctrl-A for the few commands
// of our own (Ctrl-A x quits, Ctrl-A h helps, Ctrl-A Ctrl-A sends a Ctrl-A). An idle
// guest waits in real time for its next timer or for input, so `sleep 1` takes a second.
// The reproducible alternative, input pulled at guest-visible points, is
// machine/console-feed.ts behind `--input`.

import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Uart16550 } from '../machine/devices/uart16550.js';
import type { RunOutcome } from '../machine/outcome.js';
import type { RunOptions } from '../machine/machine.js';
import type { VirtBoard } from '../machine/virt.js';

const CTRL_A = 0x01;
/** Instructions per slice: a few tens of milliseconds, short enough for typing to feel immediate. */
const SLICE = 1n << 22n;
/** mtime ticks per millisecond (10 MHz). */
const TICKS_PER_MS = 10_000n;
/** The longest delay setTimeout keeps (a longer one fires at once). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

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

/**
 * Host input read asynchronously as it arrives. Lives for the whole session, across
 * guest resets: bytes not yet delivered wait for the next board.
 */
export class LiveInput {
  readonly #stream: NodeJS.ReadStream;
  readonly #filter: EscapeFilter | undefined;
  #queue: Uint8Array[] = [];
  #ended = false;
  #quit = false;
  #wake: ((woken: boolean) => void) | undefined;

  /** Starts reading `stream`; a terminal goes to raw mode, its escape help is shown through `say`. */
  constructor(stream: NodeJS.ReadStream, say: (text: string) => void) {
    this.#stream = stream;
    if (stream.isTTY) {
      this.#filter = new EscapeFilter((key) => {
        if (key === 'x') this.#quit = true;
        else if (key === 'h') say(ESCAPE_HELP);
      });
      stream.setRawMode(true);
    }
    stream.on('data', this.#onData);
    stream.on('end', this.#onEnd);
    // A read error (the terminal went away) ends the input like EOF does.
    stream.on('error', this.#onEnd);
    stream.resume();
  }

  /** The user asked to quit (Ctrl-A x on a terminal). */
  get quit(): boolean {
    return this.#quit;
  }

  /** No more input will come (EOF on the pipe). */
  get ended(): boolean {
    return this.#ended;
  }

  /** Input has arrived that the guest has not been given yet. */
  get pending(): boolean {
    return this.#queue.length > 0;
  }

  /** Moves everything that arrived into the UART's receive backlog (or to `deliver`). */
  deliverTo(uart: Uart16550, deliver?: (bytes: Uint8Array) => void): void {
    for (const chunk of this.#queue) {
      if (deliver) deliver(chunk);
      else uart.receive(chunk);
    }
    this.#queue = [];
  }

  /**
   * Resolves true when input arrives, the input ends or the user quits, false when `ms`
   * milliseconds pass first (undefined: no time limit).
   */
  wait(ms: number | undefined): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(() => this.#resolve(false), ms);
      this.#wake = (woken) => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve(woken);
      };
    });
  }

  /** Stops reading and gives the terminal back its line mode. */
  close(): void {
    this.#stream.off('data', this.#onData);
    this.#stream.off('end', this.#onEnd);
    this.#stream.off('error', this.#onEnd);
    if (this.#stream.isTTY) this.#stream.setRawMode(false);
    this.#stream.pause();
    this.#resolve(true);
  }

  readonly #onData = (chunk: Buffer): void => {
    const bytes = this.#filter ? this.#filter.push(chunk) : new Uint8Array(chunk);
    if (bytes.length > 0) this.#queue.push(bytes);
    this.#resolve(true);
  };

  readonly #onEnd = (): void => {
    this.#ended = true;
    this.#resolve(true);
  };

  #resolve(woken: boolean): void {
    this.#wake?.(woken);
  }
}

/**
 * Runs `board` in slices until an outcome other than a yield or a wait, handing the UART
 * `input` as it arrives. With no timer armed and the input ended, nothing can wake an
 * idle guest: that is the `idle` outcome, as in a run without a host.
 */
export async function runLive(
  board: VirtBoard,
  options: Pick<RunOptions, 'maxInsns' | 'trace'>,
  input: LiveInput,
  /** Where input goes instead of the UART (a VM's console, attached with --console). */
  deliver?: (bytes: Uint8Array) => void,
): Promise<RunOutcome | Quit> {
  const machine = board.machine;
  for (;;) {
    input.deliverTo(board.uart, deliver);
    const outcome = machine.run({ ...options, yieldAfter: SLICE, idle: 'return' });
    if (input.quit) return { kind: 'quit' };
    if (outcome.kind === 'yield') {
      await nextTurn();
      continue;
    }
    if (outcome.kind !== 'wait') return outcome;
    if (input.pending) continue;
    // A deadline already passed belongs to a masked interrupt: only input can help then.
    const ahead = outcome.deadline === undefined ? 0n : outcome.deadline - machine.hart.mtime;
    const ms = ahead <= 0n ? undefined : Number(ahead / TICKS_PER_MS);
    if (ms === undefined && input.ended) return { kind: 'idle', pc: outcome.pc };
    const far = ms !== undefined && ms > MAX_TIMEOUT_MS;
    const woken = await input.wait(far ? MAX_TIMEOUT_MS : ms);
    if (input.quit) return { kind: 'quit' };
    // Nothing came: the guest's timer is due in real time too (a far one: wait again).
    if (!woken && !far) machine.skipIdleTime();
  }
}
