// What the board needs from its host (Node in cli/, a web page later). machine/ must not
// import Node built-ins, so these are the only way out to a terminal.

/** A console output stream: the guest's bytes, in order, unbuffered by the board. */
export interface CharSink {
  write(bytes: Uint8Array): void;
}

/**
 * Host input for a console, pulled by the board when the guest asks for it
 * (console-feed.ts), so that when the bytes arrive in real time does not matter.
 */
export interface CharSource {
  /** The next bytes, waiting for them if need be; `undefined` at the end of input. */
  read(): Uint8Array | undefined;
}
