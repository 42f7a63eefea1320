// npm run docs:config: writes the option tables of libs/config/README.md and
// libs/config/cdc-config.schema.json from the config schema.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withOptionTables } from './option-tables';
import { schemaFileText } from './schema-file';

const CONFIG = join(__dirname, '..', '..', '..', 'libs', 'config');

function write(file: string, text: string): void {
  const before = (() => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  })();
  if (before !== text) writeFileSync(file, text);
  console.log(`${file}: ${before === text ? 'up to date' : 'written'}`);
}

async function main(): Promise<void> {
  const readme = join(CONFIG, 'README.md');
  write(readme, await withOptionTables(readFileSync(readme, 'utf8'), readme));
  const schema = join(CONFIG, 'cdc-config.schema.json');
  write(schema, await schemaFileText(schema));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
