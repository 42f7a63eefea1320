import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configJsonSchema } from '@cdc/config';
import { schemaFileText } from './schema-file';

const FILE = join(__dirname, '..', '..', '..', 'libs', 'config', 'cdc-config.schema.json');

test('libs/config/cdc-config.schema.json is what cdc config schema prints (npm run docs:config)', async () => {
  const committed = readFileSync(FILE, 'utf8');
  assert.equal(await schemaFileText(FILE), committed, 'run npm run docs:config and commit the file');
  assert.deepEqual(JSON.parse(committed), configJsonSchema());
});

test('example.yaml names the committed schema for editors', () => {
  const example = readFileSync(join(FILE, '..', 'example.yaml'), 'utf8');
  assert.match(example, /^# yaml-language-server: \$schema=\.\/cdc-config\.schema\.json\n/);
});
