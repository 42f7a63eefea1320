import { Client, escapeIdentifier, escapeLiteral } from 'pg';
import { POSTGRES_EPOCH_US } from './pgoutput';
import { formatLsn, parseLsn } from './lsn';
import { SESSION_OPTIONS } from './session-settings';
import { startReplicationOptions, type PgOutputProtocol } from './protocol';

export interface CreatedSlot {
  readonly slot: string;
  readonly consistentPoint: bigint;
  /** Exported snapshot: valid until the next command on this connection. */
  readonly snapshotName: string;
}

export type ReplicationEvent =
  | { readonly type: 'data'; readonly walStart: bigint; readonly walEnd: bigint; readonly payload: Buffer }
  | { readonly type: 'keepalive'; readonly walEnd: bigint; readonly replyRequested: boolean };

/** Internal shape of pg's protocol connection that replication needs (copy-both mode). */
interface CopyBothConnection {
  on(event: 'copyData', listener: (message: { chunk: Buffer }) => void): void;
  removeAllListeners(event: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  stream: { pause(): void; resume(): void };
}

/**
 * A replication-protocol connection (`replication=database`) over `pg`.
 *
 * Events are handed to an async handler strictly in order; while the handler is behind by
 * more than `maxQueued` events or `maxQueuedBytes` bytes the socket is paused, so a slow
 * JetStream makes the walsender wait instead of filling our memory. Pausing stops reading
 * only: standby status updates (`sendStatus`) still go out, so the walsender does not time
 * the connection out however long the pause.
 */
export class ReplicationConnection {
  private readonly client: Client;
  /** Events not yet handled start at `head` (shift() per event is slow on a long array). */
  private queue: ReplicationEvent[] = [];
  private head = 0;
  private draining = false;
  private paused = false;
  private handler: ((event: ReplicationEvent) => Promise<void> | void) | undefined;
  private failure: ((error: unknown) => void) | undefined;
  private queuedBytes = 0;
  private readonly maxQueued = 2_000;
  /** Rows with large (TOAST) values: 2,000 of them could be gigabytes. */
  private readonly maxQueuedBytes = 4 * 1024 * 1024;

  constructor(url: string, applicationName: string) {
    this.client = new Client({
      connectionString: url,
      // pg's typings do not list the replication startup parameter.
      ...({ replication: 'database' } as object),
      application_name: applicationName,
      options: SESSION_OPTIONS,
    });
  }

  async connect(): Promise<void> {
    await this.client.connect();
  }

  async identifySystem(): Promise<{ systemId: string; timeline: number; xlogpos: bigint; dbname: string }> {
    const result = await this.client.query('IDENTIFY_SYSTEM');
    const row = result.rows[0] as { systemid: string; timeline: number; xlogpos: string; dbname: string };
    return {
      systemId: row.systemid,
      timeline: Number(row.timeline),
      xlogpos: parseLsn(row.xlogpos),
      dbname: row.dbname,
    };
  }

  /**
   * A logical pgoutput slot with an exported snapshot. `failover` (PostgreSQL 17+, option syntax
   * of 15+): standbys with sync_replication_slots keep a copy of it, usable once one is promoted.
   */
  async createSlot(slot: string, { failover = false }: { readonly failover?: boolean } = {}): Promise<CreatedSlot> {
    const options = failover ? `(SNAPSHOT 'export', FAILOVER true)` : 'EXPORT_SNAPSHOT';
    const result = await this.client.query(
      `CREATE_REPLICATION_SLOT ${escapeIdentifier(slot)} LOGICAL pgoutput ${options}`,
    );
    const row = result.rows[0] as { slot_name: string; consistent_point: string; snapshot_name: string };
    return { slot: row.slot_name, consistentPoint: parseLsn(row.consistent_point), snapshotName: row.snapshot_name };
  }

  /** PostgreSQL 17+: makes an existing slot a failover slot (it must not be in use). */
  async setFailover(slot: string): Promise<void> {
    await this.client.query(`ALTER_REPLICATION_SLOT ${escapeIdentifier(slot)} (FAILOVER true)`);
  }

  /**
   * Streams the slot until the connection ends or fails. Resolves on a clean end (stop()),
   * rejects with the server's error otherwise.
   */
  async stream(
    slot: string,
    publication: string,
    startLsn: bigint,
    handler: (event: ReplicationEvent) => Promise<void> | void,
    protocol: PgOutputProtocol = { protoVersion: 1, streaming: 'off', messages: false },
  ): Promise<void> {
    this.handler = handler;
    const connection = this.connection();
    connection.on('copyData', ({ chunk }) => this.receive(chunk));
    // publication_names is a list of identifiers inside a string literal.
    const options = startReplicationOptions(protocol, escapeLiteral(escapeIdentifier(publication)));
    const command = `START_REPLICATION SLOT ${escapeIdentifier(slot)} LOGICAL ${formatLsn(startLsn)} (${options})`;
    await new Promise<void>((resolve, reject) => {
      this.failure = reject;
      this.client.query(command).then(() => resolve(), reject);
      this.client.once('end', () => resolve());
    });
  }

  /** Standby status update: what we received (write) and what may be released (flush/apply). */
  sendStatus(write: bigint, flush: bigint, replyRequested = false): void {
    const message = Buffer.alloc(34);
    message.write('r', 0);
    message.writeBigUInt64BE(write, 1);
    message.writeBigUInt64BE(flush, 9);
    message.writeBigUInt64BE(flush, 17);
    message.writeBigInt64BE(BigInt(Date.now() * 1000 - POSTGRES_EPOCH_US), 25);
    message.writeUInt8(replyRequested ? 1 : 0, 33);
    this.connection().sendCopyFromChunk(message);
  }

  async query(sql: string): Promise<Record<string, unknown>[]> {
    return (await this.client.query(sql)).rows as Record<string, unknown>[];
  }

  onError(listener: (error: Error) => void): void {
    this.client.on('error', listener);
  }

  async close(): Promise<void> {
    this.handler = undefined;
    this.queue = [];
    this.head = 0;
    this.queuedBytes = 0;
    await this.client.end().catch(() => undefined);
  }

  private connection(): CopyBothConnection {
    return (this.client as unknown as { connection: CopyBothConnection }).connection;
  }

  private receive(view: Buffer): void {
    // pg's parser hands out views into a buffer it reuses for the next bytes from the socket;
    // events wait in the queue, so each must own its bytes.
    const chunk = Buffer.from(view);
    const kind = chunk[0];
    if (kind === 0x77) {
      // 'w' XLogData: walStart, walEnd, sendTime, payload
      this.queue.push({
        type: 'data',
        walStart: chunk.readBigUInt64BE(1),
        walEnd: chunk.readBigUInt64BE(9),
        payload: chunk.subarray(25),
      });
    } else if (kind === 0x6b) {
      // 'k' primary keepalive: walEnd, sendTime, replyRequested
      this.queue.push({ type: 'keepalive', walEnd: chunk.readBigUInt64BE(1), replyRequested: chunk[17] === 1 });
    } else {
      return;
    }
    this.queuedBytes += chunk.length;
    if ((this.queue.length - this.head > this.maxQueued || this.queuedBytes > this.maxQueuedBytes) && !this.paused) {
      this.paused = true;
      this.connection().stream.pause();
    }
    // Not called while draining: an async call makes a promise, and this runs per WAL message.
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.head < this.queue.length && this.handler) {
        const event = this.queue[this.head];
        this.queue[this.head] = undefined as unknown as ReplicationEvent;
        this.head += 1;
        if (this.head === this.queue.length) {
          // A new array, not `length = 0`: truncating the holed array took ~1% of the reader's
          // CPU in a live stream, where the queue empties after nearly every message.
          this.queue = [];
          this.head = 0;
        } else if (this.head >= 1024) {
          this.queue = this.queue.slice(this.head);
          this.head = 0;
        }
        this.queuedBytes -= event.type === 'data' ? event.payload.length + 25 : 18;
        const pending = this.handler(event);
        if (pending) await pending;
        const queued = this.queue.length - this.head;
        if (this.paused && queued < this.maxQueued / 4 && this.queuedBytes < this.maxQueuedBytes / 4) {
          this.paused = false;
          this.connection().stream.resume();
        }
      }
    } catch (error) {
      this.queue = [];
      this.head = 0;
      this.queuedBytes = 0;
      this.handler = undefined;
      this.failure?.(error);
    } finally {
      this.draining = false;
    }
  }
}
