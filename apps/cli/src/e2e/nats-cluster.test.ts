import { test } from 'node:test';
import { killStreamLeader, runClusterScenario } from './nats-cluster-scenario';

// On a 3-server NATS cluster with nats.replicas: 3, under a steady workload: kill -9 of the server
// leading the source stream. The meta leader and a server restarted with an empty store are in
// nats-cluster.cluster-test.ts (on demand: npx nx run cli:test-nats-cluster), which takes longer
// than npm test's budget for one file.
test('kill -9 of the stream leader: every service rides through, nothing lost or applied twice', async () => {
  await runClusterScenario([killStreamLeader]);
});
