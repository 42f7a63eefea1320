import { test } from 'node:test';
import { killStreamLeader, runClusterScenario } from './nats-cluster-scenario';

// On a 3-server NATS cluster with nats.replicas: 3, under a steady workload: kill -9 of the server
// leading the source stream. On demand with nats-cluster.cluster-test.ts (the meta leader, and a
// server restarted with an empty store): npx nx run cli:test-nats-cluster. Not in npm test: on a
// loaded 2-core machine (a clean-clone run beside other work) the pipeline stalled 20 rows short
// after the kill and did not converge within 90 s, with no error logged; it passes alone
// (17-50 s). The stall is open (issue 18).
test('kill -9 of the stream leader: every service rides through, nothing lost or applied twice', async () => {
  await runClusterScenario([killStreamLeader]);
});
