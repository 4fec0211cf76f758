// What the board needs from its host (Node in cli/, a web page later). machine/ must not
// import Node built-ins, so these are the only way out to a terminal.

/** A console output stream: the guest's bytes, in order, unbuffered by the board. */
export interface CharSink {
  write(bytes: Uint8Array): void;
}
