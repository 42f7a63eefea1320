import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { PartitionStoppedError, Semaphore, runPartitionApplier, type Sink } from '@cdc/apply';
import { PartitionConsumer, connectToNats, ensureSourceStream } from '@cdc/change-stream';
import { destinationsOfSource, findDestination, findSource, type PipelineConfig } from '@cdc/config';
import { ProgressStore } from '@cdc/progress';
import { describeError, type Logger } from '@cdc/service-runtime';
import { createSink } from './sinks';

export interface ApplierOptions {
  readonly config: PipelineConfig;
  readonly destination: string;
  readonly signal: AbortSignal;
  readonly log: Logger;
}

/**
 * One applier instance: every partition of every source the destination consumes, each
 * partition applied strictly in order by its own loop, at most `concurrency` at once.
 */
export async function runApplier(options: ApplierOptions): Promise<void> {
  const destination = findDestination(options.config, options.destination);
  const log = options.log.child({ destination: destination.name });
  const sink: Sink = await createSink(destination);
  const nc = await connectToNats({ ...options.config.nats, name: `cdc-applier-${destination.name}` });
  const consumers: PartitionConsumer[] = [];
  try {
    const jsm = await jetstreamManager(nc);
    const js = jetstream(nc);
    const progress = await ProgressStore.open(nc);
    const slots = new Semaphore(destination.concurrency);
    const loops: Promise<void>[] = [];
    const stopped: string[] = [];
    for (const sourceName of destination.sources) {
      const source = findSource(options.config, sourceName);
      await ensureSourceStream(jsm, {
        source: source.name,
        partitions: source.partitions,
        destinations: destinationsOfSource(options.config, source.name).map((d) => d.name),
      });
      for (let partition = 0; partition < source.partitions; partition += 1) {
        const consumer = await PartitionConsumer.open(js, jsm, source.name, destination.name, partition);
        consumers.push(consumer);
        const partitionLog = log.child({ source: source.name, partition });
        loops.push(
          runPartitionApplier({
            source: source.name,
            destination: destination.name,
            partition,
            batches: consumer,
            sink,
            recordProgress: (entry) => progress.recordProgress(entry),
            limits: destination.batch,
            slots,
            signal: options.signal,
            log: partitionLog,
          }).catch((error) => {
            // One bad partition stops alone; the others keep applying.
            const message = error instanceof PartitionStoppedError ? error.message : describeError(error);
            partitionLog.error({ err: message }, 'partition stopped');
            stopped.push(`${source.name}/${partition}`);
          }),
        );
      }
    }
    log.info({ sources: destination.sources, partitions: loops.length }, 'applier running');
    await Promise.all(loops);
    // Reported on shutdown too: an operator must see that part of the destination is behind.
    if (stopped.length > 0) {
      throw new Error(
        `destination ${destination.name}: partitions ${stopped.join(', ')} stopped on errors (see the log above)`,
      );
    }
  } finally {
    await Promise.all(consumers.map((consumer) => consumer.close().catch(() => undefined)));
    await nc.drain().catch(() => undefined);
    await sink.close();
    log.info('applier stopped');
  }
}
