import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process (`cdc up` runs several services in one process: labels tell them apart). */
export const registry = new Registry();

const SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const OPS_BUCKETS = [1, 5, 10, 50, 100, 500, 1_000, 2_500, 5_000, 10_000, 25_000];

export const metrics = {
  readerOps: new Counter({
    name: 'cdc_reader_ops_total',
    help: 'Change ops published (stored in JetStream) by the reader',
    labelNames: ['source', 'table', 'kind'] as const,
    registers: [registry],
  }),
  readerMessages: new Counter({
    name: 'cdc_reader_messages_total',
    help: 'Data messages published by the reader',
    labelNames: ['source'] as const,
    registers: [registry],
  }),
  readerTransactions: new Counter({
    name: 'cdc_reader_transactions_total',
    help: 'Source transactions read (commits seen in the change stream)',
    labelNames: ['source'] as const,
    registers: [registry],
  }),
  messageOps: new Histogram({
    name: 'cdc_reader_message_ops',
    help: 'Ops per published data message',
    labelNames: ['source'] as const,
    buckets: OPS_BUCKETS,
    registers: [registry],
  }),
  lagBytes: new Gauge({
    name: 'cdc_replication_lag_bytes',
    help: 'Source WAL received by the reader minus the committed (flushed) position, in bytes (Postgres)',
    labelNames: ['source'] as const,
    registers: [registry],
  }),
  slotRetainedBytes: new Gauge({
    name: 'cdc_slot_retained_wal_bytes',
    help: "WAL the replication slot makes the source keep: the source's WAL position minus the slot's restart_lsn (Postgres)",
    labelNames: ['source'] as const,
    registers: [registry],
  }),
  slotRetainedRatio: new Gauge({
    name: 'cdc_slot_retained_wal_ratio',
    help: 'cdc_slot_retained_wal_bytes / max_slot_wal_keep_size; at 1 the server invalidates the slot (0 when unlimited)',
    labelNames: ['source'] as const,
    registers: [registry],
  }),
  slotInvalidated: new Gauge({
    name: 'cdc_slot_invalidated',
    help: 'The source invalidated the replication slot: 1 until a new snapshot (cdc resnapshot)',
    labelNames: ['source'] as const,
    registers: [registry],
  }),
  streamedTransactions: new Gauge({
    name: 'cdc_reader_streamed_transactions',
    help: 'Large transactions the source streamed to the reader that have not ended yet (kept on disk until they commit)',
    labelNames: ['source'] as const,
    registers: [registry],
  }),
  streamedTransactionBytes: new Gauge({
    name: 'cdc_reader_streamed_transaction_bytes',
    help: "Bytes of those transactions in the reader's spill_dir",
    labelNames: ['source'] as const,
    registers: [registry],
  }),
  lagSeconds: new Gauge({
    name: 'cdc_replication_lag_seconds',
    help: 'Now minus the source commit time of the newest op (or watermark) the applier committed',
    labelNames: ['source', 'destination', 'partition'] as const,
    registers: [registry],
  }),
  vitessShardLagSeconds: new Gauge({
    name: 'cdc_vitess_shard_lag_seconds',
    help: 'Now minus the source time of the last event the Vitess reader read from the shard (heartbeats keep an idle shard near 0)',
    labelNames: ['source', 'shard'] as const,
    registers: [registry],
  }),
  appliedOps: new Counter({
    name: 'cdc_applier_ops_total',
    help: 'Ops in batches the applier committed (duplicates skipped by the checkpoint included)',
    labelNames: ['source', 'destination', 'table', 'kind'] as const,
    registers: [registry],
  }),
  skippedOps: new Counter({
    name: 'cdc_applier_skipped_ops_total',
    help: 'Ops skipped because the destination checkpoint already holds them (redelivery, re-read)',
    labelNames: ['source', 'destination'] as const,
    registers: [registry],
  }),
  batchOps: new Histogram({
    name: 'cdc_applier_batch_ops',
    help: 'Ops per applied batch (one destination transaction)',
    labelNames: ['source', 'destination'] as const,
    buckets: OPS_BUCKETS,
    registers: [registry],
  }),
  applySeconds: new Histogram({
    name: 'cdc_applier_apply_seconds',
    help: 'Time to apply and commit one batch at the destination',
    labelNames: ['source', 'destination'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [registry],
  }),
  redeliveries: new Counter({
    name: 'cdc_applier_redeliveries_total',
    help: 'Batches holding a redelivered message (an ack timed out or an applier died)',
    labelNames: ['source', 'destination', 'partition'] as const,
    registers: [registry],
  }),
  committedSeq: new Gauge({
    name: 'cdc_committed_watermark_seq',
    help: 'Watermark seq of the committed position (every destination has applied up to it)',
    labelNames: ['source'] as const,
    registers: [registry],
  }),
  committedPosition: new Gauge({
    name: 'cdc_committed_position',
    help: 'The committed source position as a number (Postgres: LSN; Vitess: the lane commit counter)',
    labelNames: ['source'] as const,
    registers: [registry],
  }),
  partitionPendingMessages: new Gauge({
    name: 'cdc_partition_pending_messages',
    help: 'Messages of a source partition not yet delivered to the destination (JetStream consumer num_pending; coordinator)',
    labelNames: ['source', 'destination', 'partition'] as const,
    registers: [registry],
  }),
  partitionUnackedMessages: new Gauge({
    name: 'cdc_partition_unacked_messages',
    help: 'Messages delivered to the destination but not acknowledged yet (num_ack_pending; coordinator)',
    labelNames: ['source', 'destination', 'partition'] as const,
    registers: [registry],
  }),
  partitionOldestUnappliedSeconds: new Gauge({
    name: 'cdc_partition_oldest_unapplied_seconds',
    help: 'Age of the source commit time of the oldest op the destination has not applied; 0 when nothing waits (coordinator)',
    labelNames: ['source', 'destination', 'partition'] as const,
    registers: [registry],
  }),
  ownedPartitions: new Gauge({
    name: 'cdc_applier_owned_partitions',
    help: 'Partitions this applier instance holds (rendezvous share of its destination group)',
    labelNames: ['destination', 'instance'] as const,
    registers: [registry],
  }),
  partitionOwned: new Gauge({
    name: 'cdc_applier_partition_owned',
    help: '1 for each source partition this applier instance holds',
    labelNames: ['source', 'destination', 'partition', 'instance'] as const,
    registers: [registry],
  }),
  partitionStopped: new Gauge({
    name: 'cdc_partition_stopped',
    help: '1 while a partition is stopped on an op the destination rejects (see the error log line)',
    labelNames: ['source', 'destination', 'partition'] as const,
    registers: [registry],
  }),
  deadLettered: new Counter({
    name: 'cdc_dead_lettered_ops_total',
    help: 'Ops the destination rejected, set aside in the dead-letter stream (on_error: dead-letter)',
    labelNames: ['source', 'destination', 'table'] as const,
    registers: [registry],
  }),
  jetstreamUnavailableSeconds: new Gauge({
    name: 'cdc_jetstream_unavailable_seconds',
    help: 'How long JetStream has refused or timed out every write of this process (leader election, lost quorum); 0 while it answers',
    registers: [registry],
  }),
  readerPaused: new Gauge({
    name: 'cdc_reader_paused',
    help: '1 while the reader does not read its source because its stream is full (reason: max_bytes or max_age_s)',
    labelNames: ['source', 'reason'] as const,
    registers: [registry],
  }),
  errors: new Counter({
    name: 'cdc_errors_total',
    help: 'Errors by service and stage (retried or not)',
    labelNames: ['service', 'stage'] as const,
    registers: [registry],
  }),
};

let defaultMetrics = false;

/** Process metrics (CPU, memory, event-loop lag), registered once when a server exposes them. */
export function collectProcessMetrics(): void {
  if (defaultMetrics) return;
  defaultMetrics = true;
  collectDefaultMetrics({ register: registry, prefix: 'cdc_' });
}

/** The parts of an op the counters look at (a ChangeOp fits). */
export interface CountedOp {
  readonly kind: string;
  readonly table: { readonly schema: string; readonly table: string };
}

/**
 * Counts ops by table and kind for one batch and hands each (table, kind) total to `add` once,
 * so a counter gets one `inc` per table and kind, not per op. The per-op work is two map
 * lookups keyed by the table object (readers and decoders reuse one object per table version).
 */
export function countOps(ops: readonly CountedOp[], add: (table: string, kind: string, count: number) => void): void {
  if (ops.length === 0) return;
  const byTable = new Map<CountedOp['table'], Map<string, number>>();
  for (const op of ops) {
    let kinds = byTable.get(op.table);
    if (!kinds) {
      kinds = new Map();
      byTable.set(op.table, kinds);
    }
    kinds.set(op.kind, (kinds.get(op.kind) ?? 0) + 1);
  }
  for (const [table, kinds] of byTable) {
    const name = `${table.schema}.${table.table}`;
    for (const [kind, count] of kinds) add(name, kind, count);
  }
}
