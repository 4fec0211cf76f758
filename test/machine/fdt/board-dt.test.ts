import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { boardDtb, buildBoardDt, parseIsa, virtBoardConfig } from '../../../src/machine/fdt/board-dt.js';
import { Fdt } from '../../../src/machine/fdt/fdt.js';

const needDtc: string | false = spawnSync('dtc', ['--version']).status === 0 ? false : 'dtc not installed';
const needQemu: string | false = spawnSync('qemu-system-riscv64', ['--version']).status === 0 ? false : 'qemu-system-riscv64 not installed';

const dir = mkdtempSync(join(tmpdir(), 'cellvisor-fdt-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Decompiles a blob with dtc; fails the test on any dtc error or warning about the blob's format. */
function dts(blob: Uint8Array, name: string): string {
  const file = join(dir, `${name}.dtb`);
  writeFileSync(file, blob);
  const r = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** Node paths of a dts, e.g. "/soc/serial@10000000". */
function nodePaths(source: string): string[] {
  const paths: string[] = [];
  const stack: string[] = [];
  for (const line of source.split('\n')) {
    const open = /^\s*([^\s=]+) \{$/.exec(line);
    if (open) {
      stack.push(open[1] === '/' ? '' : open[1]);
      paths.push(stack.join('/') || '/');
    } else if (/^\s*\};$/.test(line)) {
      stack.pop();
    }
  }
  return paths;
}

const config = virtBoardConfig({
  ramSize: 128 << 20,
  isa: 'rv64imafdc_zicsr_zifencei',
  mmuType: 'riscv,sv48',
  chosen: { bootargs: 'console=ttyS0 earlycon', initrd: { start: 0x8420_0000, end: 0x8430_0000 }, rngSeed: new Uint8Array(32).fill(7) },
});

describe('FDT builder', () => {
  it('writes a v17 header, deduplicated strings and a reservation map', () => {
    const fdt = new Fdt();
    fdt.reserve(0x8000_0000, 0x20_0000);
    fdt.root.u32('#address-cells', 2);
    fdt.root.addChild('a').u32('#address-cells', 1).string('compatible', 'x');
    fdt.root.addChild('b@1').string('compatible', 'y');
    const blob = fdt.build();
    const v = new DataView(blob.buffer);
    assert.equal(v.getUint32(0), 0xd00dfeed);
    assert.equal(v.getUint32(4), blob.length);
    assert.equal(v.getUint32(20), 17);
    assert.equal(v.getUint32(24), 16);
    const strings = blob.subarray(v.getUint32(12), v.getUint32(12) + v.getUint32(32));
    assert.equal(new TextDecoder().decode(strings), '#address-cells\0compatible\0', 'each name once');
    const rsv = v.getUint32(16);
    assert.equal(v.getBigUint64(rsv), 0x8000_0000n);
    assert.equal(v.getBigUint64(rsv + 8), 0x20_0000n);
    assert.equal(v.getBigUint64(rsv + 16), 0n);
  });

  it('rejects bad names and duplicate nodes', () => {
    const fdt = new Fdt();
    assert.throws(() => fdt.root.addChild('has space'), RangeError);
    assert.throws(() => fdt.root.u32('a'.repeat(32), 1), RangeError);
    fdt.root.addChild('x');
    assert.throws(() => fdt.root.addChild('x'), RangeError);
    assert.throws(() => fdt.root.u32('n', -1), RangeError);
  });

  it('round-trips through dtc with values intact', { skip: needDtc }, () => {
    const fdt = new Fdt();
    const n = fdt.root.addChild('node@1000');
    n.u32('cells', 1, 0xffff_ffff).u64('wide', 0x1_2345_6789n).strings('list', 'one', 'two').bytes('raw', Uint8Array.of(1, 2, 3)).empty('flag');
    const handle = fdt.phandle(n);
    fdt.root.addChild('user').u32('link', handle);
    const out = dts(fdt.build(), 'values');
    assert.match(out, /cells = <0x01 0xffffffff>;/);
    assert.match(out, /wide = <0x01 0x23456789>;/);
    assert.match(out, /list = "one\\0two";/);
    assert.match(out, /raw = \[01 02 03\];/);
    assert.match(out, /flag;/);
    assert.match(out, /phandle = <0x01>;/);
    assert.match(out, /link = <0x01>;/);
  });
});

describe('board devicetree', () => {
  it('parses with dtc and has every node of the board', { skip: needDtc }, () => {
    const out = dts(boardDtb(config), 'board');
    const paths = nodePaths(out);
    for (const p of [
      '/', '/chosen', '/memory@80000000', '/cpus', '/cpus/cpu@0', '/cpus/cpu@0/interrupt-controller', '/cpus/cpu-map',
      '/soc', '/soc/clint@2000000', '/soc/plic@c000000', '/soc/serial@10000000', '/soc/rtc@101000', '/soc/test@100000',
      '/soc/virtio_mmio@10001000', '/soc/virtio_mmio@10008000', '/poweroff', '/reboot',
    ]) assert.ok(paths.includes(p), `missing ${p}`);
    assert.match(out, /riscv,isa = "rv64imafdc_zicsr_zifencei";/);
    assert.match(out, /mmu-type = "riscv,sv48";/);
    assert.match(out, /timebase-frequency = <0x989680>;/);
    assert.match(out, /compatible = "sifive,plic-1.0.0\\0riscv,plic0";/);
    assert.match(out, /riscv,ndev = <0x60>;/);
    assert.match(out, /compatible = "sifive,clint0\\0riscv,clint0";/);
    assert.match(out, /compatible = "sifive,test1\\0sifive,test0\\0syscon";/);
    assert.match(out, /compatible = "google,goldfish-rtc";/);
    // dtc prints 0x00384000 as the string "\08@", so the value is checked on the tree below.
    assert.match(out, /clock-frequency = /);
    assert.match(out, /value = <0x5555>;/);
    assert.match(out, /value = <0x7777>;/);
    assert.match(out, /bootargs = "console=ttyS0 earlycon";/);
    assert.match(out, /stdout-path = "\/soc\/serial@10000000";/);
    assert.match(out, /linux,initrd-start = <0x00 0x84200000>;/);
    assert.match(out, /linux,initrd-end = <0x00 0x84300000>;/);
    assert.match(out, /reg = <0x00 0x80000000 0x00 0x8000000>;/);
  });

  it('wires interrupts to the right controllers', () => {
    const fdt = buildBoardDt(config);
    const cells = (b: Uint8Array | undefined) => {
      assert.ok(b);
      const v = new DataView(b.buffer, b.byteOffset, b.length);
      return Array.from({ length: b.length / 4 }, (_, i) => v.getUint32(4 * i));
    };
    const intc = fdt.root.child('cpus')!.child('cpu@0')!.child('interrupt-controller')!;
    const [intcHandle] = cells(intc.property('phandle'));
    const soc = fdt.root.child('soc')!;
    const plic = soc.child('plic@c000000')!;
    const [plicHandle] = cells(plic.property('phandle'));
    assert.deepEqual(cells(plic.property('interrupts-extended')), [intcHandle, 11, intcHandle, 9]);
    assert.deepEqual(cells(soc.child('clint@2000000')!.property('interrupts-extended')), [intcHandle, 3, intcHandle, 7]);
    assert.deepEqual(cells(soc.child('serial@10000000')!.property('interrupts')), [10]);
    assert.deepEqual(cells(soc.child('serial@10000000')!.property('clock-frequency')), [3_686_400]);
    assert.deepEqual(cells(soc.child('serial@10000000')!.property('interrupt-parent')), [plicHandle]);
    assert.deepEqual(cells(soc.child('rtc@101000')!.property('interrupts')), [11]);
    for (let n = 0; n < 8; n++) {
      const node = soc.child(`virtio_mmio@${(0x1000_1000 + n * 0x1000).toString(16)}`)!;
      assert.deepEqual(cells(node.property('interrupts')), [n + 1]);
    }
    const [test] = cells(soc.child('test@100000')!.property('phandle'));
    assert.deepEqual(cells(fdt.root.child('poweroff')!.property('regmap')), [test]);
  });

  it('gives each of several harts an M and an S PLIC context', () => {
    const fdt = buildBoardDt(virtBoardConfig({ ramSize: 1 << 27, isa: 'rv64gc', mmuType: 'riscv,sv39', harts: 2 }));
    const plic = fdt.root.child('soc')!.child('plic@c000000')!;
    assert.equal(plic.property('interrupts-extended')!.length, 4 * 8);
    assert.ok(fdt.root.child('cpus')!.child('cpu-map')!.child('cluster0')!.child('core1'));
    assert.equal(fdt.root.child('chosen')!.property('linux,initrd-start'), undefined);
  });

  it('names nodes and properties as QEMU virt does', { skip: needDtc || needQemu }, () => {
    const qemuFile = join(dir, 'qemu-virt.dtb');
    const r = spawnSync('qemu-system-riscv64', ['-M', `virt,dumpdtb=${qemuFile}`, '-nographic'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const qemu = dts(readFileSync(qemuFile), 'qemu');
    const ours = dts(boardDtb(config), 'ours');
    const qemuPaths = new Set(nodePaths(qemu));
    // QEMU devices this board does not have.
    const absent = /^\/(pmu|fw-cfg|flash|platform-bus|soc\/pci)/;
    for (const p of qemuPaths) if (!absent.test(p)) assert.ok(nodePaths(ours).includes(p), `QEMU has ${p}, we do not`);
    // Every property QEMU sets on a shared node, we set too (values may differ).
    const props = (source: string, path: string) => {
      const lines = source.split('\n');
      const out = new Set<string>();
      const stack: string[] = [];
      for (const line of lines) {
        const open = /^\s*([^\s=]+) \{$/.exec(line);
        if (open) { stack.push(open[1] === '/' ? '' : open[1]); continue; }
        if (/^\s*\};$/.test(line)) { stack.pop(); continue; }
        const here = stack.join('/') || '/';
        const prop = /^\s*([^\s=;]+)( = .*)?;$/.exec(line);
        if (here === path && prop) out.add(prop[1]);
      }
      return out;
    };
    for (const path of ['/soc/plic@c000000', '/soc/clint@2000000', '/soc/serial@10000000', '/soc/rtc@101000',
      '/soc/test@100000', '/soc/virtio_mmio@10001000', '/cpus/cpu@0', '/cpus/cpu@0/interrupt-controller', '/poweroff', '/reboot']) {
      const ourProps = props(ours, path);
      for (const p of props(qemu, path)) assert.ok(ourProps.has(p), `${path}: QEMU sets ${p}`);
    }
  });

  it('splits ISA strings for riscv,isa-base and riscv,isa-extensions', () => {
    assert.deepEqual(parseIsa('rv64imafdc_zicsr_zifencei'), {
      base: 'rv64i', extensions: ['i', 'm', 'a', 'f', 'd', 'c', 'zicsr', 'zifencei'],
    });
    assert.deepEqual(parseIsa('rv64gc')?.extensions, ['i', 'm', 'a', 'f', 'd', 'zicsr', 'zifencei', 'c']);
    assert.equal(parseIsa('x86_64'), undefined);
  });
});
