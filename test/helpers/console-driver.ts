// Drives `cellvisor machine` through its stdin and stdout pipes the way expect or a CI
// harness drives QEMU's serial console: wait for some output, type, wait again.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './tools.js';

export interface Exit {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
}

interface Waiter {
  readonly pattern: string | RegExp;
  readonly resolve: (text: string) => void;
  readonly reject: (err: Error) => void;
}

export class ConsoleDriver {
  readonly #child: ChildProcessWithoutNullStreams;
  #stdout = '';
  #stderr = '';
  /** Where the next expect() starts looking: output before it was matched already. */
  #mark = 0;
  #waiter: Waiter | undefined;
  #exit: Exit | undefined;
  readonly #exited: Promise<Exit>;

  /** Starts `cellvisor machine ARGS` with piped stdio. */
  constructor(args: readonly string[]) {
    this.#child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'machine', ...args], {
      cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.#child.stdout.setEncoding('latin1');
    this.#child.stderr.setEncoding('utf8');
    this.#child.stdout.on('data', (text: string) => {
      this.#stdout += text;
      this.#check();
    });
    this.#child.stderr.on('data', (text: string) => { this.#stderr += text; });
    // The machine may end before reading all we typed: that is for the test to judge.
    this.#child.stdin.on('error', () => {});
    this.#exited = new Promise((resolve) => {
      this.#child.on('close', (status, signal) => {
        this.#exit = { status, signal };
        this.#check();
        resolve(this.#exit);
      });
    });
  }

  get stdout(): string {
    return this.#stdout;
  }

  get stderr(): string {
    return this.#stderr;
  }

  /**
   * Waits until the output after the last match contains `pattern`; returns that output
   * up to the end of the match. Fails after `timeoutMs` or when the process ends first.
   */
  expect(pattern: string | RegExp, timeoutMs: number): Promise<string> {
    if (this.#waiter) throw new Error('expect() while another expect() waits');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        reject(new Error(`no ${String(pattern)} within ${timeoutMs} ms; ${this.#describe()}`));
      }, timeoutMs);
      this.#waiter = {
        pattern,
        resolve: (text) => { clearTimeout(timer); resolve(text); },
        reject: (err) => { clearTimeout(timer); reject(err); },
      };
      this.#check();
    });
  }

  /** Types `text` on the console. */
  send(text: string): void {
    this.#child.stdin.write(text);
  }

  /** Closes the console's input: EOF for the machine. */
  endInput(): void {
    this.#child.stdin.end();
  }

  /** Waits for the process to end; kills it and fails after `timeoutMs`. */
  async exit(timeoutMs: number): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.kill();
        reject(new Error(`still running after ${timeoutMs} ms; ${this.#describe()}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.#exited, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends the process if it still runs (a failed test must not leave it behind). */
  kill(): void {
    if (this.#exit === undefined) this.#child.kill('SIGKILL');
  }

  #check(): void {
    const waiter = this.#waiter;
    if (!waiter) return;
    const rest = this.#stdout.slice(this.#mark);
    let end = -1;
    if (typeof waiter.pattern === 'string') {
      const at = rest.indexOf(waiter.pattern);
      if (at >= 0) end = at + waiter.pattern.length;
    } else {
      const m = waiter.pattern.exec(rest);
      if (m) end = m.index + m[0].length;
    }
    if (end >= 0) {
      this.#waiter = undefined;
      this.#mark += end;
      waiter.resolve(rest.slice(0, end));
    } else if (this.#exit) {
      this.#waiter = undefined;
      waiter.reject(new Error(`the machine ended before ${String(waiter.pattern)}; ${this.#describe()}`));
    }
  }

  #describe(): string {
    const exit = this.#exit ? `exit status ${this.#exit.status ?? this.#exit.signal}` : 'still running';
    return `${exit}; stderr:\n${this.#stderr}\noutput ends:\n${this.#stdout.slice(-2000)}`;
  }
}
