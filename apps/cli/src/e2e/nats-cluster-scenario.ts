import assert from 'node:assert/strict';
import {
  TRANSFER_ACCOUNTS,
  TRANSFER_BALANCE,
  TRANSFER_TABLES,
  createTransferTables,
  ledgerWrittenTwice,
  startPipelineFixture,
  startTransferWorkload,
  waitForEqualTables,
  type PipelineFixture,
  type ServiceProcess,
} from './pipeline-fixture';

// The pipeline on a 3-server NATS cluster with nats.replicas: 3 (a coordinator, two appliers, a
// reader) under a steady transfer workload, while NATS servers are killed -9. The services keep
// running through every fault: nothing lost, nothing applied twice, the slot never ahead of the
// destination. Used by nats-cluster-leader.cluster-test.ts (one fault) and
// nats-cluster.cluster-test.ts (all of them), both on demand (npx nx run cli:test-nats-cluster).
export const STREAM = 'CDC_shop';

/** A fault, run while the workload writes; it returns what it did, for the test's messages. */
export type ClusterFault = (fixture: PipelineFixture) => Promise<string>;

/** kill -9 the server leading the source stream; once another leads, start it again. */
export const killStreamLeader: ClusterFault = async (fixture) => {
  const cluster = fixture.natsCluster!;
  const { killed, successor } = await cluster.killStreamLeader(STREAM);
  await killed.start();
  await cluster.waitForCurrent();
  return `stream leader ${killed.name} killed, ${successor.name} took over`;
};

/** kill -9 the JetStream meta leader (streams keep their own leaders), then start it again. */
export const killMetaLeader: ClusterFault = async (fixture) => {
  const cluster = fixture.natsCluster!;
  const meta = await cluster.waitForMetaLeader();
  await meta.kill();
  await new Promise((r) => setTimeout(r, 1_500));
  await meta.start();
  await cluster.waitForCurrent();
  return `meta leader ${meta.name} killed`;
};

/** kill -9 a server that does not lead the stream, delete its store, start it empty: it copies everything back. */
export const wipeFollower: ClusterFault = async (fixture) => {
  const cluster = fixture.natsCluster!;
  const leader = await cluster.waitForStreamLeader(STREAM);
  const victim = cluster.servers.find((s) => s !== leader)!;
  await victim.kill();
  await victim.wipeStore();
  await victim.start();
  await cluster.waitForCurrent();
  return `${victim.name} killed, store deleted, started empty`;
};

export async function runClusterScenario(faults: readonly ClusterFault[]): Promise<void> {
  const fixture = await startPipelineFixture({ tables: ['public.*'], partitions: 4, cluster: { replicas: 3 } });
  try {
    await createTransferTables(fixture);
    const services: ServiceProcess[] = [
      fixture.start('coordinator'),
      fixture.start('applier'),
      fixture.start('applier'),
      fixture.start('reader'),
    ];
    await waitForEqualTables(fixture, TRANSFER_TABLES);

    const workload = startTransferWorkload(fixture);
    const done: string[] = [];
    const faultsRun = (async () => {
      for (const fault of faults) {
        await new Promise((r) => setTimeout(r, 1_500));
        done.push(await fault(fixture));
      }
      await new Promise((r) => setTimeout(r, 1_500));
    })();
    // The workload stops either way; a failed fault is reported once it has.
    const [faulted] = await Promise.allSettled([faultsRun]);
    const outcome = await workload.stop();
    if (faulted.status === 'rejected') throw faulted.reason;
    const what = done.join('; ');
    assert.ok(outcome.transactions > 20, `workload ran ${outcome.transactions} transactions (${what})`);
    await waitForEqualTables(fixture, TRANSFER_TABLES);
    assert.deepEqual(await ledgerWrittenTwice(fixture), [], `ledger rows written more than once (${what})`);
    const [audit] = await fixture.destinationQuery('SELECT count(*)::int AS n FROM ledger_audit');
    assert.equal(audit.n, outcome.transactions, 'one audited write per source transaction');
    const [balance] = await fixture.destinationQuery('SELECT sum(balance)::int8::text AS total FROM accounts');
    assert.equal(balance.total, String(TRANSFER_ACCOUNTS * TRANSFER_BALANCE), 'transfers conserve the total balance');
    assert.deepEqual(outcome.violations, [], 'slot confirmed a position the destination did not have');
    assert.ok(outcome.samples > 5, `slot safety sampled ${outcome.samples} times`);
    for (const service of services)
      assert.equal(
        service.child.exitCode,
        null,
        `${service.kind} kept running (${what}):\n${service.log().slice(-3000)}`,
      );
    const streamInfo = await fixture.natsCluster!.servers[0].monitor<{ meta_cluster?: { cluster_size?: number } }>(
      '/jsz',
    );
    assert.equal(streamInfo?.meta_cluster?.cluster_size, 3);
  } finally {
    await fixture.destroy();
  }
}
