// Regenerates the golden signatures test/asm/expected/NAME.txt from QEMU.
//
//   npm run test:golden              every test
//   npm run test:golden -- NAME ...  only these
//
// A test whose QEMU run does not end with HTIF exit code 0 gets no golden file:
// the test itself is wrong, and that must be fixed first. QEMU runs with the
// `-cpu` the test's header asks for (`qemu-cpu:`). A test whose header says
// `hand-written:` has its expected signature in test/asm/spec-expected/, written
// from the specification because QEMU 7.2 lacks what it tests: this script never
// writes it (named on the command line, it is an error; otherwise it is skipped).

import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { QEMU, ROOT, buildTest, goldenPath, listTests, onPath, readGolden, runQemu, testHeader } from './harness.js';

async function main(): Promise<number> {
  if (!onPath(QEMU)) {
    console.error(`${QEMU} is not installed (Debian: apt-get install qemu-system-misc)`);
    return 1;
  }
  const wanted = process.argv.slice(2);
  const all = listTests();
  const unknown = wanted.filter((n) => !all.includes(n));
  if (unknown.length > 0) {
    console.error(`no such test: ${unknown.join(', ')} (tests are test/asm/NAME.S)`);
    return 1;
  }
  let failed = 0;
  for (const name of wanted.length > 0 ? wanted : all) {
    const { handWritten, qemuCpu } = testHeader(name);
    if (handWritten !== undefined) {
      const why = `${relative(ROOT, goldenPath(name))} is hand-written from the spec (${handWritten}); not overwritten`;
      if (wanted.length > 0) {
        failed++;
        console.error(`${name}: ${why}`);
      } else {
        console.log(`${name}: skipped: ${why}`);
      }
      continue;
    }
    let elf: string;
    try {
      elf = buildTest(name);
    } catch (e) {
      failed++;
      console.error(`${name}: ${(e as Error).message}`);
      continue;
    }
    const r = await runQemu(elf, qemuCpu);
    if (r.code !== 0 || r.timedOut) {
      failed++;
      const why = r.timedOut ? 'timed out' : `exit code ${r.code}`;
      console.error(`${name}: QEMU ${why}; golden file left alone\n${r.signature}${r.stderr}`);
      continue;
    }
    const path = goldenPath(name);
    const old = readGolden(name);
    writeFileSync(path, r.signature, 'latin1');
    const state = old === undefined ? 'new' : old === r.signature ? 'unchanged' : 'CHANGED';
    console.log(`${relative(ROOT, path)}: ${r.signature.split('\n').length - 1} lines, ${state}`);
  }
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
