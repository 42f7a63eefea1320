// The Vitess source side: a keyspace of a running cluster (shared by many pipelines, so not
// started or stopped here), the source entry that streams it, and a vtgate pool for the test.
import mysql from 'mysql2/promise';
import type { VitessCluster } from '@cdc/testenv';
import type { SourceEntry } from './config';

export interface VitessSourceOptions {
  /** The source's name in the config. */
  readonly name: string;
  /** The shared vttestserver cluster, or a multi-process one (startVitessCluster). */
  readonly cluster: Pick<VitessCluster, 'grpcAddress' | 'mysqlUrl'>;
  readonly keyspace: string;
  readonly tables: readonly string[];
}

export interface VitessSource {
  readonly entry: SourceEntry;
  /** vtgate's MySQL protocol, on the keyspace. */
  readonly vtgate: mysql.Pool;
  close(): Promise<void>;
}

export function openVitessSource(options: VitessSourceOptions): VitessSource {
  const url = options.cluster.mysqlUrl(options.keyspace);
  const vtgate = mysql.createPool({
    uri: url,
    connectionLimit: 4,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  return {
    entry: {
      name: options.name,
      type: 'vitess',
      settings: {
        vtgate: options.cluster.grpcAddress,
        keyspace: options.keyspace,
        mysql: url,
        reconnect: { initial_ms: 200, max_ms: 2000 },
      },
      tables: options.tables,
      partitions: 4,
    },
    vtgate,
    close: () => vtgate.end().catch(() => undefined),
  };
}
