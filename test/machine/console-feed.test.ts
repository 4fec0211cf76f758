import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConsoleFeed, ConsoleLines, POLLS_PER_LINE } from '../../src/machine/console-feed.js';
import { UNCONNECTED } from '../../src/machine/devices/interrupt-line.js';
import { Uart16550 } from '../../src/machine/devices/uart16550.js';
import type { CharSource } from '../../src/machine/host.js';

const LSR = 5;
const text = (s: string) => new TextEncoder().encode(s);

function source(...chunks: string[]): CharSource {
  const queue = chunks.map(text);
  return { read: () => queue.shift() };
}

/** Reads everything the UART holds, as a polling driver would. */
function drain(feed: ConsoleFeed): string {
  let out = '';
  while ((Number(feed.read(LSR, 1)) & 1) !== 0) out += String.fromCharCode(Number(feed.read(0, 1)));
  return out;
}

describe('ConsoleLines', () => {
  it('hands out whole lines however the source chunks them, then the rest at the end', () => {
    const lines = new ConsoleLines(source('ab', 'c\nde\nf', 'g'));
    assert.deepEqual([lines.next(), lines.next(), lines.next(), lines.next()].map((l) => l && new TextDecoder().decode(l)),
      ['abc\n', 'de\n', 'fg', undefined]);
    assert.ok(lines.exhausted);
  });
});

describe('ConsoleFeed', () => {
  it('gives a polling reader one line after it polled an empty LSR long enough', () => {
    const feed = new ConsoleFeed(new Uart16550({ write: () => {} }, UNCONNECTED), source('one\ntwo\n'));
    for (let i = 1; i < POLLS_PER_LINE; i++) assert.equal(Number(feed.read(LSR, 1)) & 1, 0);
    assert.equal(drain(feed), 'one\n');
    for (let i = 1; i < POLLS_PER_LINE; i++) feed.read(LSR, 1);
    assert.equal(drain(feed), 'two\n');
  });

  it('does not count polls that wait to transmit', () => {
    const feed = new ConsoleFeed(new Uart16550({ write: () => {} }, UNCONNECTED), source('x\n'));
    for (let i = 0; i < 3 * POLLS_PER_LINE; i++) {
      feed.read(LSR, 1);
      feed.write(0, 1, 0x41n);
    }
    assert.equal(Number(feed.read(LSR, 1)) & 1, 0);
  });

  it('feeds an idle guest only while its receive interrupt is enabled', () => {
    const feed = new ConsoleFeed(new Uart16550({ write: () => {} }, UNCONNECTED), source('ls\n'));
    assert.equal(feed.idle(), false);
    feed.write(1, 1, 1n); // IER.ERBFI
    assert.equal(feed.idle(), true);
    assert.equal(feed.idle(), false, 'not while the last line is unread');
    assert.equal(drain(feed), 'ls\n');
    assert.equal(feed.idle(), false, 'the input has ended');
  });
});
