import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startNats, startPostgres, type NatsServer, type PostgresServer } from '@cdc/testenv';
import { waitForLog } from '../e2e/vitess-fixture';
import {
  JOURNAL,
  KEYSPACE,
  PASSED,
  SEED_ROWS,
  Workload,
  assertReplicated,
  createAuditedDestination,
  logLines,
  onCluster,
  pipelineOn,
  reshardCreated,
  waitForCommittedOnNewShards,
} from './reshard-fixture';

// The Vitess reader through a reshard (0 -> -80,80-: create, copy, SwitchTraffic, Complete) on a
// real multi-process cluster (etcd, vtctld, vtgate, one MariaDB + vttablet per shard: tools/testenv's
// startVitessCluster), under a write workload, the services real processes of dist/cdc.cjs. About
// 30 s, so part of npm test; the edge cases are in reshard.cluster-test.ts (reader-vitess:test-cluster).

let nats: NatsServer;
let postgres: PostgresServer;

before(async () => {
  [nats, postgres] = await Promise.all([
    startNats({ name: 'vitess-reshard' }),
    startPostgres({ name: 'vitess-reshard-dest', logical: false }),
  ]);
});

after(async () => {
  await Promise.all([nats?.destroy(), postgres?.destroy()]);
});

test(
  'reshard 0 -> -80,80- under writes, the reader killed -9 during the copy, before and after the journal: equal, nothing written twice',
  { timeout: 600_000 },
  async () => {
    await onCluster('reshard', async (cluster) => {
      const p = await pipelineOn(cluster, nats, postgres, 'reshard');
      const workload = new Workload(cluster, SEED_ROWS);
      try {
        await createAuditedDestination(p);
        const first = p.start('reader');
        p.start('applier');
        p.start('coordinator');
        await waitForLog(first, /copy phase complete/, 120_000);
        workload.start();
        const reshard = await reshardCreated(cluster);
        // kill -9 while the workflow copies into the new shards.
        await p.stop(first, 'SIGKILL');
        const second = p.start('reader');
        await reshard.waitForCopy();
        await waitForLog(second, /VStream starting/, 60_000);
        await sleep(1000);

        // The switch while the reader is frozen, then kill -9: it never saw the journal, so the
        // committed VGtid is on shard 0 and the next reader must read the journal itself.
        second.child.kill('SIGSTOP');
        await reshard.switchTraffic();
        await sleep(1000);
        await p.stop(second, 'SIGKILL');
        assert.doesNotMatch(second.log(), JOURNAL);
        const third = p.start('reader');
        await waitForLog(third, PASSED, 120_000);
        assert.match(third.log(), JOURNAL);
        assert.match(logLines(third, /resuming from the committed VGtid/)[0] ?? '', /"vgtid":"customer\/0@/);

        // kill -9 once it has passed the switch: the next reader resumes on the new shards.
        await workload.progressed(20); // writes to the new shards, streamed by the third reader
        await sleep(2000);
        await p.stop(third, 'SIGKILL');
        const fourth = p.start('reader');
        await waitForLog(fourth, /VStream starting/, 60_000);
        const resumed = logLines(fourth, /resuming from the committed VGtid/)[0] ?? '';
        assert.match(resumed, /"vgtid":"customer\/(-80|80-)@[^"]*, customer\/(-80|80-)@[^"]*"/);
        assert.doesNotMatch(resumed, /customer\/0@/);

        // The safe order (README): Complete once `cdc status` shows the committed position on the new shards.
        console.log(`# committed before Complete: ${await waitForCommittedOnNewShards(p)}`);
        await reshard.complete();
        await cluster.removeShardTablets(KEYSPACE, ['0']);
        await workload.progressed(20);
        await workload.stop();
        await assertReplicated(p, workload);
        assert.equal(fourth.child.exitCode, null, 'the last reader is still running');
      } finally {
        await workload.stop();
        await p.destroy();
      }
    });
  },
);
