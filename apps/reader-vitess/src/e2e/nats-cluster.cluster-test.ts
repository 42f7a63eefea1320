import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  startNatsCluster,
  startPostgres,
  startVitess,
  type NatsCluster,
  type PostgresServer,
  type VitessCluster,
} from '@cdc/testenv';
import { createTable, startVitessPipeline, waitForEqual, waitForLog, type VitessPipeline } from '@cdc/pipeline-fixture';

// The Vitess source (vttestserver, 2 shards) on a 3-server NATS cluster with nats.replicas 3:
// kill -9 of the server leading the source stream while changes stream; every service rides
// through, the destination ends equal, and an audit trigger shows no row version written twice.
// On demand with the Postgres source's cluster tests: npx nx run cli:test-nats-cluster.

let vitess: VitessCluster;
let nats: NatsCluster;
let postgres: PostgresServer;
let pipeline: VitessPipeline | undefined;
const RUN = `c${Date.now().toString(36)}`;
const TABLE = `${RUN}_rows`;

before(async () => {
  [vitess, nats, postgres] = await Promise.all([
    startVitess(),
    startNatsCluster({ name: 'vitess-nats' }),
    startPostgres({ name: 'vitess-nats-dest', logical: false }),
  ]);
});

after(async () => {
  await pipeline?.destroy();
  await Promise.all([nats?.destroy(), postgres?.destroy()]);
});

test(
  'Vitess source, kill -9 of the stream leader: every service rides through, nothing lost or written twice',
  { timeout: 600_000 },
  async () => {
    const p = await startVitessPipeline({
      name: RUN,
      cluster: vitess,
      nats,
      natsReplicas: 3,
      postgres,
      keyspace: 'sharded',
      tables: [TABLE],
    });
    pipeline = p;
    await createTable(p, true, TABLE, 'id BIGINT NOT NULL PRIMARY KEY, v INT NOT NULL');
    // The destination table exists before the applier starts, with a trigger that records every
    // row version written: an op applied again writes a version a second time.
    await p.destination.query(`CREATE SCHEMA IF NOT EXISTS sharded;
    CREATE TABLE sharded."${TABLE}" (id bigint PRIMARY KEY, v integer NOT NULL);
    CREATE TABLE public.audit (id bigint NOT NULL, v integer NOT NULL);
    CREATE FUNCTION public.audit_write() RETURNS trigger LANGUAGE plpgsql AS
      $$ BEGIN INSERT INTO public.audit VALUES (NEW.id, NEW.v); RETURN NEW; END $$;
    CREATE TRIGGER audit AFTER INSERT OR UPDATE ON sharded."${TABLE}" FOR EACH ROW EXECUTE FUNCTION public.audit_write();`);

    const services = [p.start('coordinator'), p.start('applier'), p.start('applier'), p.start('reader')];
    await waitForLog(services[3], /copy phase complete|VStream starting/, 120_000);

    let stop = false;
    let next = 1;
    let transactions = 0;
    const writes = (async () => {
      const connection = await p.vtgate.getConnection();
      try {
        while (!stop) {
          // A new row, and a new version of two earlier ones, in one transaction.
          await connection.query('BEGIN');
          await connection.query(`INSERT INTO \`${TABLE}\` (id, v) VALUES (?, 1)`, [next]);
          for (const id of [Math.ceil(next / 2), Math.ceil(next / 3)]) {
            if (id < next) await connection.query(`UPDATE \`${TABLE}\` SET v = v + 1 WHERE id = ?`, [id]);
          }
          await connection.query('COMMIT');
          next += 1;
          transactions += 1;
        }
      } finally {
        connection.release();
      }
    })();

    await new Promise((r) => setTimeout(r, 2_000));
    const stream = `CDC_${RUN}`;
    const { killed: leader, successor } = await nats.killStreamLeader(stream, { timeoutMs: 60_000 });
    await new Promise((r) => setTimeout(r, 2_000));
    await leader.start();
    await nats.waitForCurrent();
    await new Promise((r) => setTimeout(r, 1_500));
    stop = true;
    await writes;

    const what = `stream leader ${leader.name} killed, ${successor.name} took over; ${transactions} transactions`;
    assert.ok(transactions > 20, what);
    await waitForEqual(p, [TABLE], 240_000);
    const { rows: twice } = await p.destination.query(
      'SELECT id, v, count(*)::int AS n FROM public.audit GROUP BY id, v HAVING count(*) > 1 ORDER BY id LIMIT 10',
    );
    assert.deepEqual(twice, [], `row versions written more than once (${what})`);
    const {
      rows: [audited],
    } = await p.destination.query(
      `SELECT (SELECT count(DISTINCT id) FROM public.audit)::int AS ids, (SELECT count(*) FROM sharded."${TABLE}")::int AS n`,
    );
    assert.ok(
      audited.n >= transactions && audited.ids === audited.n,
      `the audit saw every row (${JSON.stringify(audited)})`,
    );
    for (const service of services) {
      assert.equal(
        service.child.exitCode,
        null,
        `${service.kind} kept running (${what}):\n${service.log().slice(-3000)}`,
      );
    }
  },
);
