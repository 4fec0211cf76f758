// `cellvisor check` and `cellvisor schema` as a user runs them: real files on disk, the
// description named relative to the working directory, errors on stderr, exit status.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { cellElf, VM_FILES } from '../helpers/system-host.js';
import { GCC, needGcc, ROOT, scratchFile } from '../helpers/tools.js';

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cellvisor(cwd: string, ...args: string[]): Result {
  // tsx resolved from here, as cwd is a scratch directory without node_modules.
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'src/cli/main.ts'), ...args], {
    cwd, encoding: 'utf8', timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A directory holding system.yaml (from a fixture or text) and cell.elf. */
function project(name: string, yaml: string, files: Record<string, Uint8Array> = {}): string {
  const dir = join(dirname(scratchFile(`${name}.keep`, '')), name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'system.yaml'), yaml);
  writeFileSync(join(dir, 'cell.elf'), cellElf());
  for (const [file, bytes] of Object.entries(files)) writeFileSync(join(dir, file), bytes);
  return dir;
}

const fixture = (path: string): string => readFileSync(join(ROOT, 'test/system/fixtures', path), 'utf8');

describe('cellvisor check', () => {
  it('prints the admission table and OK for a valid description', () => {
    const dir = project('good', fixture('good/echo.yaml'));
    const r = cellvisor(dir, 'check', 'system.yaml');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^cell\s+priority\s+budget\s+period\s+utilisation\s+bound$/);
    // client: C = 1 ms + 6.6 µs, plus one release of monitor (C = 106.6 µs, T = 5 ms):
    // R = 1.1132 ms, and ⌈1.1132 / 5⌉ = 1 so it converges at once.
    assert.match(lines[1], /^client\s+100\s+1 ms\s+10 ms\s+10\.1 %\s+1\.113 ms\s+OK$/);
    assert.match(lines[2], /^monitor\s+250\s+100 µs\s+5 ms\s+2\.1 %\s+106\.6 µs\s+OK$/);
    assert.match(lines[3], /^total utilisation 12\.2 %/);
    assert.equal(lines[4], 'system.yaml: OK');
  });

  it('prints every error as FILE:LINE:COLUMN, sorted, with status 2', () => {
    const dir = project('many', fixture('bad/many.yaml'));
    mkdirSync(join(dir, 'sub'), { recursive: true });
    const r = cellvisor(join(dir, 'sub'), 'check', '../system.yaml');
    assert.equal(r.status, 2);
    const expected = fixture('bad/many.yaml').split('\n').flatMap((l) => {
      const m = /^# expect: (.*)$/.exec(l);
      return m ? [`../system.yaml:${m[1]}`] : [];
    });
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, expected.length, r.stderr);
    lines.forEach((line, i) => assert.ok(line.startsWith(expected[i]), `${line}\nexpected: ${expected[i]}`));
    assert.equal(r.stdout, '', 'no admission table when cells were left out');
  });

  it('prints the table with FAIL when the admission test fails', () => {
    const dir = project('rta', fixture('bad/bound-over-period.yaml'));
    const r = cellvisor(dir, 'check', 'system.yaml');
    assert.equal(r.status, 2);
    assert.match(r.stdout, /\nslow\s+1\s+2 ms\s+8 ms\s+25\.1 %\s+> 8 ms\s+FAIL\n/);
    assert.match(r.stderr, /^system\.yaml:16:5: cell 'slow' may not finish within its period: its response time reaches 8\.026 ms > period 8 ms/);
  });

  it('rejects a host executable as a cell ELF', () => {
    const dir = project('host-elf', 'cells:\n  - name: a\n    elf: /bin/true\n    priority: 1\n');
    const r = cellvisor(dir, 'check', 'system.yaml');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^system\.yaml:3:10: '\/bin\/true' is not a usable cell: (built for \S+, not RISC-V|a position-independent executable).*; accepted: an RV64 RISC-V ELF executable/);
  });

  it('reports a missing description or argument in one line', () => {
    const dir = project('missing', '');
    let r = cellvisor(dir, 'check', 'nope.yaml');
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'cellvisor: nope.yaml: no such file\n');
    r = cellvisor(dir, 'check');
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'cellvisor: check: missing SYSTEM.yaml\n');
    r = cellvisor(dir, 'check', 'system.yaml');
    assert.equal(r.status, 2);
    assert.equal(r.stderr, "system.yaml:1:1: the description is empty; accepted: a mapping with keys memory_regions, cells, channels, vms\n");
  });

  it('checks setvar against a cell compiled by the RISC-V toolchain', { skip: needGcc }, () => {
    const dir = project('gcc', [
      'memory_regions:',
      '  - { name: ring, size: 4KiB }',
      'cells:',
      '  - name: c',
      '    elf: c.elf',
      '    priority: 1',
      '    maps:',
      '      - { region: ring, vaddr: 0x4000000, perms: rw, setvar: ring_base }',
      '      - { region: ring, vaddr: 0x4001000, perms: r, setvar: flags }',
      '',
    ].join('\n'));
    writeFileSync(join(dir, 'c.c'), 'unsigned long long ring_base;\nunsigned int flags = 1;\nvoid _start(void) { for (;;) ring_base++; }\n');
    const gcc = spawnSync(GCC, ['-nostdlib', '-static', '-O1', '-Wl,-Ttext=0x10000', '-Wl,-n', join(dir, 'c.c'), '-o', join(dir, 'c.elf')], { encoding: 'utf8' });
    assert.equal(gcc.status, 0, gcc.stderr);
    assert.ok(existsSync(join(dir, 'c.elf')));
    const r = cellvisor(dir, 'check', 'system.yaml');
    assert.equal(r.status, 2);
    assert.equal(r.stderr, "system.yaml:9:61: setvar 'flags' is 4 bytes in 'c.elf'; accepted: a uint64_t variable (8 bytes) in the cell's data\n");
  });
});

describe('descriptions with VMs', () => {
  const vmFiles = Object.fromEntries(Object.entries(VM_FILES).map(([name, make]) => [name, make()]));

  it('cellvisor check accepts them and prints the table with the VMs', () => {
    const dir = project('vms', fixture('good/vms.yaml'), vmFiles);
    const r = cellvisor(dir, 'check', 'system.yaml');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[1], /^filter\s+100\s+1 ms\s+10 ms\s+10\.1 %\s+1\.007 ms\s+OK$/);
    // linux: C = 2 ms + 6.6 µs, T = 20 ms, plus one release of filter: R = 3.0132 ms.
    assert.match(lines[2], /^linux\s+50\s+2 ms\s+20 ms\s+10\.0 %\s+3\.013 ms\s+OK$/);
    assert.match(lines[3], /^other\s+40\s+1 ms\s+20 ms\s+5\.0 %\s+4\.02 ms\s+OK$/);
    assert.equal(lines.at(-1), 'system.yaml: OK');
  });

  it('cellvisor check accepts VMs without cells', () => {
    const dir = project('vms-only', fixture('good/vms-only.yaml'), vmFiles);
    const r = cellvisor(dir, 'check', 'system.yaml');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'admission: no cell has a budget and period; nothing to analyse\nsystem.yaml: OK\n');
  });

  it('cellvisor inspect shows each VM: its scheduling, guest memory and emulated devices', () => {
    const dir = project('vms-inspect', fixture('good/vms.yaml'), vmFiles);
    const r = cellvisor(dir, 'inspect', 'system.yaml');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^VM linux: priority 50, budget 2 ms every 20 ms, VMID 1, G-stage table at 0x[0-9a-f]+$/m);
    assert.match(r.stdout, /^ {4}0x80000000 {3}268435456 bytes {2}rwx {2}-> 0x[0-9a-f]+ {2}guest RAM$/m);
    assert.match(r.stdout, /^ {4}0x90000000 {8}8192 bytes {2}rw {3}-> 0x[0-9a-f]+ {2}region 'ring'$/m);
    assert.match(r.stdout, /^ {4}0x10102000 {8}4096 bytes {2}uio doorbell 2$/m);
    assert.match(r.stdout, /^ {4}0x10003000 {8}4096 bytes {2}virtio-mmio 2$/m);
    assert.match(r.stdout, /^VM other: priority 40, budget 1 ms every 20 ms, VMID 2, /m);
  });

  it('cellvisor run still reports a bad description with VMs as errors, not the refusal', () => {
    const dir = project('vms-bad', fixture('bad/vm-no-kernel.yaml'), vmFiles);
    const r = cellvisor(dir, 'run', 'system.yaml');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^system\.yaml:3:5: a VM has no 'kernel'; add kernel: /);
    assert.doesNotMatch(r.stderr, /hypervisor/);
  });
});

describe('cellvisor schema', () => {
  it('prints the schema in the repository', () => {
    const r = cellvisor(ROOT, 'schema');
    assert.equal(r.status, 0);
    assert.equal(r.stdout, readFileSync(join(ROOT, 'schema/system.schema.json'), 'utf8'));
    assert.equal(JSON.parse(r.stdout).$schema, 'https://json-schema.org/draft/2020-12/schema');
  });

  it('takes no arguments, and has help', () => {
    const r = cellvisor(ROOT, 'schema', 'x.yaml');
    assert.equal(r.status, 2);
    assert.equal(r.stderr, "cellvisor: schema: takes no arguments, got 'x.yaml'\n");
    const help = cellvisor(ROOT, 'schema', '--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /yaml-language-server: \$schema=/);
    const top = cellvisor(ROOT, '--help');
    assert.match(top.stdout, /check SYSTEM\.yaml/);
    assert.match(top.stdout, /schema {10}print the JSON Schema/);
  });
});
