// For the integration tests: one MariaDB per test file and fresh destination databases in it.
import { after, before } from 'node:test';
import { startMariadb, type MariadbServer } from '@cdc/testenv';
import type { ChangeOp } from '@cdc/change-envelope';
import { createMysqlSink, type MysqlSink, type MysqlSinkOptions } from './index';

export interface TestDestination {
  /** The server (started before the file's tests, destroyed after them). */
  readonly db: () => MariadbServer;
  /** A sink on a fresh database; source tables land in it whatever their schema. */
  newSink(options?: Partial<MysqlSinkOptions>): Promise<{ sink: MysqlSink; database: string }>;
  /** Another sink on an existing database (closed after the file's tests too). */
  sinkOn(database: string, options?: Partial<MysqlSinkOptions>): Promise<MysqlSink>;
  rows(database: string, sql: string): Promise<Record<string, unknown>[]>;
  apply(sink: MysqlSink, ops: ChangeOp[], seq?: number): ReturnType<MysqlSink['applyBatch']>;
}

/** Registers the file's before/after hooks; `name` names the server's folder. */
export function testDestination(name: string): TestDestination {
  let db: MariadbServer;
  const sinks: MysqlSink[] = [];
  before(async () => {
    db = await startMariadb({ name });
  });
  after(async () => {
    await Promise.all(sinks.map((sink) => sink.close().catch(() => undefined)));
    await db?.destroy();
  });
  const sinkOn = async (database: string, options: Partial<MysqlSinkOptions> = {}): Promise<MysqlSink> => {
    const sink = await createMysqlSink({
      url: db.url(database).replace('root@', 'root:@'),
      destination: 'test',
      mapTable: (table) => ({ schema: database, table: table.table }),
      createTables: true,
      ...options,
    });
    sinks.push(sink);
    return sink;
  };
  return {
    db: () => db,
    sinkOn,
    newSink: async (options = {}) => {
      const database = new URL(await db.createDatabase()).pathname.slice(1);
      return { sink: await sinkOn(database, options), database };
    },
    rows: async (database, sql) => (await db.query(sql, [], database)).rows,
    apply: (sink, ops, seq = 1) => sink.applyBatch({ source: 'pg', partition: 0, ops, lastStreamSeq: seq }),
  };
}
