/**
 * The typed configuration produced by `parseConfig`/`loadConfig`. Keys are camelCase here and
 * snake_case in YAML (`status_interval_ms` -> `statusIntervalMs`). Every default is filled in.
 */

export interface PipelineConfig {
  nats: NatsConfig;
  sources: SourceConfig[];
  destinations: DestinationConfig[];
  coordinator: CoordinatorConfig;
}

export interface NatsConfig {
  /** One server URL or a list of them (cluster seeds). `host:port` without a scheme is allowed. */
  url: string | string[];
  user?: string;
  password?: string;
  token?: string;
  /** NKey seed ("SU..."), usually from `${file:...}`; the server knows the user's public key. */
  nkeySeed?: string;
  /** Path of a `.creds` file (user JWT + NKey seed, decentralized auth). */
  credsFile?: string;
  tls?: NatsTlsConfig;
  /**
   * Copies JetStream keeps of every stream, consumer and KV bucket the pipeline creates: 1, 3
   * or 5 (a cluster of at least that many servers). Parsing always sets it; absent means 1.
   */
  replicas?: number;
  /** Each source stream's limit in bytes; at it, readers pause reading their source (nothing is dropped). Absent: no limit. */
  maxBytes?: number;
  /** Oldest unapplied change a source stream may hold, in seconds; past it, readers pause likewise. Absent: no limit. */
  maxAgeS?: number;
  /**
   * Seconds JetStream may refuse or time out writes before a service logs one error line saying
   * the cluster has likely lost quorum (and one line when it answers again). Parsing always sets it (30).
   */
  quorumLostAlertS?: number;
}

export interface NatsTlsConfig {
  /** CA certificate(s) to verify the server with (PEM file); absent: the system's CAs. */
  caFile?: string;
  /** Client certificate and key (PEM files), for servers that verify clients. */
  certFile?: string;
  keyFile?: string;
}

/**
 * TLS to a MySQL/MariaDB server (`tls:` on a mysql destination, `mysql_tls:` on a Vitess
 * source). Present = every connection is TLS; the files are PEM and read when the service starts.
 */
export interface MysqlTlsConfig extends NatsTlsConfig {
  /** Verify the server's certificate (against caFile, else the system's CAs) and host name; default true. */
  verify: boolean;
}

/** Fields every source type has. */
export interface SourceCommonConfig {
  /** ^[A-Za-z0-9_-]+$, unique among sources; used in JetStream stream and subject names. */
  name: string;
  /** Table patterns, normalized to "schema.table" (a pattern without a dot gets schema `public`). */
  tables: string[];
  partitions: number;
  /**
   * Table patterns (normalized like `tables`) whose rows are spread over the partitions by a
   * hash of their key (`partition_by: {pattern: key}`); every other table sits whole in one
   * partition. Gives up the order between different rows of those tables.
   */
  partitionByKey?: string[];
  publish: PublishConfig;
}

export interface PostgresSourceConfig extends SourceCommonConfig {
  type: 'postgres';
  url: string;
  publication: string;
  slot: string;
  snapshot: SnapshotConfig;
  /** How often the reader sends the standby status update, in milliseconds. */
  statusIntervalMs: number;
  /**
   * Seconds between checks for tables created at the source that match `tables` (added to the
   * publication and backfilled live); 0 turns the check off (a reload still runs it).
   */
  tableDiscoveryIntervalS: number;
  /** Transactions larger than the server's logical_decoding_work_mem. */
  largeTransactions: {
    /**
     * PostgreSQL 14+: receive them while they run (pgoutput streaming), kept in `spillDir` until
     * they commit; off: the server holds them (spilling to its own disk) and sends them at commit.
     */
    stream: boolean;
    /** Directory for streamed transactions until they end (default: the OS temp directory). */
    spillDir: string;
  };
  /**
   * The other servers of the source's cluster (standbys that may be promoted): the reader reads
   * from whichever of `url` and these is the primary, and after a failover it starts over on the
   * new one (from the failover slot on 17+). Empty: only `url`.
   */
  failoverUrls?: string[];
}

export type VitessTabletType = 'primary' | 'replica' | 'rdonly';
export type VitessStartMode = 'copy' | 'current';

export interface VitessSourceConfig extends SourceCommonConfig {
  type: 'vitess';
  /** vtgate's gRPC address, host:port. */
  vtgate: string;
  keyspace: string;
  /** Shards to stream; empty: every shard of the keyspace. */
  shards: string[];
  tabletType: VitessTabletType;
  /** mysql:// URL of vtgate's MySQL port, for reading table schemas (information_schema). */
  mysql: string;
  /** TLS to vtgate's MySQL port; absent: plain TCP. */
  mysqlTls?: MysqlTlsConfig;
  /** First start only (afterwards the reader resumes from the committed VGtid): copy the tables first, or stream from now. */
  start: VitessStartMode;
  /** Seconds between vtgate heartbeats on an idle stream (they advance the watermarks). */
  heartbeatIntervalS: number;
  /** On a reshard (journal event), stop with an error instead of following the new shards. */
  stopOnReshard: boolean;
  /** Reconnect backoff after vtgate is lost, in milliseconds: first and maximum delay. */
  reconnect: { initialMs: number; maxMs: number };
}

/** Discriminated on `type`. Adding a type: add its interface here and an entry in `SOURCE_TYPES` (parse.ts). */
export type SourceConfig = PostgresSourceConfig | VitessSourceConfig;
export type SourceType = SourceConfig['type'];

export interface SnapshotConfig {
  enabled: boolean;
  parallelism: number;
  chunkRows: number;
}

export interface PublishConfig {
  maxOps: number;
  maxBytes: number;
  maxDelayMs: number;
  watermarkIntervalMs: number;
  /**
   * Encoded bytes the reader holds queued or unacknowledged before it stops reading the source
   * (parsing always sets it; configs built in code may leave it to the publisher's 16 MiB default).
   */
  maxBufferedBytes?: number;
}

/** Fields every destination type has. */
export interface DestinationCommonConfig {
  /** ^[A-Za-z0-9_-]+$, unique among destinations. */
  name: string;
  /** Names of the sources this destination applies; each exists. */
  sources: string[];
  createTables: boolean;
  /** Exact "srcschema.srctable" -> "dstschema.dsttable" (split at the first dot). */
  tables: Record<string, string>;
  /** Destination schema for every table not in `tables`; absent: the source table's schema. */
  schema?: string;
  batch: BatchConfig;
  concurrency: number;
  /** Applier instances of this destination share its partitions (rendezvous hashing over live members). */
  membership: MembershipConfig;
  /** An op the destination rejects as bad data: stop its partition, or set it aside in the dead-letter stream and go on. */
  onError: OnErrorPolicy;
  /** Fan-in: every row is tagged with its source in this column, which joins the primary key. */
  sourceId?: SourceIdConfig;
  /**
   * A source column the destination table lacks: stop, add it, or drop its values. parseConfig
   * always sets it; absent (a hand-built config) means create with createTables, else fail.
   */
  missingColumns?: MissingColumnsPolicy;
  /**
   * Per source table ("schema.table", exact): propagation model and column mapping (long-form
   * `tables` entries). parseConfig always sets it; absent means every table is a plain clone.
   */
  tablePolicies?: Record<string, TablePolicy>;
}

export interface SourceIdConfig {
  /** Destination column (text) holding the source's id. */
  column: string;
  /** Source name -> value; every source of the destination has one (default: the source's name). */
  values: Record<string, string>;
}

export type MissingColumnsPolicy = 'fail' | 'create' | 'ignore';
export type PropagationMode = 'clone' | 'history' | 'append-only';
export type DeletesPolicy = 'ignore' | 'record';

export interface TablePolicy {
  mode: PropagationMode;
  /** Source column -> destination column. */
  rename: Record<string, string>;
  /** Source columns never written. */
  exclude: string[];
  /** append-only only: deletes are ignored or appended as a row with the key and op kind delete. */
  deletes: DeletesPolicy;
}

export type OnErrorPolicy = 'stop' | 'dead-letter';

export interface MembershipConfig {
  /** How often an applier instance refreshes its entry in the members bucket. */
  heartbeatMs: number;
  /** An instance silent for this long is gone; its partitions move to the others. */
  ttlMs: number;
}

export interface PostgresDestinationConfig extends DestinationCommonConfig {
  type: 'postgres';
  url: string;
}

/** What a destination does with a value its column cannot hold faithfully. */
export type UnrepresentablePolicy = 'fail' | 'json' | 'null';

export interface MysqlDestinationConfig extends DestinationCommonConfig {
  type: 'mysql';
  /** mysql://user:password@host:port/database (MySQL or MariaDB); the database holds the checkpoint table. */
  url: string;
  /** Values the destination cannot hold (NaN, arrays, out-of-range dates): stop, write JSON, or write NULL. */
  unrepresentable: UnrepresentablePolicy;
  /** Write large row groups with LOAD DATA LOCAL INFILE (when the server allows it); false: INSERT statements only. */
  loadData: boolean;
  /** TLS to the server; absent: plain TCP (or what the URL's `?ssl=` query asks mysql2 for). */
  tls?: MysqlTlsConfig;
}

/** Discriminated on `type`. Adding a type: add its interface here and an entry in `DESTINATION_TYPES` (parse.ts). */
export type DestinationConfig = PostgresDestinationConfig | MysqlDestinationConfig;
export type DestinationType = DestinationConfig['type'];

export interface BatchConfig {
  maxOps: number;
  maxWaitMs: number;
  /** Longest wait for a batch's next message once it has one (a live stream's batch closes sooner). */
  maxIdleMs?: number;
  /** Message bytes per batch: bounds a batch of snapshot chunks (each one op of thousands of rows). */
  maxBytes: number;
}

export interface CoordinatorConfig {
  intervalMs: number;
}
