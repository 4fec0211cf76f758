// cellvisor run, inspect and cc, as a user runs them: the example systems from the
// command line, their output, statistics and exit statuses.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { needHartAndGcc, ROOT, scratchFile } from '../helpers/tools.js';

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cellvisor(args: string[], input = ''): Result {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], {
    cwd: ROOT, encoding: 'utf8', timeout: 300_000, input,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Compiles a cell with `cellvisor cc` into a scratch directory; returns the ELF's path. */
function cell(dir: string, name: string, source: string): string {
  const src = join(dir, `${name}.c`);
  writeFileSync(src, source);
  const elf = join(dir, `${name}.elf`);
  const r = cellvisor(['cc', '-Wall', '-Werror', '-o', elf, src]);
  assert.equal(r.status, 0, `cellvisor cc ${name}.c: ${r.stderr}`);
  return elf;
}

const example = (name: string): string => join(ROOT, 'examples', name, 'system.yaml');

describe('cellvisor run', { skip: needHartAndGcc }, () => {
  it('runs the hello example: each cell\'s lines under its name, status 0 from cv_poweroff(0)', () => {
    const r = cellvisor(['run', '--input', '/dev/null', example('hello')]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, [
      'server| ready',
      'client| hello from the client',
      'server| call 1 on channel 1: 20 + 22',
      'client| the server says 20 + 22 = 42 (1 message register)',
      'client| notified on channel 0; powering off',
      '',
    ].join('\n'));
    assert.equal(r.stderr, '');
  });

  it('gives identical output and statistics on two runs', () => {
    const a = cellvisor(['run', '--stats', '--input', '/dev/null', example('hello')]);
    const b = cellvisor(['run', '--stats', '--input', '/dev/null', example('hello')]);
    assert.equal(a.status, 0, a.stderr);
    assert.match(a.stdout, /^statistics after [\d.]+ ms of virtual time, \d+ instructions:$/m);
    assert.match(a.stdout, /^server +[\d.]+ us +0 +\d+ +1 +1 +0 +0 +-$/m);
    assert.equal(a.stdout, b.stdout);
  });

  it('drives the UART through a driver cell: typed lines reach the client and come back', () => {
    const r = cellvisor(['run', '--input', '-', example('driver')], 'hello there\npoweroff\n');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^client\| got a line of 11 bytes: hello there$/m);
    assert.match(r.stdout, /^hello there$/m, 'the client\'s echo, written to the UART by the driver');
    assert.match(r.stdout, /^client\| got a line of 8 bytes: poweroff$/m);
  });

  it('ends with status 0 and says what each cell waits for when nothing can wake one', () => {
    const r = cellvisor(['run', '--input', '/dev/null', example('driver')]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /every cell waits and nothing is left that could wake one/);
    assert.match(r.stderr, /^ {2}driver: waits for a message or notification$/m);
  });

  it('reports a fault in the description\'s words, keeps the others running, and ends with status 1', () => {
    const d = join(ROOT, 'build', 'test', 'run-fault');
    mkdirSync(d, { recursive: true });
    cell(d, 'bad', '#include <cellvisor.h>\nuint64_t ro_base;\nvoid init(void) { *(volatile uint64_t *)(ro_base + 8) = 1; }\n');
    cell(d, 'good', '#include <stdio.h>\n#include <cellvisor.h>\nvoid init(void) { printf("still here\\n"); }\n');
    const yaml = join(d, 'system.yaml');
    writeFileSync(yaml, [
      'memory_regions:',
      '  - { name: table, size: 4KiB }',
      'cells:',
      '  - name: bad',
      '    elf: bad.elf',
      '    priority: 100',
      '    maps: [{ region: table, vaddr: 0x4000000, perms: r, setvar: ro_base }]',
      '  - { name: good, elf: good.elf, priority: 50 }',
      '',
    ].join('\n'));
    const r = cellvisor(['run', '--input', '/dev/null', yaml]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^cellvisor: cell 'bad' faulted: store page fault at pc 0x[0-9a-f]+ \(address 0x4000008\): region 'table', mapped r$/m);
    assert.match(r.stdout, /^good\| still here$/m);
    assert.match(r.stderr, /^ {2}bad: stopped after a fault$/m);
  });

  it('stops at --max-time with status 4', () => {
    const r = cellvisor(['run', '--max-time', '20ms', '--input', '/dev/null', example('rt')]);
    assert.equal(r.status, 4, r.stderr);
    assert.match(r.stderr, /stopped at --max-time 20ms of virtual time/);
  });

  it('rejects a bad description with located errors and status 2, and a bad duration', () => {
    const yaml = scratchFile('bad.yaml', 'cells:\n  - name: x\n    elf: nothing.elf\n    priorty: 3\n');
    const r = cellvisor(['run', yaml]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /bad\.yaml:4:5: .*priorty/);
    const d = cellvisor(['run', '--max-time', 'soon', example('hello')]);
    assert.equal(d.status, 2);
    assert.match(d.stderr, /--max-time: 'soon' is not a duration/);
  });
});

describe('cellvisor inspect', { skip: needHartAndGcc }, () => {
  it('shows every cell\'s memory and capabilities in the description\'s names', () => {
    const r = cellvisor(['inspect', example('driver')]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^cell driver: priority 200, no budget \(round robin, 5 ms slices\)/m);
    assert.match(r.stdout, /^ +0x5000000 +4096 bytes +rw +-> 0x10000000 +region 'uart' \(device\)$/m);
    assert.match(r.stdout, /^ +10 +notify channel 0 \(to 'client'\) +notification of 'client' \[W\] badge 0x1$/m);
    assert.match(r.stdout, /^ +139 +IRQ of channel 1 +IrqHandler for PLIC source 10/m);
    assert.match(r.stdout, /^ +9 +power off +PowerControl/m);
  });

  it('prints the same as JSON with --json', () => {
    const r = cellvisor(['inspect', '--json', example('hello')]);
    assert.equal(r.status, 0, r.stderr);
    const data = JSON.parse(r.stdout) as { cells: { name: string; capabilities: { slot: number; role: string; badge: string }[] }[] };
    const client = data.cells.find((c) => c.name === 'client');
    const ppcall = client?.capabilities.find((c) => c.slot === 74);
    assert.deepEqual(ppcall && { role: ppcall.role, badge: ppcall.badge }, { role: "protected call on channel 0 (to 'server')", badge: '0x8000000000000001' });
  });
});

describe('cellvisor cc', { skip: needHartAndGcc }, () => {
  it('says what is missing', () => {
    assert.match(cellvisor(['cc', 'x.c']).stderr, /missing '-o OUT\.elf'/);
    assert.match(cellvisor(['cc', '-o', 'x.elf']).stderr, /no source files/);
    assert.match(cellvisor(['cc', '-o', 'x.elf', 'nonexistent.c']).stderr, /nonexistent\.c: no such file/);
  });

  it('passes the compiler\'s errors and status through', () => {
    const src = scratchFile('broken.c', 'void init(void) { this is not C; }\n');
    const r = cellvisor(['cc', '-o', scratchFile('broken.elf', ''), src]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /error/);
  });
});
