// on_error: dead-letter against a real nats-server and each destination engine (the bisecting
// lives in libs/apply, so every sink gets it): the rejected ops (a NOT NULL violation, a
// smallint out of range, in MariaDB's strict mode too) are found by bisecting the batch, stored
// in CDC_DLQ with their error, and the good ops around them apply in order; the checkpoint moves
// past them; after the cause is fixed, a replay applies them and empties the dead-letter stream.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstreamManager } from '@nats-io/jetstream';
import { partitionOf, type ChangeOp, type TableSchema } from '@cdc/change-envelope';
import { listDeadLetters, type ChangePublisher } from '@cdc/change-stream';
import { openTestSource } from '@cdc/change-stream/testing';
import { parseConfig, type PipelineConfig } from '@cdc/config';
import { startMariadb, startNats, startPostgres, until, type NatsServer, type QueryResultRows } from '@cdc/testenv';
import { runApplier } from './applier';
import { listDestinationDeadLetters, replayDeadLetters } from './dead-letters';

const log = pino({ level: 'silent' });
const PARTITIONS = 4;

/** What differs between the destination engines: the server, its SQL and its error texts. */
interface Engine {
  readonly name: string;
  /** The servers' name in tools/testenv (their directories and logs). */
  readonly serverName: string;
  readonly start: (serverName: string) => Promise<Database>;
  /** The destination's lines of the config beyond the common ones. */
  readonly config: string;
  readonly selectIds: (table: string) => string;
  readonly createStrict: (table: string) => string;
  /** Fixes the cause of both rejections: NOT NULL dropped, n widened. */
  readonly relaxStrict: (table: string) => string;
  readonly notNullError: RegExp;
  readonly outOfRangeError: RegExp;
  readonly notNullCode: RegExp;
}

interface Database {
  createDatabase(name?: string): Promise<string>;
  query(sql: string, params?: unknown[], database?: string): Promise<QueryResultRows>;
  destroy(): Promise<void>;
}

const ENGINES: readonly Engine[] = [
  {
    name: 'postgres',
    serverName: 'dead-letter-test',
    start: (name) => startPostgres({ name, logical: false }),
    config: '    type: postgres\n',
    selectIds: (table) => `SELECT id FROM public.${table} ORDER BY id`,
    createStrict: (table) => `CREATE TABLE public.${table} (id integer PRIMARY KEY, v text NOT NULL, n smallint)`,
    relaxStrict: (table) => `ALTER TABLE public.${table} ALTER v DROP NOT NULL, ALTER n TYPE integer`,
    notNullError: /null value in column "v".*23502/,
    outOfRangeError: /out of range.*22003/,
    notNullCode: /23502/,
  },
  {
    name: 'mysql',
    serverName: 'dead-letter-mysql',
    start: (name) => startMariadb({ name }),
    config: '    type: mysql\n    schema: replica\n',
    selectIds: (table) => `SELECT id FROM \`${table}\` ORDER BY id`,
    createStrict: (table) => `CREATE TABLE \`${table}\` (id int PRIMARY KEY, v text NOT NULL, n smallint)`,
    relaxStrict: (table) => `ALTER TABLE \`${table}\` MODIFY v text NULL, MODIFY n int`,
    notNullError: /cannot be null.*23000/i,
    outOfRangeError: /out of range.*22003/i,
    notNullCode: /23000/,
  },
];

const COLUMNS = [
  { name: 'id', type: 'integer', key: true, nullable: false, typeOid: 23, elementTypeOid: 0 },
  { name: 'v', type: 'text', key: false, nullable: true, typeOid: 25, elementTypeOid: 0 },
  { name: 'n', type: 'integer', key: false, nullable: true, typeOid: 23, elementTypeOid: 0 },
];

function table(name: string): TableSchema {
  return { schema: 'public', table: name, hasKey: true, columns: COLUMNS };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

for (const engine of ENGINES) {
  describe(`on_error: dead-letter into ${engine.name}`, () => {
    let db: Database;
    let nats: NatsServer;
    let nc: NatsConnection;
    let config: PipelineConfig;
    let publisher: ChangePublisher;
    let commit = 0;

    before(async () => {
      [db, nats] = await Promise.all([engine.start(engine.serverName), startNats({ name: engine.serverName })]);
      nc = await connect({ servers: nats.url });
      const url = await db.createDatabase('replica');
      config = parseConfig(
        `nats: { url: "${nats.url}" }
sources:
  - { name: src, type: postgres, url: "postgres://u@127.0.0.1/src", tables: ["public.*"], partitions: ${PARTITIONS} }
destinations:
  - name: replica
${engine.config}    url: "${url}"
    sources: [src]
    create_tables: true
    on_error: dead-letter
    batch: { max_wait_ms: 200, max_ops: 1000 }
`,
        'test.yaml',
      );
      publisher = await openTestSource(nc, {
        source: 'src',
        partitions: PARTITIONS,
        destinations: ['replica'],
        log,
        maxOps: 7,
        maxDelayMs: 2,
      });
    });

    after(async () => {
      publisher?.close();
      await nc?.close();
      await Promise.all([db?.destroy(), nats?.destroy()]);
    });

    function insert(target: TableSchema, id: number, v: string | null, n = 1): ChangeOp {
      commit += 1;
      return {
        kind: 'insert',
        table: target,
        key: [{ kind: 'integer', value: String(id) }],
        after: [
          { kind: 'integer', value: String(id) },
          v === null ? { kind: 'null' } : { kind: 'text', value: v },
          { kind: 'integer', value: String(n) },
        ],
        position: { commit: BigInt(commit), index: 0 },
        commitTimeUs: 0,
      };
    }

    async function ids(name: string): Promise<number[]> {
      const { rows } = await db.query(engine.selectIds(name), [], 'replica');
      return rows.map((row) => Number(row.id));
    }

    test('rejected ops go to the dead-letter stream, the rest applies, and a replay after the fix applies them', async () => {
      let strictName = 'strict_a';
      for (
        let i = 0;
        partitionOf('public', strictName, PARTITIONS) === partitionOf('public', 'lenient', PARTITIONS);
        i += 1
      )
        strictName = `strict_${i}`;
      await db.query(engine.createStrict(strictName), [], 'replica');
      const strict = table(strictName);
      const lenient = table('lenient');
      const bad = new Set([17, 33, 34, 100]);
      for (let id = 1; id <= 100; id += 1) {
        // 33 breaks NOT NULL, the others overflow smallint (22003).
        publisher.add(insert(strict, id, id === 33 ? null : `v${id}`, bad.has(id) && id !== 33 ? 100_000 : id));
        publisher.add(insert(lenient, id, 'ok'));
      }
      await publisher.flush();

      const controller = new AbortController();
      const running = runApplier({ config, destination: 'replica', signal: controller.signal, log });
      const good = range(1, 100).filter((id) => !bad.has(id));
      await until('the good ops', async () => (await ids(strictName)).length === good.length, 30_000);
      await until('the other partition', async () => (await ids('lenient')).length === 100, 30_000);
      assert.deepEqual(await ids(strictName), good);

      // The last rejected op may still be on its way to the dead-letter stream after the good ops applied.
      await until(
        'every rejected op in the dead-letter stream',
        async () => (await listDestinationDeadLetters(config, 'replica')).length === bad.size,
        30_000,
      );
      const letters = await listDestinationDeadLetters(config, 'replica');
      assert.deepEqual(
        letters.map((letter) => letter.key),
        ['(17)', '(33)', '(34)', '(100)'],
      );
      const partition = partitionOf('public', strictName, PARTITIONS);
      for (const letter of letters) {
        assert.equal(letter.source, 'src');
        assert.equal(letter.partition, partition);
        assert.equal(letter.table, `public.${strictName}`);
        assert.ok(letter.streamSeq > 0);
        assert.match(letter.position, /^\d+:0$/);
      }
      assert.match(letters[1].error, engine.notNullError);
      assert.match(letters[0].error, engine.outOfRangeError);
      // The stored op is the original one (its stream sequence holds it).
      const stored = await listDeadLetters(await jetstreamManager(nc), 'replica');
      assert.equal(stored[1].op.after?.[1].kind, 'null');

      // The checkpoint went past the rejected ops: later ops apply, nothing is dead-lettered twice.
      for (let id = 101; id <= 110; id += 1) publisher.add(insert(strict, id, `v${id}`));
      await publisher.flush();
      await until('later ops', async () => (await ids(strictName)).length === good.length + 10, 30_000);
      controller.abort();
      await running;
      assert.equal((await listDestinationDeadLetters(config, 'replica')).length, 4);

      // A replay before the fix fails again and keeps the dead letters.
      const early = await replayDeadLetters(config, 'replica', [letters[1].id]);
      assert.equal(early.length, 1);
      assert.match(early[0].error ?? '', engine.notNullCode);
      assert.equal((await listDestinationDeadLetters(config, 'replica')).length, 4);

      await db.query(engine.relaxStrict(strictName), [], 'replica');
      const replayed = await replayDeadLetters(config, 'replica', 'all');
      assert.deepEqual(
        replayed.map((outcome) => outcome.error),
        [undefined, undefined, undefined, undefined],
      );
      assert.deepEqual(await ids(strictName), range(1, 110));
      assert.equal((await listDestinationDeadLetters(config, 'replica')).length, 0);
    });
  });
}
