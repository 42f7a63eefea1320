import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startNats, startPostgres, type NatsServer, type PostgresServer } from '@cdc/testenv';
import { waitForEqual, waitForLog, type VitessPipeline } from '@cdc/pipeline-fixture';
import {
  JOURNAL,
  KEYSPACE,
  PASSED,
  SEED_ROWS,
  TABLE,
  TWO_TO_FOUR,
  Workload,
  assertReplicated,
  committedPosition,
  startUnderWorkload,
  exitOf,
  logLines,
  onCluster,
  pipelineOn,
  reshardCreated,
  reshardWithKills,
  waitForCommittedOnNewShards,
} from './reshard-fixture';

// The Vitess reader's reshard edge cases on a real multi-process cluster (etcd, vtctld, vtgate, one
// MariaDB + vttablet per shard: tools/testenv's startVitessCluster), under a write workload, the
// services real processes of dist/cdc.cjs. On demand, with reshard.test.ts:
// npx nx run reader-vitess:test-cluster. The plain reshard 0 -> 2 is reshard.test.ts, part of npm test;
// the reshard 2 -> 4 here runs the same scenario (reshardWithKills) with two old shards, each
// writing its own journal, and four new ones.

let nats: NatsServer;
let postgres: PostgresServer;

before(async () => {
  [nats, postgres] = await Promise.all([
    startNats({ name: 'vitess-cluster' }),
    startPostgres({ name: 'vitess-cluster-dest', logical: false }),
  ]);
});

after(async () => {
  await Promise.all([nats?.destroy(), postgres?.destroy()]);
});

test(
  'reshard -80,80- -> -40,40-80,80-c0,c0- under writes, the reader killed -9 during the copy, before and after the journals: equal, nothing written twice',
  { timeout: 900_000 },
  async () => {
    await onCluster(
      'reshard-2-to-4',
      (cluster) => reshardWithKills(cluster, nats, postgres, 'reshard24', TWO_TO_FOUR),
      TWO_TO_FOUR.from,
    );
  },
);

test(
  'stop_on_reshard stops the reader at the journal, again when restarted with it; restarted without it, it follows the new shards',
  { timeout: 600_000 },
  async () => {
    await onCluster('stop-on-reshard', async (cluster) => {
      const p = await pipelineOn(cluster, nats, postgres, 'stopreshard', { sourceExtra: '    stop_on_reshard: true' });
      const workload = new Workload(cluster, SEED_ROWS);
      try {
        const { reader: first } = await startUnderWorkload(p, workload, 120_000);
        const reshard = await reshardCreated(cluster);
        await reshard.waitForCopy();
        await sleep(1000);
        await reshard.switchTraffic();
        assert.equal(await exitOf(first, 60_000), 1, 'the reader stops with an error');
        assert.match(first.log(), /stopping because stop_on_reshard is set/);
        assert.equal(logLines(first, /^error: /).length, 1, `one error line: ${first.log().slice(-2000)}`);
        // Restarted with the option still set, it reads the journal again and stops again, at the
        // same position: nothing published past the journal.
        const kept = p.start('reader');
        assert.equal(await exitOf(kept, 120_000), 1, 'restarted with stop_on_reshard: stops again');
        assert.match(kept.log(), /stopping because stop_on_reshard is set/);
        const stoppedAt = (log: string) =>
          /"vgtid":"([^"]+)"[^\n]*the last position published is before the journal/.exec(log)?.[1];
        assert.ok(stoppedAt(first.log()), `the first stop names its position: ${first.log().slice(-2000)}`);
        assert.equal(stoppedAt(kept.log()), stoppedAt(first.log()), 'the same position both times');
        // Writes go on while the reader is stopped; its last position is before the journal, so the
        // reader restarted without the option reads the journal again and moves to the new shards.
        await sleep(2000);
        p.setSourceExtra('');
        const second = p.start('reader');
        await waitForLog(second, PASSED, 120_000);
        assert.match(second.log(), JOURNAL);
        await waitForCommittedOnNewShards(p);
        await reshard.complete();
        await cluster.removeShardTablets(KEYSPACE, ['0']);
        await workload.progressed(20);
        await workload.stop();
        await assertReplicated(p, workload);
      } finally {
        await workload.stop();
        await p.destroy();
      }
    });
  },
);

test(
  'a reader stopped across Complete stops with one clear line; the documented re-copy recovers',
  { timeout: 600_000 },
  async () => {
    await onCluster('across-complete', async (cluster) => {
      const p = await pipelineOn(cluster, nats, postgres, 'across');
      const workload = new Workload(cluster, SEED_ROWS);
      let recopy: VitessPipeline | undefined;
      try {
        const { reader: first, applier, coordinator } = await startUnderWorkload(p, workload, 120_000);
        await sleep(1500);
        assert.equal(await p.stop(first, 'SIGTERM'), 0);
        // The unsafe order: the whole reshard, Complete included, while the reader is stopped on shard 0.
        const reshard = await reshardCreated(cluster);
        await reshard.waitForCopy();
        await reshard.switchTraffic();
        // What an operator would see before this Complete: the committed position still on shard 0.
        assert.match(await committedPosition(p), /^customer\/0@/);
        await reshard.complete();
        await cluster.removeShardTablets(KEYSPACE, ['0']);
        const second = p.start('reader');
        assert.equal(await exitOf(second, 60_000), 1, 'the reader stops instead of retrying');
        const errors = logLines(second, /^error: /);
        assert.equal(errors.length, 1, `one error line: ${second.log().slice(-2000)}`);
        assert.match(errors[0], /shard customer\/0 of the position to resume from .* no longer exists/);
        assert.match(
          errors[0],
          /a Reshard of keyspace customer was completed before this reader had read past its traffic switch/,
        );
        assert.match(errors[0], /Recovering from a completed reshard/);
        assert.doesNotMatch(second.log(), /VStream interrupted; reconnecting/, 'no retry of a VGtid that cannot work');

        // The recovery of apps/reader-vitess/README.md: stop the source's services, empty the
        // destination's tables, and copy the keyspace again under a new source name.
        assert.equal(await p.stop(applier, 'SIGTERM'), 0);
        assert.equal(await p.stop(coordinator, 'SIGTERM'), 0);
        await p.destination.query(`TRUNCATE ${KEYSPACE}.${TABLE}, ${KEYSPACE}.audit`);
        recopy = await pipelineOn(cluster, nats, postgres, 'across_recopy', {
          destinationUrl: p.destinationUrl,
          destinationName: 'pg_across',
        });
        const reader = recopy.start('reader');
        recopy.start('applier');
        recopy.start('coordinator');
        await waitForLog(reader, /copy phase complete/, 120_000);
        await sleep(2000);
        await workload.stop();
        await assertReplicated(recopy, workload);
      } finally {
        await workload.stop();
        await recopy?.destroy();
        await p.destroy();
      }
    });
  },
);

test(
  'vtgate without a healthy tablet at the reader start-up: the first schema read is retried, not fatal',
  { timeout: 600_000 },
  async () => {
    await onCluster('startup', async (cluster) => {
      const p = await pipelineOn(cluster, nats, postgres, 'startup');
      try {
        // Like just after a switch, before vtgate sees the new primary: vtgate answers, no tablet does.
        const [tablet] = cluster.tablets(KEYSPACE);
        await cluster.stopTablet(tablet.alias);
        const reader = p.start('reader');
        p.start('applier');
        p.start('coordinator');
        await waitForLog(reader, /reading the schema of keyspace customer through vtgate failed, retrying/, 60_000);
        const [retry] = logLines(reader, /failed, retrying/);
        assert.match(retry, /no healthy tablet available|primary is not serving/);
        await sleep(2000);
        assert.equal(reader.child.exitCode, null, 'the reader is still running');
        await cluster.startTablet(tablet.alias);
        await waitForLog(reader, /copy phase complete/, 120_000);
        await p.vtgate.query(`INSERT INTO ${TABLE} (id, version, note, amount) VALUES (?, 1, 'after 🎉', 1)`, [
          SEED_ROWS + 1,
        ]);
        await waitForEqual(p, [TABLE], 120_000);
      } finally {
        await p.destroy();
      }
    });
  },
);
