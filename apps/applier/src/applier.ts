import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import {
  PartitionStoppedError,
  ReceiveAheadPermits,
  Semaphore,
  isRetryable,
  runPartitionApplier,
  type Sink,
} from '@cdc/apply';
import { ApplierGroup, newInstanceId, ownedBy } from '@cdc/applier-group';
import {
  PartitionConsumer,
  Replication,
  connectService,
  ensureDeadLetterStream,
  setUpSourceStream,
  publishDeadLetter,
  withJetStreamRetry,
} from '@cdc/change-stream';
import { destinationsOfSource, findDestination, findSource, type PipelineConfig } from '@cdc/config';
import { ProgressStore } from '@cdc/progress';
import { describeError, sleep, type Logger } from '@cdc/service-runtime';
import { health, metrics } from '@cdc/telemetry';
import { createSink } from './sinks';

export interface ApplierOptions {
  readonly config: PipelineConfig;
  readonly destination: string;
  /** This instance's id in its group (default: host name, pid and a random suffix). */
  readonly instanceId?: string;
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** The destination engine to use instead of the one the config names (tests wrap it to fail at a chosen moment). */
  readonly sink?: Sink;
}

/**
 * One applier instance of a destination. Instances of the same destination form a group
 * (libs/applier-group): each owns the partitions that rendezvous hashing gives it over the live
 * members, so adding or removing an instance moves only its share. A partition given up is
 * stopped at a batch boundary (its in-flight batch is committed and acked first); the new owner
 * starts from the destination checkpoint, and for the moment both hold it they serialize on the
 * checkpoint row. Each owned partition is applied strictly in order by its own loop, at most
 * `concurrency` at once.
 */
export async function runApplier(options: ApplierOptions): Promise<void> {
  const destination = findDestination(options.config, options.destination);
  const instanceId = options.instanceId ?? newInstanceId();
  const log = options.log.child({ destination: destination.name, instance: instanceId });
  const sink: Sink = options.sink ?? (await createSink(destination));
  const component = `applier ${destination.name}`;
  const nc = await connectService(
    options.config.nats,
    `cdc-applier-${destination.name}`,
    component,
    log,
    options.signal,
  );
  // Stopped while waiting for NATS: a clean stop.
  if (!nc) return await sink.close();
  health.setReady(`${component}: destination`, true);
  health.setReady(`${component}: start-up`, false);
  const running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  const stopped = new Set<string>();
  let group: ApplierGroup | undefined;
  const keys: { key: string; source: string; partition: number }[] = [];
  try {
    const jsm = await jetstreamManager(nc);
    const js = jetstream(nc);
    const replication = Replication.of(nc, options.config.nats.replicas, log);
    // Start-up rides through a leader election too (each step is idempotent).
    const setUp = { log, signal: options.signal };
    const progress = await ProgressStore.open(nc, { replication, log, signal: options.signal });
    const slots = new Semaphore(destination.concurrency);
    // One partition at a time receives its next batch while it applies one (one more batch in memory).
    const receiveAhead = new ReceiveAheadPermits(1);
    if (destination.onError === 'dead-letter')
      await withJetStreamRetry('set up stream CDC_DLQ', () => ensureDeadLetterStream(jsm, replication), setUp);
    for (const sourceName of destination.sources) {
      const source = findSource(options.config, sourceName);
      await setUpSourceStream(
        jsm,
        {
          source: source.name,
          partitions: source.partitions,
          destinations: destinationsOfSource(options.config, source.name).map((d) => d.name),
          replication,
          maxBytes: options.config.nats.maxBytes,
        },
        setUp,
      );
      for (let partition = 0; partition < source.partitions; partition += 1) {
        keys.push({ key: `${source.name}/${partition}`, source: source.name, partition });
      }
    }

    /**
     * Applies an owned partition until `signal` aborts. A lost server (destination, NATS) is not a
     * reason to stop a partition for good: its loop starts again from the destination checkpoint,
     * like a new owner, after a backoff. Only what retrying cannot mend (an op the destination
     * rejects, a malformed message, an unexpected failure) propagates and stops the partition.
     */
    const applyOwnedPartition = async (
      source: string,
      partition: number,
      signal: AbortSignal,
      partitionLog: Logger,
    ): Promise<void> => {
      let failures = 0;
      while (!signal.aborted) {
        const startedAt = Date.now();
        let consumer: PartitionConsumer | undefined;
        let retryInMs: number;
        try {
          consumer = await PartitionConsumer.open(js, jsm, source, destination.name, partition);
          await runPartitionApplier({
            source,
            destination: destination.name,
            partition,
            batches: consumer,
            sink,
            recordProgress: (entry) => progress.recordProgress(entry),
            limits: destination.batch,
            slots,
            receiveAhead,
            signal,
            log: partitionLog,
            onError: destination.onError,
            deadLetter: async (entry) => {
              await publishDeadLetter(
                js,
                {
                  destination: entry.destination,
                  source: entry.source,
                  partition: entry.partition,
                  streamSeq: entry.streamSeq,
                  error: entry.error,
                  ...(entry.code === undefined ? {} : { code: entry.code }),
                },
                entry.op,
              );
            },
          });
          return;
        } catch (error) {
          // Given up (rebalance, shutdown) while failing: the next owner starts from the checkpoint.
          if (signal.aborted) return;
          if (error instanceof PartitionStoppedError || !isRetryable(error)) throw error;
          // A partition that ran a while before failing starts its backoff afresh.
          failures = Date.now() - startedAt > PARTITION_HEALTHY_MS ? 1 : failures + 1;
          retryInMs = Math.min(PARTITION_RETRY_MAX_MS, PARTITION_RETRY_FIRST_MS * 2 ** (failures - 1));
          metrics.errors.inc({ service: 'applier', stage: 'partition' });
          partitionLog.warn(
            { attempt: failures, retryInMs, err: describeError(error) },
            'partition interrupted by a lost server; resuming from the destination checkpoint',
          );
        } finally {
          await consumer?.close().catch(() => undefined);
        }
        // The consumer is closed while waiting: its prefetched messages go back to the stream.
        await sleep(retryInMs, signal);
      }
    };

    const start = ({ key, source, partition }: (typeof keys)[number], joined: ApplierGroup): void => {
      const controller = new AbortController();
      const signal = AbortSignal.any([options.signal, controller.signal]);
      const partitionLog = log.child({ source, partition });
      const done = (async () => {
        // One consumer per partition at a time: wait until the previous owner has let go.
        if (!(await joined.acquire(key, () => !signal.aborted, signal))) return;
        metrics.partitionStopped.set({ source, destination: destination.name, partition: String(partition) }, 0);
        try {
          await applyOwnedPartition(source, partition, signal, partitionLog);
        } catch (error) {
          // One bad partition stops alone; the others keep applying.
          const message = error instanceof PartitionStoppedError ? error.message : describeError(error);
          partitionLog.error({ err: message }, 'partition stopped');
          stopped.add(key);
          metrics.partitionStopped.set({ source, destination: destination.name, partition: String(partition) }, 1);
          // Not ready, yet alive: a restart would stop on the same op again (a restart loop), so
          // /healthz stays up and /readyz names the partition and the reason.
          health.setReady(`${component}: partition ${key} stopped: ${message}`, false);
        } finally {
          await joined.release(key);
        }
      })();
      running.set(key, { controller, done });
    };

    group = await withJetStreamRetry(
      'join the applier group (KV bucket cdc_members)',
      () =>
        ApplierGroup.join(nc, destination.name, instanceId, {
          ...destination.membership,
          log,
          replication,
        }),
      setUp,
    );
    const joined = group;
    let rebalancing = Promise.resolve();
    const rebalance = (): Promise<void> => {
      rebalancing = rebalancing.then(async () => {
        if (options.signal.aborted) return;
        const members = joined.members;
        const wanted = new Set(
          ownedBy(
            instanceId,
            members,
            keys.map((k) => k.key),
          ),
        );
        const released = [...running.keys()].filter((key) => !wanted.has(key));
        // Give up first (each finishes its in-flight batch), then take over.
        for (const key of released) running.get(key)!.controller.abort();
        await Promise.all(released.map((key) => running.get(key)!.done));
        for (const key of released) running.delete(key);
        const acquired = keys.filter((k) => wanted.has(k.key) && !running.has(k.key) && !stopped.has(k.key));
        for (const key of acquired) start(key, joined);
        joined.setOwned([...running.keys()]);
        exportOwned(destination.name, instanceId, keys, new Set(running.keys()));
        if (released.length + acquired.length > 0) {
          log.info(
            { members: members.length, owned: running.size, acquired: acquired.map((k) => k.key), released },
            'partitions rebalanced',
          );
        }
      });
      return rebalancing;
    };
    joined.onLeaseLost((key) => {
      const run = running.get(key);
      if (!run) return;
      log.warn({ partition: key }, 'partition lease taken over by another instance: stopping it here');
      run.controller.abort();
      void run.done.then(() => {
        if (running.get(key) === run) running.delete(key);
        return rebalance();
      });
    });
    joined.onChange(
      () => void rebalance().catch((error) => log.error({ err: describeError(error) }, 'rebalance failed')),
    );
    await rebalance();
    log.info({ sources: destination.sources, partitions: keys.length, owned: running.size }, 'applier running');
    health.setReady(`${component}: start-up`, true);
    await new Promise<void>((resolve) => {
      if (options.signal.aborted) resolve();
      else options.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await rebalancing.catch(() => undefined);
    await Promise.all([...running.values()].map((run) => run.done));
    // Reported on shutdown too: an operator must see that part of the destination is behind.
    if (stopped.size > 0) {
      throw new Error(
        `destination ${destination.name}: partitions ${[...stopped].join(', ')} stopped on errors (see the log above)`,
      );
    }
  } finally {
    for (const run of running.values()) run.controller.abort();
    await Promise.all([...running.values()].map((run) => run.done));
    await group?.leave();
    exportOwned(destination.name, instanceId, keys, new Set());
    await nc.drain().catch(() => undefined);
    await sink.close();
    health.forget(`${component}:`);
    log.info('applier stopped');
  }
}

/** Backoff of a partition interrupted by a lost server: first wait, longest wait. */
const PARTITION_RETRY_FIRST_MS = 500;
const PARTITION_RETRY_MAX_MS = 10_000;
/** A partition that applied this long before failing counts as healthy again: its backoff restarts. */
const PARTITION_HEALTHY_MS = 60_000;

/** The owned-partition gauges of this instance (what autoscaling and `cdc status` readers compare). */
function exportOwned(
  destination: string,
  instance: string,
  keys: ReadonlyArray<{ key: string; source: string; partition: number }>,
  owned: ReadonlySet<string>,
): void {
  metrics.ownedPartitions.set({ destination, instance }, owned.size);
  for (const { key, source, partition } of keys) {
    metrics.partitionOwned.set({ source, destination, partition: String(partition), instance }, owned.has(key) ? 1 : 0);
  }
}
