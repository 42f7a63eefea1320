import type { Client } from 'pg';
import {
  readSlotHealth,
  retainedRatio,
  SlotInvalidatedError,
  slotWalWarning,
  type SlotHealth,
} from '@cdc/postgres-source';
import { describeError, type Logger } from '@cdc/service-runtime';
import { metrics } from '@cdc/telemetry';

/** While the slot stays near its limit, the warning is repeated this often. */
const WARN_EVERY_MS = 60_000;

export interface SlotWatchOptions {
  readonly source: string;
  readonly slot: string;
  /** A plain connection to the source (the reader's catalog connection). */
  readonly client: Client;
  readonly serverVersion: number;
  readonly log: Logger;
  readonly intervalMs: number;
  /** The server invalidated the slot while streaming: the session must end with this error. */
  readonly onInvalidated: (error: SlotInvalidatedError) => void;
}

/**
 * Watches the replication slot while the reader streams: the WAL it holds against
 * max_slot_wal_keep_size (gauges, and a warning line as it nears the limit), and whether the
 * server invalidated it. An invalidated slot never streams on: the reader stops with one line
 * saying what to do, where it would otherwise reconnect forever to a slot that cannot serve it.
 */
export class SlotWatch {
  private timer: NodeJS.Timeout | undefined;
  private warnedAt = 0;
  private checking = false;

  constructor(private readonly options: SlotWatchOptions) {}

  /** One look now: throws SlotInvalidatedError for an invalidated slot. */
  async check(): Promise<SlotHealth | undefined> {
    const { source, slot, client, serverVersion, log } = this.options;
    const health = await readSlotHealth(client, slot, serverVersion);
    if (!health) return undefined;
    metrics.slotRetainedBytes.set({ source }, health.retainedBytes ?? 0);
    metrics.slotRetainedRatio.set({ source }, retainedRatio(health) ?? 0);
    metrics.slotInvalidated.set({ source }, health.invalidated ? 1 : 0);
    if (health.invalidated) throw new SlotInvalidatedError(source, health);
    const warning = slotWalWarning(source, health);
    if (warning) {
      if (Date.now() - this.warnedAt >= WARN_EVERY_MS) {
        this.warnedAt = Date.now();
        log.warn({ slot, retainedBytes: health.retainedBytes, walStatus: health.walStatus }, warning);
      }
    } else if (this.warnedAt !== 0) {
      this.warnedAt = 0;
      log.info({ slot, retainedBytes: health.retainedBytes }, `replication slot "${slot}" is back under its WAL limit`);
    }
    return health;
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      await this.check();
    } catch (error) {
      if (error instanceof SlotInvalidatedError) {
        this.stop();
        this.options.onInvalidated(error);
      } else {
        this.options.log.warn({ err: describeError(error) }, 'cannot read the replication slot’s state');
      }
    } finally {
      this.checking = false;
    }
  }
}
