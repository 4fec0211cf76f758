// Every bad description under fixtures/bad/ says in its first lines which errors it must
// produce (`# expect: LINE:COLUMN: text`); the good ones must load, and load to the
// values they say.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatError, MAPPING_BASE } from '../../src/system/description.js';
import { loadSystem } from '../../src/system/load.js';
import { CELL_SYMBOLS, testHost, VM_FILES } from '../helpers/system-host.js';
import { ROOT } from '../helpers/tools.js';

const FIXTURES = join(ROOT, 'test/system/fixtures');
const bad = readdirSync(join(FIXTURES, 'bad')).filter((f) => f.endsWith('.yaml')).sort();

interface Expected {
  readonly line: number;
  readonly column: number;
  readonly text: string;
}

function expectations(path: string): Expected[] {
  return readFileSync(path, 'utf8').split('\n').flatMap((line) => {
    const m = /^# expect: (\d+):(\d+): (.*)$/.exec(line);
    return m ? [{ line: Number(m[1]), column: Number(m[2]), text: m[3] }] : [];
  });
}

describe('bad system descriptions', () => {
  it('cover at least 20 kinds of mistake', () => {
    assert.ok(bad.length >= 20, `${bad.length} fixtures`);
  });

  for (const name of bad) {
    it(name, () => {
      const path = join(FIXTURES, 'bad', name);
      const expected = expectations(path);
      assert.ok(expected.length > 0, 'the fixture says what it expects');
      const result = loadSystem(path, testHost);
      assert.equal(result.ok, false, 'rejected');
      if (result.ok) return;
      const shown = result.errors.map((e) => formatError(name, e)).join('\n');
      assert.equal(result.errors.length, expected.length, `errors:\n${shown}`);
      expected.forEach((want, i) => {
        const got = result.errors[i];
        assert.deepEqual(got.pos, { line: want.line, column: want.column }, `error ${i} position; errors:\n${shown}`);
        assert.ok(got.message.startsWith(want.text) || got.message.includes(want.text), `error ${i}: ${got.message}\nexpected to contain: ${want.text}`);
        assert.match(got.message, /; /, 'says what would be accepted after a semicolon');
      });
    });
  }
});

describe('good system descriptions', () => {
  it('minimal.yaml: one cell', () => {
    const result = loadSystem(join(FIXTURES, 'good/minimal.yaml'), testHost);
    assert.ok(result.ok, result.ok ? '' : result.errors.map((e) => e.message).join('\n'));
    assert.equal(result.system.cells.length, 1);
    const [cell] = result.system.cells;
    assert.equal(cell.name, 'hello');
    assert.equal(cell.priority, 0);
    assert.equal(cell.passive, false);
    assert.equal(cell.poweroff, false);
    assert.equal(cell.schedulingContext, undefined);
    assert.equal(cell.elf.path, join(FIXTURES, 'good/cell.elf'));
    assert.equal(result.admission.rows.length, 0);
  });

  it('echo.yaml: units, resolved names, devices, setvars and positions', () => {
    const result = loadSystem(join(FIXTURES, 'good/echo.yaml'), testHost);
    assert.ok(result.ok, result.ok ? '' : result.errors.map((e) => formatError('echo.yaml', e)).join('\n'));
    const { regions, cells, channels } = result.system;
    assert.deepEqual(regions.map((r) => [r.name, r.size]), [['ring', 4096], ['uart', 4096], ['big', 2 * 2 ** 20]]);
    assert.equal(regions[0].device, undefined);
    assert.equal(regions[1].device?.physAddr, 0x1000_0000);
    assert.equal(regions[1].device?.device.name, 'uart0');
    assert.equal(regions[1].device?.device.irq, 10);
    assert.deepEqual(regions[1].pos, { line: 6, column: 5 });

    const [client, server, monitor] = cells;
    assert.deepEqual(client.schedulingContext && [client.schedulingContext.budgetNs, client.schedulingContext.periodNs], [1_000_000, 10_000_000]);
    assert.deepEqual(monitor.schedulingContext && [monitor.schedulingContext.budgetNs, monitor.schedulingContext.periodNs], [100_000, 5_000_000]);
    assert.equal(client.faultHandler?.cell, monitor);
    assert.equal(client.faultHandler?.id, 0);
    assert.equal(server.faultHandler?.id, 1);
    assert.equal(server.passive, true);
    assert.equal(monitor.poweroff, true);
    assert.equal(client.maps[0].region, regions[0]);
    assert.equal(client.maps[0].vaddr, MAPPING_BASE);
    assert.deepEqual(client.maps[0].perms, { read: true, write: true, execute: false });
    assert.deepEqual(client.maps[1].perms, { read: true, write: false, execute: false });
    assert.deepEqual(client.maps[0].setvar && [client.maps[0].setvar.symbol, client.maps[0].setvar.address], ['ring_base', Number(CELL_SYMBOLS.ring_base)]);
    assert.equal(server.maps[1].setvar?.address, Number(CELL_SYMBOLS.uart_base));
    assert.deepEqual(server.irqs.map((i) => [i.source, i.id]), [[10, 5]]);
    assert.deepEqual(client.pos, { line: 13, column: 5 });
    assert.deepEqual(client.maps[0].pos, { line: 20, column: 9 });

    assert.equal(channels.length, 2);
    assert.equal(channels[0].a.cell, client);
    assert.equal(channels[0].b.cell, server);
    assert.equal(channels[0].pp, 'a');
    assert.equal(channels[1].pp, undefined);
    assert.deepEqual([channels[1].a.id, channels[1].b.id], [2, 1]);

    // The passive server is not analysed; client and monitor are.
    assert.deepEqual(result.admission.rows.map((r) => r.cell.name), ['client', 'monitor']);
  });

  it('vms.yaml: VMs with every key, devices, uio maps and channels to a cell and between VMs', () => {
    const result = loadSystem(join(FIXTURES, 'good/vms.yaml'), testHost);
    assert.ok(result.ok, result.ok ? '' : result.errors.map((e) => formatError('vms.yaml', e)).join('\n'));
    const { regions, cells, channels, vms, vmChannels } = result.system;
    const [filter] = cells;
    const [linux, other] = vms;
    assert.equal(linux.name, 'linux');
    assert.equal(linux.kernel.format, 'image');
    assert.equal(linux.kernel.path, join(FIXTURES, 'good/Image'));
    assert.deepEqual(linux.kernel.bytes, VM_FILES.Image());
    assert.deepEqual(linux.kernel.pos, { line: 21, column: 13 });
    assert.equal(linux.initrd?.path, join(FIXTURES, 'good/initramfs.cpio.gz'));
    assert.equal(linux.initrd?.bytes.length, 3000);
    assert.equal(linux.bootargs, 'console=hvc0');
    assert.equal(linux.memory, 256 * 2 ** 20);
    assert.equal(linux.vcpus, 1);
    assert.equal(linux.priority, 50);
    assert.deepEqual(linux.schedulingContext && [linux.schedulingContext.budgetNs, linux.schedulingContext.periodNs], [2_000_000, 20_000_000]);
    assert.equal(linux.passive, false);
    assert.equal(linux.onFault, 'restart');
    assert.equal(linux.poweroff, true);
    assert.deepEqual(linux.devices.map((d) => d.type), ['console', 'block', 'net']);
    const [, block, net] = linux.devices;
    assert.ok(block.type === 'block' && net.type === 'net');
    assert.equal(block.readonly, true);
    assert.equal(block.file.bytes.length, 8 * 512);
    assert.equal(net.link, 'lan0');
    assert.deepEqual(net.mac, [0x52, 0x54, 0x00, 0x12, 0x34, 0x56]);
    assert.equal(linux.maps[0].region, regions[0]);
    assert.equal(linux.maps[0].gpa, 0x9000_0000);
    assert.deepEqual(linux.maps[0].perms, { read: true, write: true, execute: false });
    assert.equal(linux.maps[0].uio?.channel, 2);
    assert.equal(linux.maps[1].uio, undefined);
    assert.deepEqual(linux.pos, { line: 20, column: 5 });

    // Defaults, and an ELF kernel.
    assert.equal(other.kernel.format, 'elf');
    assert.equal(other.memory, 64 * 2 ** 20);
    assert.equal(other.onFault, 'stop');
    assert.equal(other.poweroff, false);
    assert.equal(other.initrd, undefined);
    assert.equal(other.bootargs, undefined);
    const [otherNet] = other.devices;
    assert.ok(otherNet.type === 'net');
    assert.equal(otherNet.mac, undefined);

    // Channels with a VM end are apart from the cells' own (which the kernel builds).
    assert.equal(channels.length, 0);
    assert.equal(vmChannels.length, 2);
    const [toFilter, between] = vmChannels;
    assert.ok('cell' in toFilter.a && 'vm' in toFilter.b);
    assert.equal(toFilter.a.cell, filter);
    assert.equal(toFilter.b.vm, linux);
    assert.equal(toFilter.b.id, 2);
    assert.ok('vm' in between.a && 'vm' in between.b);
    assert.deepEqual([between.a.vm, between.b.vm], [other, linux]);

    // The VMs are analysed with the cell, below it.
    assert.deepEqual(result.admission.rows.map((r) => [r.cell.name, r.interferers.map((c) => c.name)]), [
      ['filter', []], ['linux', ['filter']], ['other', ['filter', 'linux']],
    ]);
  });

  it('vms-only.yaml: a VM and no cells is a valid description', () => {
    const result = loadSystem(join(FIXTURES, 'good/vms-only.yaml'), testHost);
    assert.ok(result.ok, result.ok ? '' : result.errors.map((e) => formatError('vms-only.yaml', e)).join('\n'));
    assert.deepEqual(result.system.cells, []);
    assert.deepEqual(result.system.vms.map((v) => [v.name, v.memory, v.onFault, v.devices.length, v.maps.length]), [['linux', 128 * 2 ** 20, 'stop', 0, 0]]);
    assert.equal(result.system.vms[0].schedulingContext, undefined);
    assert.equal(result.admission.rows.length, 0);
  });

  it('a description without vms has none', () => {
    const result = loadSystem(join(FIXTURES, 'good/minimal.yaml'), testHost);
    assert.ok(result.ok);
    assert.deepEqual([result.system.vms, result.system.vmChannels], [[], []]);
  });

  it('reports every error at once, sorted by position', () => {
    const path = join(FIXTURES, 'bad/many.yaml');
    const result = loadSystem(path, testHost);
    assert.equal(result.ok, false);
    if (result.ok) return;
    const positions = result.errors.map((e) => [e.pos.line, e.pos.column]);
    const sorted = [...positions].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    assert.deepEqual(positions, sorted);
    assert.ok(result.errors.length >= 4);
  });
});
