// The public shapes of the harness (re-exported from index.ts).

export interface QueryResultRows {
  rows: Record<string, unknown>[];
}

export interface PostgresServer {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** The server's log (stdout and stderr of postgres), kept across restarts. */
  readonly logFile: string;
  /** Its major version (14, 15, ...). */
  readonly version: number;
  /** postgres://postgres@127.0.0.1:PORT/<database> (trust auth on loopback); default database 'postgres'. */
  url(database?: string): string;
  /** Creates a fresh database (random name when omitted) and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** One-shot query on its own connection. */
  query(sql: string, params?: unknown[], database?: string): Promise<QueryResultRows>;
  /** Fast shutdown (pg_ctl stop -m fast); waits until the port is closed. */
  stop(): Promise<void>;
  /** SIGKILL the postmaster and its backends (a crash); waits until the port is closed. */
  kill(): Promise<void>;
  /** Starts again on the same port and data directory; waits until it accepts connections. */
  start(): Promise<void>;
  /** Stops if running and removes the server's directory. */
  destroy(): Promise<void>;
}

export interface PostgresOptions {
  /** Default true: wal_level=logical, max_replication_slots=20, max_wal_senders=20. */
  logical?: boolean;
  /** Extra postgresql.conf settings (win over the defaults; listen address and port are fixed). */
  settings?: Record<string, string>;
  /** Appears in the directory name, to find a server's files and log. */
  name?: string;
  /**
   * The PostgreSQL major to run (14 to 18): Debian's /usr/lib/postgresql/<major>, else the
   * binaries `install.sh postgres-versions` fetched. Absent: the default server (Debian's 15).
   */
  version?: number;
}

export interface StandbyOptions {
  /** Appears in the directory name; also the standby's application_name at the primary. */
  name?: string;
  /** Extra postgresql.conf settings of the standby (e.g. sync_replication_slots: 'on'). */
  settings?: Record<string, string>;
  /** The physical replication slot on the primary it streams through (created; default: from the name). */
  slot?: string;
}

export interface NatsServer {
  readonly port: number;
  /** nats://127.0.0.1:PORT */
  readonly url: string;
  /** JetStream store directory. */
  readonly storeDir: string;
  /** Graceful shutdown (SIGTERM); waits until the port is closed. */
  stop(): Promise<void>;
  /** SIGKILL; waits until the port is closed. */
  kill(): Promise<void>;
  /** Starts again on the same port and store directory; waits until it answers with JetStream on. */
  start(): Promise<void>;
  /** Stops if running and removes the server's directory. */
  destroy(): Promise<void>;
}

export interface NatsOptions {
  /** Appears in the directory name. */
  name?: string;
  /** Extra nats-server configuration, written to a config file passed with -c (flags win over it). */
  configText?: string;
}

/** One server of a `startNatsCluster` cluster: a NatsServer with a name, a monitoring port and its store to wipe. */
export interface NatsClusterServer extends NatsServer {
  /** server_name, e.g. "cluster-n1": what JetStream reports as a stream's or the meta group's leader. */
  readonly name: string;
  /** http://127.0.0.1:PORT, the server's monitoring endpoint (/jsz, /routez, /healthz). */
  readonly monitorUrl: string;
  readonly routePort: number;
  /** True while its process runs. */
  isRunning(): boolean;
  /** Deletes its JetStream store directory (the server must be down): it starts again empty and catches up from its peers. */
  wipeStore(): Promise<void>;
  /** GET a monitoring endpoint as JSON; undefined when the server does not answer. */
  monitor<T>(path: string): Promise<T | undefined>;
}

export interface NatsCluster {
  readonly servers: readonly NatsClusterServer[];
  /** Every server's client URL (give them all to a client: it fails over between them). */
  readonly urls: string[];
  server(name: string): NatsClusterServer;
  /** The JetStream meta leader (the server that places streams and consumers), per a running server's /jsz. */
  metaLeader(): Promise<NatsClusterServer | undefined>;
  /** The server leading a stream's raft group, per /jsz of the running servers (account `$G` unless told). */
  streamLeader(stream: string, account?: string): Promise<NatsClusterServer | undefined>;
  waitForMetaLeader(timeoutMs?: number): Promise<NatsClusterServer>;
  /** Waits until the stream has a running leader (other than `not`, e.g. the server just killed). */
  waitForStreamLeader(stream: string, options?: { not?: string; timeoutMs?: number }): Promise<NatsClusterServer>;
  /**
   * kill -9 the server leading the stream, then waits until another running server leads it. The
   * killed server stays down: start() it again (and waitForCurrent()) to end the fault.
   */
  killStreamLeader(
    stream: string,
    options?: { timeoutMs?: number },
  ): Promise<{ killed: NatsClusterServer; successor: NatsClusterServer }>;
  /** Waits until every server runs and the meta leader sees each other server online and caught up. */
  waitForCurrent(timeoutMs?: number): Promise<void>;
  /** Stops every server and removes their directories. */
  destroy(): Promise<void>;
}

export interface NatsClusterOptions {
  /** Servers are named `<name>-n1`, `<name>-n2`, ... (default name "cluster"). */
  name?: string;
  /** Number of servers (default 3). */
  size?: number;
  /** Extra configuration appended to every server's config file. */
  configText?: string;
}

export interface MariadbServer {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** mysql://root@127.0.0.1:PORT/<database> (root without a password, loopback only); default database 'mysql'. */
  url(database?: string): string;
  /** Creates a fresh database (utf8mb4, binary collation; random name when omitted) and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** One-shot query on its own connection (several statements allowed when there are no params). */
  query(sql: string, params?: unknown[], database?: string): Promise<QueryResultRows>;
  /**
   * Creates a user with a random password and every privilege on `database`, and returns its
   * URL. `require: 'ssl'` makes the server refuse it without TLS, `'x509'` also without a client
   * certificate signed by the server's ssl_ca (start the server with `tls`).
   */
  createUser(options: MariadbUserOptions): Promise<string>;
  /** SIGTERM (clean shutdown); waits until the port is closed. */
  stop(): Promise<void>;
  /** SIGKILL of mariadbd (a crash); waits until the port is closed. */
  kill(): Promise<void>;
  /** Starts again on the same port and data directory (crash recovery); waits until it answers. */
  start(): Promise<void>;
  /** Stops if running and removes the server's directory. */
  destroy(): Promise<void>;
}

export interface MariadbOptions {
  /** Appears in the directory name. */
  name?: string;
  /** Extra mariadbd arguments (`--innodb-buffer-pool-size=1G`); they come after the harness's. */
  args?: string[];
  /**
   * Serve TLS with these PEM files (`--ssl-ca`, `--ssl-cert`, `--ssl-key`; see
   * createTestCertificates). Plain connections still work for users that do not require SSL.
   */
  tls?: { ca: string; cert: string; key: string };
}

export interface MariadbUserOptions {
  name: string;
  database: string;
  /** Default none: TLS optional. */
  require?: 'ssl' | 'x509';
  /** Privileges on `database` (`['SELECT', 'INSERT']`); default `['ALL PRIVILEGES']`. */
  privileges?: readonly string[];
}
