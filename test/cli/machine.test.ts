import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assemble, needHart, needHartAndGcc, ROOT, scratchFile } from '../helpers/tools.js';

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cellvisor(args: string[], input = ''): Result {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'machine', ...args], {
    cwd: ROOT, encoding: 'utf8', timeout: 120_000, input,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function assertOneLine(r: Result, status: number, line: string | RegExp): void {
  assert.equal(r.status, status, `status; stderr: ${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
  if (typeof line === 'string') assert.equal(lines[0], line);
  else assert.match(lines[0], line);
}

const needDtc: string | false = spawnSync('dtc', ['--version']).status === 0 ? false : 'dtc not installed';

/** A small Linux Image: header, then `size` bytes in all. */
function image(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  const v = new DataView(bytes.buffer);
  v.setUint32(0, 0x0000006f, true); // j .
  v.setBigUint64(8, 0x20_0000n, true);
  v.setBigUint64(16, BigInt(size), true);
  bytes.set(new TextEncoder().encode('RISCV\0\0\0RSC\x05'), 48);
  return bytes;
}

const HELLO = `
  .globl _start
_start:
  li t0, 0x10000000
  la t1, message
1: lbu t2, 0(t1)
  beqz t2, 2f
  sb t2, 0(t0)
  addi t1, t1, 1
  j 1b
2: li a7, 0x53525354          # SBI SRST: shutdown, reason in a1
  li a6, 0
  li a0, 0
  li a1, REASON
  ecall
message: .asciz "hello from S-mode\\n"
`;

describe('cellvisor machine: bad input', () => {
  it('shows help', () => {
    const r = cellvisor(['--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /--bios hosted\|none\|FILE/);
    assert.match(r.stdout, /--input FILE\|-/);
    assert.match(r.stdout, /--rtc host\|fixed\|DATE/);
  });

  it('rejects missing arguments, unknown flags and bad values with status 2', () => {
    assertOneLine(cellvisor([]), 2, 'cellvisor: machine: missing --kernel FILE');
    assertOneLine(cellvisor(['--kernel', 'x', '--frob']), 2, "cellvisor: --frob: unknown option; see 'cellvisor machine --help'");
    assertOneLine(cellvisor(['vmlinux']), 2, 'cellvisor: vmlinux: unexpected argument; the kernel is given with --kernel');
    assertOneLine(cellvisor(['--kernel', 'x', '-m', 'lots']), 2, "cellvisor: -m: expected a size like 128M or 1G, got 'lots'");
    assertOneLine(cellvisor(['--kernel', 'x', '--max-insns', '-1']), 2, /^cellvisor: --max-insns: /);
    assertOneLine(cellvisor(['--kernel', 'x', '--plic-gateway', 'edge']), 2, "cellvisor: --plic-gateway: 'edge' is not one of qemu, spec");
    assertOneLine(cellvisor(['--kernel', 'x', '--virtio-vendor', 'acme']), 2, "cellvisor: --virtio-vendor: 'acme' is not one of qemu, cellvisor");
    assertOneLine(cellvisor(['--kernel', 'x', '--virtio-version', '3']), 2, "cellvisor: --virtio-version: '3' is not 1 or 2");
  });

  it('rejects an --rtc that is not host, fixed or a date it can hold', () => {
    const bad = (text: string, problem: string) => assertOneLine(cellvisor(['--kernel', 'x', '--rtc', text]), 2, `cellvisor: --rtc: ${problem}`);
    bad('yesterday', "expected host, fixed or a UTC date like 2024-05-01 or 2024-05-01T12:00:00Z, got 'yesterday'");
    bad('2024-05-01T12:00:00+02:00', "expected host, fixed or a UTC date like 2024-05-01 or 2024-05-01T12:00:00Z, got '2024-05-01T12:00:00+02:00'");
    bad('2024-02-30', "no such date or time: '2024-02-30'");
    bad('2024-05-01T24:00:00Z', "no such date or time: '2024-05-01T24:00:00Z'");
    bad('1969-12-31', "'1969-12-31' is before 1970-01-01, where the RTC's count starts");
    bad('2300-01-01', "'2300-01-01' is after 2262-04-11, past the 64-bit nanosecond count Linux reads the RTC into");
  });

  it('says plainly that the board has one hart so far', () => {
    assertOneLine(cellvisor(['--smp', '4', '--kernel', 'Image']), 2,
      'cellvisor: --smp: 4 harts asked for; this board has one hart so far (SMP is planned)');
  });

  it('names missing and corrupt files', () => {
    assertOneLine(cellvisor(['--kernel', 'no/such/Image']), 2, 'cellvisor: no/such/Image: no such file');
    const kernel = scratchFile('ok.Image', image(4096));
    assertOneLine(cellvisor(['--kernel', kernel, '--initrd', 'no/initrd']), 2, 'cellvisor: no/initrd: no such file');
    assertOneLine(cellvisor(['--kernel', kernel, '--bios', 'no/fw.bin']), 2, 'cellvisor: no/fw.bin: no such file');
    assertOneLine(cellvisor(['--kernel', kernel, '--drive', 'no/disk.img']), 2, 'cellvisor: no/disk.img: no such file');
    const tiny = scratchFile('tiny.img', new Uint8Array(100));
    assertOneLine(cellvisor(['--kernel', kernel, '--drive', tiny]), 2, `cellvisor: ${tiny}: disk image of 100 bytes is smaller than one 512-byte sector`);
    assertOneLine(cellvisor(['--kernel', kernel, '--drive', `${tiny},rw`]), 2, "cellvisor: --drive: unknown flag 'rw'; only 'ro' is supported");
    const gz = scratchFile('Image.gz', Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0));
    assertOneLine(cellvisor(['--kernel', gz]), 2, `cellvisor: ${gz}: a gzip-compressed kernel (Image.gz); give the uncompressed Image`);
    const broken = image(4096);
    new DataView(broken.buffer).setBigUint64(16, 16n, true);
    const brokenPath = scratchFile('broken.Image', broken);
    assertOneLine(cellvisor(['--kernel', brokenPath]), 2, /: Image header image_size 0x10 is smaller than the file/);
  });

  it('refuses images that do not fit the memory', () => {
    const kernel = scratchFile('big.Image', image(3 << 20));
    const initrd = scratchFile('big.cpio', new Uint8Array(2 << 20));
    assertOneLine(cellvisor(['--kernel', kernel, '--initrd', initrd, '-m', '6M']), 2,
      /^cellvisor: -m: 6 MiB of RAM is too small for the kernel \(0x80200000-0x80500000\) and the device tree; give more memory with -m$/);
  });
});

describe('cellvisor machine: running', () => {
  it('writes the device tree with --dump-dtb, including bootargs and the initrd', { skip: needDtc }, () => {
    const kernel = scratchFile('dtb.Image', image(4096));
    const initrd = scratchFile('dtb.cpio', new Uint8Array(12345));
    const out = scratchFile('board.dtb', '');
    const r = cellvisor(['--kernel', kernel, '--initrd', initrd, '--append', 'console=ttyS0 quiet', '-m', '256M', '--dump-dtb', out]);
    assert.equal(r.status, 0, r.stderr);
    const dts = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', out], { encoding: 'utf8' });
    assert.equal(dts.status, 0, dts.stderr);
    assert.match(dts.stdout, /bootargs = "console=ttyS0 quiet"/);
    assert.match(dts.stdout, /reg = <0x00 0x80000000 0x00 0x10000000>/);
    // The device tree sits at the last 2 MiB boundary below the end of RAM (0x8fe00000),
    // the initrd right under it, starting on a page boundary.
    assert.match(dts.stdout, /linux,initrd-start = <0x00 0x8fdfc000>/);
    assert.match(dts.stdout, /linux,initrd-end = <0x00 0x8fdff039>/);
    assert.equal(readFileSync(out).readUInt32BE(0), 0xd00dfeed);
  });

  it('boots an S-mode kernel on the hosted firmware: UART output, SBI shutdown → 0', { skip: needHartAndGcc }, () => {
    const elf = assemble('machine-hello', HELLO.replace('REASON', '0'));
    const r = cellvisor(['--kernel', elf, '--sbi-stats']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'hello from S-mode\n');
    assert.match(r.stderr, /SBI calls: 1\n {2}SRST\/system_reset +1/);
  });

  it('exits 1 for a failure shutdown and says so', { skip: needHartAndGcc }, () => {
    const elf = assemble('machine-fail', HELLO.replace('REASON', '1'));
    const r = cellvisor(['--kernel', elf]);
    assertOneLine(r, 1, 'cellvisor: guest failed with code 1 (sbi)');
  });

  it('stops at --max-insns with status 4', { skip: needHart }, () => {
    const kernel = scratchFile('spin.Image', image(4096));
    assertOneLine(cellvisor(['--kernel', kernel, '--max-insns', '1000']), 4,
      'cellvisor: stopped by --max-insns after 1000 instructions, at pc 0x80200000');
  });
});
