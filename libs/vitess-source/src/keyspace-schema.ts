import { describeError, type Logger } from '@cdc/service-runtime';
import type { KeyspaceTable } from './schema';

/**
 * The keyspace's tables as information_schema describes them (`read`, e.g. readKeyspaceSchema
 * with the source's connection settings), re-read when a table is unknown or changed.
 */
export class KeyspaceSchema {
  private tables = new Map<string, KeyspaceTable>();
  private readonly stale = new Set<string>();

  constructor(
    private readonly read: () => Promise<KeyspaceTable[]>,
    private readonly log: Logger,
  ) {}

  get known(): ReadonlyMap<string, KeyspaceTable> {
    return this.tables;
  }

  async refresh(): Promise<KeyspaceTable[]> {
    const tables = await this.read();
    this.tables = new Map(tables.map((table) => [table.name, table]));
    this.stale.clear();
    return tables;
  }

  invalidate(table: string): void {
    this.stale.add(table);
  }

  async lookup(table: string): Promise<KeyspaceTable | undefined> {
    if (!this.tables.has(table) || this.stale.has(table)) {
      try {
        await this.refresh();
      } catch (error) {
        // The FIELD event still describes the table; only MariaDB JSON detection needs the schema.
        this.log.warn({ table, err: describeError(error) }, 'cannot re-read the keyspace schema');
        this.stale.delete(table);
      }
    }
    return this.tables.get(table);
  }
}
