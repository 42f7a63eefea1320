import { after, before, test } from 'node:test';
import { startNats, startPostgres, type NatsServer, type PostgresServer } from '@cdc/testenv';
import { ONE_TO_TWO, onCluster, reshardWithKills } from './reshard-fixture';

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
    await onCluster('reshard', (cluster) => reshardWithKills(cluster, nats, postgres, 'reshard', ONE_TO_TWO));
  },
);
