import type { PartitionProgress } from '@cdc/progress';
import { sleep } from '@cdc/service-runtime';
import type { SourcePosition } from './source-position';

/** What the applied watermarks are read from: the `progress.<source>.<destination>.<p>` keys. */
export interface ProgressReader {
  readProgress(source: string): Promise<PartitionProgress[]>;
}

export class DestinationBehindError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DestinationBehindError';
  }
}

export interface AppliedPositionOptions {
  readonly timeoutMs: number;
  readonly pollMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * Waits until a destination has applied a source position on every partition that carries a
 * table. An applier records a partition's watermark only after the destination committed the
 * batch holding it (libs/apply), so a watermark at or past a position means every change up to
 * it is in the destination's tables. One read of the progress keys serves every waiter.
 */
export class AppliedPositions {
  private latest: PartitionProgress[] = [];
  private reading: Promise<void> | undefined;

  constructor(
    private readonly store: ProgressReader,
    private readonly source: string,
    private readonly options: AppliedPositionOptions,
  ) {}

  async waitFor(destination: string, partitions: readonly number[], position: SourcePosition): Promise<void> {
    const deadline = Date.now() + this.options.timeoutMs;
    for (;;) {
      const behind = this.behind(destination, partitions, position);
      if (behind.length === 0) return;
      if (Date.now() > deadline)
        throw new DestinationBehindError(
          `source ${this.source}, destination ${destination}: partition${behind.length > 1 ? 's' : ''} ` +
            `${behind.join(', ')} did not apply position ${position.label} within ${this.options.timeoutMs / 1000} s ` +
            `(are the reader, the appliers and the coordinator running?)`,
        );
      await sleep(this.options.pollMs ?? 100, this.options.signal);
      if (this.options.signal?.aborted) throw this.options.signal.reason;
      await this.refresh();
    }
  }

  private behind(destination: string, partitions: readonly number[], position: SourcePosition): number[] {
    return partitions.filter((partition) => {
      const applied = this.latest.find((p) => p.destination === destination && p.partition === partition);
      return !applied || !position.reachedBy(applied.position);
    });
  }

  private refresh(): Promise<void> {
    this.reading ??= this.store.readProgress(this.source).then(
      (progress) => {
        this.latest = progress;
        this.reading = undefined;
      },
      (error: unknown) => {
        this.reading = undefined;
        throw error;
      },
    );
    return this.reading;
  }
}
