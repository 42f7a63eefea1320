/**
 * Streamed (in-progress) transactions, kept on local disk until they end.
 *
 * pgoutput streams a transaction larger than logical_decoding_work_mem in blocks while it runs
 * (protocol 2+). Nothing of it may reach a destination before its Stream Commit (it may still
 * abort, as a whole or a subtransaction at a time), and holding it in memory would grow the
 * reader with the transaction. So each block's messages are appended, as they arrive on the
 * wire, to a file per transaction; Stream Commit reads the file back in order, Stream Abort
 * deletes it or cuts off what the aborted subtransaction added. docs/design-notes.md ("Large
 * transactions") says why disk and not JetStream.
 *
 * Nothing here is durable: a reader that restarts streams from the slot again, and the walsender
 * sends every transaction that had not committed before the confirmed position from its first
 * block, so the files of an ended session (or a dead process) are only deleted.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/** Bytes a transaction's file receives at once; what it holds in memory before that. */
const WRITE_CHUNK_BYTES = 256 * 1024;
/** Bytes read back at once at commit. */
const READ_CHUNK_BYTES = 1024 * 1024;
const RECORD_HEADER_BYTES = 4;
const FILE_NAME = /^(\d+)-(\d+)\.spill$/;

export class TransactionSpillError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransactionSpillError';
  }
}

interface SpilledTransaction {
  readonly xid: number;
  readonly path: string;
  file: FileHandle | undefined;
  /** Bytes of records appended (written and pending). */
  size: number;
  /** Records appended since the last write, and their bytes. */
  pending: Buffer[];
  pendingBytes: number;
  /** Where each subtransaction's first record starts: an abort of it cuts the file there. */
  readonly subtransactionStarts: Map<number, number>;
  /**
   * Relation and Type messages with where they start. pgoutput sends a relation's description
   * once per streamed transaction, with the xid of the subtransaction that first touched it;
   * cutting an aborted subtransaction's records must keep them for the rows after it.
   */
  schemaRecords: Array<{ readonly offset: number; readonly payload: Buffer }>;
}

export interface SpillStats {
  /** Streamed transactions not yet ended. */
  readonly transactions: number;
  /** Their bytes on disk (and in write buffers). */
  readonly bytes: number;
}

const RELATION = 0x52; // 'R'
const TYPE = 0x59; // 'Y'

export class TransactionSpill {
  private readonly transactions = new Map<number, SpilledTransaction>();

  private constructor(
    private readonly source: string,
    readonly directory: string,
  ) {}

  /**
   * The spill of one source in `<baseDirectory>/cdc-<source>/`, created if needed. Files left by
   * processes that are gone (and by this one) are deleted: those transactions are streamed again.
   */
  static open(baseDirectory: string, source: string): TransactionSpill {
    const directory = join(baseDirectory, `cdc-${source}`);
    try {
      mkdirSync(directory, { recursive: true, mode: 0o700 });
      for (const name of readdirSync(directory)) {
        const match = FILE_NAME.exec(name);
        if (!match) continue;
        const pid = Number(match[1]);
        if (pid === process.pid || !processAlive(pid)) rmSync(join(directory, name), { force: true });
      }
    } catch (error) {
      throw new TransactionSpillError(
        `source ${source}: cannot use ${directory} for streamed transactions (large_transactions.spill_dir): ${(error as Error).message}`,
        { cause: error },
      );
    }
    return new TransactionSpill(source, directory);
  }

  get stats(): SpillStats {
    let bytes = 0;
    for (const transaction of this.transactions.values()) bytes += transaction.size;
    return { transactions: this.transactions.size, bytes };
  }

  has(xid: number): boolean {
    return this.transactions.has(xid);
  }

  /** A streamed transaction's first block began. */
  start(xid: number): void {
    if (this.transactions.has(xid)) return;
    this.transactions.set(xid, {
      xid,
      path: join(this.directory, `${process.pid}-${xid}.spill`),
      file: undefined,
      size: 0,
      pending: [],
      pendingBytes: 0,
      subtransactionStarts: new Map(),
      schemaRecords: [],
    });
  }

  /**
   * Appends one message of a stream block of transaction `xid`, made by (sub)transaction
   * `subxid`. Returns a promise only when it writes to the file (back-pressure for the caller).
   */
  append(xid: number, subxid: number, payload: Buffer): void | Promise<void> {
    const transaction = this.transactions.get(xid);
    if (!transaction)
      throw new TransactionSpillError(`source ${this.source}: transaction ${xid} streamed without its Stream Start`);
    if (subxid !== xid && !transaction.subtransactionStarts.has(subxid))
      transaction.subtransactionStarts.set(subxid, transaction.size);
    if (payload[0] === RELATION || payload[0] === TYPE)
      transaction.schemaRecords.push({ offset: transaction.size, payload });
    const header = Buffer.allocUnsafe(RECORD_HEADER_BYTES);
    header.writeUInt32BE(payload.length, 0);
    transaction.pending.push(header, payload);
    transaction.pendingBytes += RECORD_HEADER_BYTES + payload.length;
    transaction.size += RECORD_HEADER_BYTES + payload.length;
    if (transaction.pendingBytes >= WRITE_CHUNK_BYTES) return this.write(transaction);
  }

  /**
   * Stream Abort: the whole transaction (subxid = xid) is dropped; for a subtransaction, what it
   * appended and everything after (its own subtransactions: nothing of the parent can follow a
   * running subtransaction's first change) is cut off, relation descriptions kept.
   */
  async abort(xid: number, subxid: number): Promise<void> {
    const transaction = this.transactions.get(xid);
    if (!transaction) return;
    if (subxid === xid) {
      this.transactions.delete(xid);
      await this.remove(transaction);
      return;
    }
    const cut = transaction.subtransactionStarts.get(subxid);
    if (cut === undefined) return; // none of its changes was streamed
    await this.write(transaction);
    if (transaction.file) {
      try {
        await transaction.file.truncate(cut);
      } catch (error) {
        throw this.error(transaction, 'cut an aborted subtransaction from', error);
      }
    }
    transaction.size = cut;
    for (const [id, start] of transaction.subtransactionStarts)
      if (start >= cut) transaction.subtransactionStarts.delete(id);
    const kept = transaction.schemaRecords.filter((record) => record.offset >= cut);
    transaction.schemaRecords = transaction.schemaRecords.filter((record) => record.offset < cut);
    for (const record of kept) await this.append(xid, xid, record.payload);
  }

  /**
   * Stream Commit: the transaction's messages in the order they were streamed; its file is
   * deleted once they were all read (or the caller stopped early).
   */
  async *replay(xid: number): AsyncGenerator<Buffer> {
    const transaction = this.transactions.get(xid);
    if (!transaction) return;
    try {
      await this.write(transaction);
      if (!transaction.file) return;
      let position = 0;
      let carry: Buffer = Buffer.alloc(0);
      while (position < transaction.size) {
        const length = Math.min(READ_CHUNK_BYTES, transaction.size - position);
        const chunk = Buffer.allocUnsafe(length);
        let read = 0;
        while (read < length) {
          const { bytesRead } = await transaction.file
            .read(chunk, read, length - read, position + read)
            .catch((error) => {
              throw this.error(transaction, 'read back', error);
            });
          if (bytesRead === 0)
            throw this.error(transaction, 'read back', new Error(`file ends at byte ${position + read}`));
          read += bytesRead;
        }
        position += length;
        const buffer = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
        let at = 0;
        while (buffer.length - at >= RECORD_HEADER_BYTES) {
          const size = buffer.readUInt32BE(at);
          if (buffer.length - at - RECORD_HEADER_BYTES < size) break;
          yield buffer.subarray(at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + size);
          at += RECORD_HEADER_BYTES + size;
        }
        carry = buffer.subarray(at);
      }
      if (carry.length > 0)
        throw this.error(transaction, 'read back', new Error(`${carry.length} bytes of a cut record at the end`));
    } finally {
      this.transactions.delete(xid);
      await this.remove(transaction);
    }
  }

  /** Deletes every file: the session ended, and what was not committed will be streamed again. */
  async close(): Promise<void> {
    const transactions = [...this.transactions.values()];
    this.transactions.clear();
    await Promise.all(transactions.map((transaction) => this.remove(transaction)));
  }

  private async write(transaction: SpilledTransaction): Promise<void> {
    if (transaction.pendingBytes === 0) return;
    const buffers = transaction.pending;
    transaction.pending = [];
    transaction.pendingBytes = 0;
    try {
      transaction.file ??= await open(transaction.path, 'w+', 0o600);
      // The file's end is where the records go: after a cut, size was set back to it.
      let position = transaction.size - buffers.reduce((sum, buffer) => sum + buffer.length, 0);
      for (let i = 0; i < buffers.length;) {
        const { bytesWritten } = await transaction.file.writev(buffers.slice(i, i + 1024), position);
        position += bytesWritten;
        // writev may write less than asked: drop what went out and go on with the rest.
        let left = bytesWritten;
        while (left > 0 && i < buffers.length) {
          if (buffers[i].length <= left) {
            left -= buffers[i].length;
            i += 1;
          } else {
            buffers[i] = buffers[i].subarray(left);
            left = 0;
          }
        }
      }
    } catch (error) {
      throw this.error(transaction, 'write', error);
    }
  }

  private async remove(transaction: SpilledTransaction): Promise<void> {
    transaction.pending = [];
    transaction.pendingBytes = 0;
    const file = transaction.file;
    transaction.file = undefined;
    await file?.close().catch(() => undefined);
    rmSync(transaction.path, { force: true });
  }

  private error(transaction: SpilledTransaction, what: string, cause: unknown): TransactionSpillError {
    return new TransactionSpillError(
      `source ${this.source}: cannot ${what} streamed transaction ${transaction.xid} (${transaction.path}): ${(cause as Error)?.message ?? String(cause)}`,
      { cause },
    );
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
