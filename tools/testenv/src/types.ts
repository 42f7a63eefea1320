// The public shapes of the harness (re-exported from index.ts).

export interface QueryResultRows {
  rows: Record<string, unknown>[];
}

export interface PostgresServer {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
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
