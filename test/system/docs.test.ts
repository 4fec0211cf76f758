// docs/system.md's full example is a valid description, and the table shown under it is
// what the admission test prints for it.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatAdmission } from '../../src/system/admission.js';
import { checkText } from '../../src/system/load.js';
import { cellElf } from '../helpers/system-host.js';
import { ROOT } from '../helpers/tools.js';

describe('docs/system.md', () => {
  it('its example checks OK and prints the table shown', () => {
    const doc = readFileSync(join(ROOT, 'docs/system.md'), 'utf8');
    const yaml = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    const shown = /`cellvisor check` on it[^\n]*\n\n```\n([\s\S]*?)```/.exec(doc)?.[1];
    assert.ok(yaml && shown);
    const result = checkText('docs/system.yaml', yaml, { readFile: (path) => (path.endsWith('.elf') ? cellElf() : undefined) });
    assert.ok(result.ok, result.ok ? '' : result.errors.map((e) => `${e.pos.line}:${e.pos.column}: ${e.message}`).join('\n'));
    assert.equal(`${formatAdmission(result.admission)}system.yaml: OK\n`, shown);
  });
});
