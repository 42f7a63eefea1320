import { readFileSync } from 'node:fs';
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
