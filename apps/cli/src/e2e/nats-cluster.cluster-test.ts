import { test } from 'node:test';
import { killMetaLeader, killStreamLeader, runClusterScenario, wipeFollower } from './nats-cluster-scenario';

// On demand (npx nx run cli:test-nats-cluster): the whole sequence of issue 18 on one running
// pipeline: kill -9 of the stream leader, later of the meta leader, later of a server whose store
// is deleted before it starts again empty and copies the streams back from its peers.
test('kill -9 of the stream leader, the meta leader, and a server restarted empty: every service rides through', async () => {
  await runClusterScenario([killStreamLeader, killMetaLeader, wipeFollower]);
});
