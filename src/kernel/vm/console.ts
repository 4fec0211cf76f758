// A VM's console: the SBI console (legacy putchar/getchar and DBCN), which Linux uses
// as hvc0 and earlycon=sbi with no device at all. Output goes to the kernel's host line
// by line under the VM's name (or unbuffered to the terminal when this console is the
// one attached with --console); the last lines are kept for fault reports. Input comes
// from the host: pushed as it arrives (a live terminal), or pulled a line at a time from
// a ConsoleLines when the guest has polled an empty console several times in a row with
// no output in between (the guest waits for input), so a scripted run is reproducible.
import type { ConsoleLines } from '../../machine/console-feed.js';

/** Lines kept for a fault report. */
const RECENT_LINES = 8;
/** Empty getchar polls with no output in between that count as "the guest waits for input" (Linux's hvc polls about every 100 ms while idle). */
export const POLLS_PER_LINE = 16;

export interface ConsoleOutput {
  /** A whole line, without its newline. */
  line(text: string): void;
  /** Unbuffered text, when this console is the attached one. */
  raw?(text: string): void;
}

export class VmConsole {
  #line = '';
  readonly recent: string[] = [];
  #input: number[] = [];
  #emptyPolls = 0;
  readonly #decoder = new TextDecoder();

  constructor(private readonly out: ConsoleOutput, private readonly lines?: ConsoleLines) {}

  write(bytes: Uint8Array): void {
    this.#emptyPolls = 0;
    const text = this.#decoder.decode(bytes, { stream: true });
    if (this.out.raw) this.out.raw(text);
    let rest = this.#line + text;
    let nl = rest.indexOf('\n');
    while (nl >= 0) {
      const line = rest.slice(0, nl).replace(/\r$/, '');
      if (!this.out.raw) this.out.line(line);
      this.#remember(line);
      rest = rest.slice(nl + 1);
      nl = rest.indexOf('\n');
    }
    this.#line = rest;
  }

  /** Host input, as it arrives. */
  receive(bytes: Uint8Array): void {
    for (const b of bytes) this.#input.push(b);
  }

  /** The next input byte, or -1. */
  getchar(): number {
    this.#pull();
    const b = this.#input.shift();
    return b ?? -1;
  }

  /** Up to `max` input bytes. */
  read(max: number): Uint8Array {
    this.#pull();
    return Uint8Array.from(this.#input.splice(0, max));
  }

  /** Ends the last line (at the end of a run, or when the VM stops). */
  flush(): void {
    if (this.#line !== '') {
      if (!this.out.raw) this.out.line(this.#line);
      this.#remember(this.#line);
    }
    this.#line = '';
  }

  #pull(): void {
    if (this.#input.length > 0 || !this.lines || this.lines.exhausted) return;
    if (++this.#emptyPolls < POLLS_PER_LINE) return;
    this.#emptyPolls = 0;
    const line = this.lines.next();
    if (line) this.receive(line);
  }

  #remember(line: string): void {
    this.recent.push(line);
    if (this.recent.length > RECENT_LINES) this.recent.shift();
  }
}
