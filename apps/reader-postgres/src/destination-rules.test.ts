import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { parseConfig, type PostgresSourceConfig } from '@cdc/config';
import { listCandidateTables } from '@cdc/postgres-source';
import { startPostgres, type PostgresServer } from '@cdc/testenv';
import { Client } from 'pg';
import { checkDestinationRules } from './destination-rules';

let pg: PostgresServer;

before(async () => {
  pg = await startPostgres({ name: 'destination-rules' });
});

after(async () => {
  await pg?.destroy();
});

test("a destination's unknown filter column, a transform on a key column: one line each at the reader's start (the first bad transform of a table)", async () => {
  const url = await pg.createDatabase('rules');
  await pg.query('CREATE TABLE users (id int PRIMARY KEY, email text, born date, score int)', [], 'rules');
  const config = parseConfig(
    `
nats: { url: nats://127.0.0.1:4222 }
sources:
  - { name: shop, type: postgres, url: ${JSON.stringify(url)}, tables: ["public.*"] }
destinations:
  - name: dw
    type: postgres
    url: postgres://u@127.0.0.1/dw
    sources: [shop]
    filters: { users: "emial LIKE '%@x.io'" }
    transforms: { users: { id: hash, born: mask_email, score: hash, email: hash } }
    transform_key: ${'k'.repeat(32)}
  - { name: plain, type: postgres, url: postgres://u@127.0.0.1/p, sources: [shop] }
`,
    'rules.yaml',
    {},
  );
  const client = new Client({ connectionString: url });
  await client.connect();
  const tables = await listCandidateTables(client).finally(() => client.end());
  const lines: string[] = [];
  const log = pino({ level: 'error' }, { write: (line: string) => lines.push(JSON.parse(line).msg) });
  const problems = await checkDestinationRules(
    config.sources[0] as PostgresSourceConfig,
    tables,
    config.destinations,
    log,
  );
  assert.deepEqual(problems, lines);
  assert.equal(problems.length, 2);
  assert.match(
    problems[0],
    /^destination dw, source shop, table public\.users: filter "emial LIKE '%@x\.io'": unknown column "emial"/,
  );
  assert.match(
    problems[1],
    /^destination dw, source shop, table public\.users, column id: transform hash is on a key column.*on_key: true/,
  );
});
