// The published schema and the checker agree: the file in the repository is what
// `cellvisor schema` prints, it is a valid draft 2020-12 schema, and for every fixture an
// independent validator (Ajv) accepts exactly when validate.ts reports no schema error.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { schemaText, SYSTEM_SCHEMA } from '../../src/system/schema.js';
import { validateTree } from '../../src/system/validate.js';
import { parseYamlTree } from '../../src/system/yaml-tree.js';
import { ROOT } from '../helpers/tools.js';

const FIXTURES = join(ROOT, 'test/system/fixtures');
const SCHEMA_FILE = join(ROOT, 'schema/system.schema.json');

describe('system description schema', () => {
  it('schema/system.schema.json is what cellvisor schema prints', () => {
    assert.equal(readFileSync(SCHEMA_FILE, 'utf8'), schemaText(),
      'regenerate it: node --import tsx -e "import(\'./src/system/schema.ts\').then(m => process.stdout.write(m.schemaText()))" > schema/system.schema.json');
  });

  it('is a valid draft 2020-12 schema with a description for every key', () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    assert.ok(ajv.validateSchema(JSON.parse(schemaText())), ajv.errorsText());
    const undocumented: string[] = [];
    const walk = (schema: unknown, path: string): void => {
      if (typeof schema !== 'object' || schema === null) return;
      const s = schema as { properties?: Record<string, { description?: string }>; items?: unknown; $defs?: Record<string, unknown> };
      for (const [key, sub] of Object.entries(s.properties ?? {})) {
        if (!sub.description) undocumented.push(`${path}.${key}`);
        walk(sub, `${path}.${key}`);
      }
      walk(s.items, `${path}[]`);
      for (const [name, sub] of Object.entries(s.$defs ?? {})) walk(sub, `$defs.${name}`);
    };
    walk(SYSTEM_SCHEMA, '');
    assert.deepEqual(undocumented, []);
  });

  const fixtures = ['good', 'bad'].flatMap((dir) => readdirSync(join(FIXTURES, dir))
    .filter((f) => f.endsWith('.yaml')).map((f) => join(dir, f)));
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));

  for (const name of fixtures) {
    const text = readFileSync(join(FIXTURES, name), 'utf8');
    const tree = parseYamlTree(text);
    if (!tree.ok) continue; // YAML syntax errors come before any schema
    it(`Ajv and validate.ts agree on ${name}`, () => {
      const ours = validateTree(tree.root, SYSTEM_SCHEMA).errors;
      const ajvValid = validate(parse(text));
      assert.equal(ajvValid, ours.length === 0,
        `Ajv: ${ajv.errorsText(validate.errors)}\nours: ${ours.map((e) => `${e.pos.line}:${e.pos.column}: ${e.message}`).join('\n')}`);
    });
  }

  it('good descriptions point editors at the schema file', () => {
    const first = readFileSync(join(FIXTURES, 'good/echo.yaml'), 'utf8').split('\n')[0];
    const m = /^# yaml-language-server: \$schema=(.*)$/.exec(first);
    assert.ok(m);
    assert.equal(readFileSync(join(FIXTURES, 'good', m[1]), 'utf8'), schemaText());
  });
});
