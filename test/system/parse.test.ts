// The YAML front end: positions, aliases, and input built to hurt.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkText, loadSystem } from '../../src/system/load.js';
import { parseYamlTree } from '../../src/system/yaml-tree.js';
import { testHost } from '../helpers/system-host.js';
import { ROOT } from '../helpers/tools.js';

const messages = (text: string): string[] => {
  const r = checkText('/x/system.yaml', text, testHost);
  return r.ok ? [] : r.errors.map((e) => `${e.pos.line}:${e.pos.column}: ${e.message}`);
};

describe('description parsing', () => {
  it('keeps 1-based positions of keys and values, flow style included', () => {
    const r = parseYamlTree('cells:\n  - { name: a, priority: 7 }\n');
    assert.ok(r.ok && r.root.kind === 'map');
    const cells = r.root.entries[0];
    assert.deepEqual(cells.keyPos, { line: 1, column: 1 });
    assert.ok(cells.value.kind === 'seq' && cells.value.items[0].kind === 'map');
    const [name, priority] = cells.value.items[0].entries;
    assert.deepEqual([name.keyPos, name.value.pos], [{ line: 2, column: 7 }, { line: 2, column: 13 }]);
    assert.deepEqual([priority.key, priority.value.pos], ['priority', { line: 2, column: 26 }]);
  });

  it('follows aliases, reporting at the alias', () => {
    const text = 'cells:\n  - name: a\n    elf: cell.elf\n    priority: &p 300\n  - name: b\n    elf: cell.elf\n    priority: *p\n';
    assert.deepEqual(messages(text), [
      "4:18: 'priority' is 300; accepted: an integer from 0 to 254",
      "7:15: 'priority' is 300; accepted: an integer from 0 to 254",
    ]);
  });

  it('stops a description that expands exponentially through aliases', () => {
    const levels = ['a: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) levels.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    const started = Date.now();
    const errors = messages(`${levels.join('\n')}\n`);
    assert.ok(Date.now() - started < 5_000);
    assert.match(errors[0], /^\d+:\d+: the description expands to more than 100000 values/);
  });

  it('does not take object built-ins for keys', () => {
    for (const key of ['constructor', '__proto__', 'toString']) {
      assert.deepEqual(messages(`cells:\n  - name: a\n    elf: cell.elf\n    priority: 1\n    ${key}: 1\n`).map((m) => m.split(';')[0]),
        [`5:5: unknown key '${key}' in a cell`]);
    }
  });

  it('reports integers beyond 2^53 instead of rounding them', () => {
    assert.deepEqual(messages('memory_regions:\n  - { name: r, size: 4KiB, phys_addr: 0x100000000000000000 }\ncells: []\n'),
      ["2:39: 'phys_addr' is 295147905179352825856 (too large); accepted: an address: an integer, usually written in hex (0x4000000)"]);
  });

  it('rejects text that is not UTF-8, and empty files', () => {
    assert.deepEqual(messages(''), ['1:1: the description is empty; accepted: a mapping with keys memory_regions, cells, channels']);
    const latin1 = loadSystem('/x/system.yaml', { readFile: () => new Uint8Array([0x63, 0x65, 0x6c, 0x6c, 0x73, 0x3a, 0x20, 0xe9, 0x0a]) });
    assert.deepEqual(latin1.ok ? [] : latin1.errors, [{ pos: { line: 1, column: 1 }, message: 'the description is not UTF-8 text; accepted: a YAML file in UTF-8' }]);
  });
});

describe('mangled descriptions', () => {
  it('never throw, and every error points into the file', () => {
    const good = readFileSync(join(ROOT, 'test/system/fixtures/good/echo.yaml'), 'utf8');
    const lines = good.split('\n');
    // xorshift32: the same mutations every run.
    let seed = 0x2545f491;
    const random = (n: number): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const pieces = ['', ' ', '-', ':', '{', '}', '[', ']', '&a', '*a', '0x4000001', '63', '"', "'", '\t', '#', 'null', '~', '!!binary', '?', '|', '>'];
    let rejected = 0;
    for (let round = 0; round < 400; round++) {
      const mutated = [...lines];
      for (let k = 0; k <= random(3); k++) {
        const at = random(mutated.length);
        const line = mutated[at];
        switch (random(4)) {
          case 0: mutated.splice(at, 1); break;
          case 1: mutated.splice(at, 0, line); break;
          case 2: {
            const col = random(line.length + 1);
            mutated[at] = line.slice(0, col) + pieces[random(pieces.length)] + line.slice(col + random(4));
            break;
          }
          default: mutated[at] = line.replace(/[0-9a-z]+/, pieces[random(pieces.length)]);
        }
      }
      const text = mutated.join('\n');
      const result = checkText(join(ROOT, 'test/system/fixtures/good/system.yaml'), text, testHost);
      if (result.ok) continue;
      rejected++;
      const count = text.split('\n').length;
      for (const e of result.errors) {
        assert.ok(e.pos.line >= 1 && e.pos.line <= count && e.pos.column >= 1, `${e.pos.line}:${e.pos.column} in\n${text}`);
        assert.match(e.message, /; /, e.message);
      }
    }
    assert.ok(rejected > 100, `${rejected} of 400 mangled descriptions rejected`);
  });
});
