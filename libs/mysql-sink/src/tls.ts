import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { checkServerIdentity, TLSSocket } from 'node:tls';
import type { SslOptions } from 'mysql2';

/** TLS to a MySQL/MariaDB server, as the config has it: PEM file paths and whether to verify. */
export interface MysqlTlsOptions {
  /** CA certificate(s) the server's certificate must chain to; absent: Node's CA store. */
  readonly caFile?: string;
  /** Client certificate and key, for users created `REQUIRE X509`. */
  readonly certFile?: string;
  readonly keyFile?: string;
  /** Verify the server's certificate and host name (default true). */
  readonly verify?: boolean;
}

/** Reading a configured PEM file failed; names the config key and the path. */
export class MysqlTlsFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MysqlTlsFileError';
  }
}

/**
 * mysql2's `ssl` option. The files are read here, once, so a pool that opens connections later
 * never fails on a file that moved. mysql2 checks the host name only with `verifyIdentity`
 * (off by default), so `verify` sets both it and `rejectUnauthorized`.
 */
export function mysqlSslOptions(tls: MysqlTlsOptions, keyPrefix = 'tls'): SslOptions {
  const verify = tls.verify !== false;
  const ssl: SslOptions = { rejectUnauthorized: verify, verifyIdentity: verify };
  if (tls.caFile !== undefined) ssl.ca = readPem(tls.caFile, `${keyPrefix}.ca_file`);
  if (tls.certFile !== undefined) ssl.cert = readPem(tls.certFile, `${keyPrefix}.cert_file`);
  if (tls.keyFile !== undefined) ssl.key = readPem(tls.keyFile, `${keyPrefix}.key_file`);
  return ssl;
}

function readPem(path: string, key: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error instanceof Error ? error.message : String(error));
    throw new MysqlTlsFileError(`cannot read ${key} ${JSON.stringify(path)} (${code})`, { cause: error });
  }
}

/**
 * The URL's host when it is an IP address and the certificate must name it. mysql2 hands Node no
 * server name for an IP host, and Node then checks the certificate against "localhost": any
 * certificate for localhost from the trusted CA would pass for every IP. Such connections get
 * this check (ipIdentityCheck) on top.
 */
export function ipHostToCheck(url: string, tls: MysqlTlsOptions): string | undefined {
  if (tls.verify === false) return undefined;
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return undefined;
  }
  return isIP(host) !== 0 ? host : undefined;
}

/**
 * A check for each new mysql2 connection (the core connection, holding the socket) to the IP
 * address `host`: the error when its certificate does not name it. One checker per pool: once a
 * server failed, every later connection fails too, and a resumed TLS session (it carries no
 * certificate to check) passes only after a full handshake with this server passed.
 */
export function ipIdentityCheck(host: string): (connection: unknown) => Error | undefined {
  let verified = false;
  let failed: Error | undefined;
  return (connection) => {
    if (failed !== undefined) return failed;
    const stream = (connection as { stream?: unknown }).stream;
    if (!(stream instanceof TLSSocket)) return (failed = new Error(`the connection to ${host} is not TLS`));
    if (stream.isSessionReused()) {
      return verified ? undefined : new Error(`cannot check the certificate of a resumed TLS session to ${host}`);
    }
    failed = checkServerIdentity(host, stream.getPeerCertificate());
    verified = failed === undefined;
    return failed;
  };
}
