// Determinism: each example system (examples/*/system.yaml, loaded as `cellvisor run`
// loads it), run twice with the same input, prints the same lines and console bytes,
// with the same statistics, instruction count and virtual time.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { nodeSystemHost } from '../../src/cli/check.js';
import { formatError } from '../../src/system/description.js';
import { kernelImage } from '../../src/system/image.js';
import { loadSystem } from '../../src/system/load.js';
import { ConsoleLines } from '../../src/machine/console-feed.js';
import { needCells, runImage, type CellRun } from '../helpers/cells.js';
import { ROOT } from '../helpers/tools.js';

const EXAMPLES = join(ROOT, 'examples');
/** Long-running examples (the rt one runs 10 s of virtual time) are cut here. */
const STOP_NS = 100_000_000;

const examples = existsSync(EXAMPLES)
  ? readdirSync(EXAMPLES).filter((d) => existsSync(join(EXAMPLES, d, 'system.yaml'))).sort()
  : [];

async function runExample(path: string): Promise<CellRun> {
  const loaded = loadSystem(path, nodeSystemHost);
  if (!loaded.ok) assert.fail(loaded.errors.map((e) => formatError(path, e)).join('\n'));
  let sent = false;
  const input = new ConsoleLines({
    read: () => {
      if (sent) return undefined;
      sent = true;
      return new TextEncoder().encode('hello, cells\npoweroff\n');
    },
  });
  return runImage(kernelImage(loaded.system, loaded.admission), {
    maxInsns: 50_000_000n, stopAtNs: STOP_NS, input, ramSize: 128 << 20,
  });
}

test('there are example systems to run', () => {
  assert.ok(examples.length > 0, `no examples/*/system.yaml under ${EXAMPLES}`);
});

for (const name of examples) {
  test(`examples/${name}: two runs give identical output, statistics and instruction counts`, { skip: needCells }, async () => {
    const path = join(EXAMPLES, name, 'system.yaml');
    const first = await runExample(path);
    const second = await runExample(path);
    assert.ok(first.lines.length > 0, 'the example printed nothing');
    assert.notEqual(first.outcome.kind, 'insn-limit', `examples/${name} did not finish: ${first.lines.slice(-5).join('\n')}`);
    assert.deepEqual(second.outcome, first.outcome);
    assert.deepEqual(second.lines, first.lines);
    assert.equal(second.console, first.console);
    assert.deepEqual(second.log, first.log);
    assert.deepEqual(second.stats, first.stats);
    assert.deepEqual(second.vmStats, first.vmStats);
    assert.equal(second.retired, first.retired);
    assert.equal(second.mtime, first.mtime);
    assert.deepEqual(second.kernel.counters, first.kernel.counters);
  });
}
