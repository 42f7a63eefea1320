import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Replication, connectService, readPartitionBacklog } from '@cdc/change-stream';
import { destinationsOfSource, type PipelineConfig } from '@cdc/config';
import { ProgressStore, computeCommitted } from '@cdc/progress';
import { describeError, sleep, type Logger } from '@cdc/service-runtime';
import { health, metrics, traceComputation } from '@cdc/telemetry';

export interface CoordinatorOptions {
  readonly config: PipelineConfig;
  readonly signal: AbortSignal;
  readonly log: Logger;
}

/**
 * Computes each source's committed position (the lowest watermark every partition of every
 * destination has committed) and publishes it in KV. It holds no state of its own: killed
 * and restarted, it computes the same answer from the same progress entries.
 */
export async function runCoordinator(options: CoordinatorOptions): Promise<void> {
  const log = options.log;
  const nc = await connectService(options.config.nats, 'cdc-coordinator', 'coordinator', log, options.signal);
  // Stopped while waiting for NATS: a clean stop.
  if (!nc) return;
  try {
    const replication = Replication.of(nc, options.config.nats.replicas, log);
    const progress = await ProgressStore.open(nc, { replication, log, signal: options.signal });
    log.info({ sources: options.config.sources.map((s) => s.name) }, 'coordinator running');
    const jsm = await jetstreamManager(nc);
    let backlogReadAt = 0;
    while (!options.signal.aborted) {
      if (Date.now() - backlogReadAt >= BACKLOG_INTERVAL_MS) {
        backlogReadAt = Date.now();
        await exportBacklog(jsm, options.config, log);
      }
      for (const source of options.config.sources) {
        try {
          await updateCommitted(progress, options.config, source.name, source.partitions, log);
        } catch (error) {
          metrics.errors.inc({ service: 'coordinator', stage: 'committed' });
          log.warn({ source: source.name, err: describeError(error) }, 'cannot compute the committed position');
        }
      }
      health.beat('coordinator: loop', Math.max(60_000, options.config.coordinator.intervalMs * 10));
      await sleep(options.config.coordinator.intervalMs, options.signal);
    }
  } finally {
    health.forget('coordinator:');
    await nc.drain().catch(() => undefined);
  }
}

/** How often the per-partition backlog gauges are refreshed (two JetStream API calls per partition and destination). */
const BACKLOG_INTERVAL_MS = 5_000;

/**
 * Exports every partition's backlog per destination (pending, unacked, age of the oldest
 * unapplied op). The coordinator does it, not the appliers: it is one process that sees every
 * partition, owned or not, so the gauges exist even while no applier runs (scale from zero).
 */
export async function exportBacklog(jsm: JetStreamManager, config: PipelineConfig, log: Logger): Promise<void> {
  for (const source of config.sources) {
    for (const destination of destinationsOfSource(config, source.name)) {
      for (let partition = 0; partition < source.partitions; partition += 1) {
        const labels = { source: source.name, destination: destination.name, partition: String(partition) };
        try {
          const backlog = await readPartitionBacklog(jsm, source.name, destination.name, partition);
          if (!backlog) continue; // no applier has created the consumer yet
          metrics.partitionPendingMessages.set(labels, backlog.pendingMessages);
          metrics.partitionUnackedMessages.set(labels, backlog.unackedMessages);
          const age =
            backlog.oldestUnappliedCommitMs === null ? 0 : (Date.now() - backlog.oldestUnappliedCommitMs) / 1000;
          metrics.partitionOldestUnappliedSeconds.set(labels, Math.max(0, age));
        } catch (error) {
          metrics.errors.inc({ service: 'coordinator', stage: 'backlog' });
          log.warn({ ...labels, err: describeError(error) }, 'cannot read the partition backlog');
        }
      }
    }
  }
}

export async function updateCommitted(
  progress: ProgressStore,
  config: PipelineConfig,
  source: string,
  partitions: number,
  log: Logger,
): Promise<void> {
  const destinations = destinationsOfSource(config, source).map((d) => d.name);
  if (destinations.length === 0) return;
  // One span per computation when tracing is on (cheap: one per source per interval).
  await traceComputation('cdc.coordinator compute committed', { 'cdc.source': source }, async (span) => {
    const committed = computeCommitted(source, destinations, partitions, await progress.readProgress(source));
    if (!committed) return;
    const previous = await progress.readCommitted(source);
    span?.setAttributes({ 'cdc.watermark_seq': committed.seq, 'cdc.position': committed.position.commit.toString() });
    // Watermark seqs only grow; a lower one means stale progress and must not move the position back.
    if (previous && committed.seq <= previous.seq) {
      metrics.committedSeq.set({ source }, previous.seq);
      metrics.committedPosition.set({ source }, Number(previous.position.commit));
      return;
    }
    await progress.writeCommitted(committed);
    metrics.committedSeq.set({ source }, committed.seq);
    metrics.committedPosition.set({ source }, Number(committed.position.commit));
    span?.setAttribute('cdc.advanced', true);
    log.debug(
      { source, seq: committed.seq, position: committed.position.commit.toString() },
      'committed position advanced',
    );
  });
}
