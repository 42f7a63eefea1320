// Throw-away certificates for TLS tests: a CA, a server certificate it signs for 127.0.0.1 and
// localhost, a client certificate it signs, and a second CA that signs nothing (a client that
// trusts only it must refuse the server). Made with the openssl command line.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestEnvNotInstalledError } from './errors';
import { mariadbRunAs } from './mariadb';
import { postgresRunAs } from './paths';

export interface TestCertificates {
  readonly dir: string;
  /** CA certificate (PEM) that signed the server and client certificates. */
  readonly ca: string;
  /** Another CA's certificate: it signed neither. */
  readonly otherCa: string;
  /** Server certificate and key: subjectAltName IP:127.0.0.1 and DNS:localhost, serverAuth. */
  readonly serverCert: string;
  readonly serverKey: string;
  /** Client certificate (CN=cdc-client, clientAuth) and key. */
  readonly clientCert: string;
  readonly clientKey: string;
}

export interface CertificateOptions {
  /** Directory to write into; default a new one under the OS temp dir. */
  dir?: string;
  /**
   * The server that reads the server key: when tests run as root it runs as its own OS user
   * (`postgres`, `mysql`), so the key is chowned to that user; mode 0600 either way (Postgres insists).
   */
  serverKeyFor?: 'postgres' | 'mariadb';
}

const DAYS = '2';

export function createTestCertificates(options: CertificateOptions = {}): TestCertificates {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'cdc-certs-'));
  const openssl = (...args: string[]) => {
    try {
      execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') throw new TestEnvNotInstalledError('openssl not found');
      const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
      throw new Error(`openssl ${args[0]} failed in ${dir}: ${stderr}`, { cause: error });
    }
  };
  for (const ca of ['ca', 'other-ca']) {
    const subject = ['-subj', `/CN=cdc test ${ca}`, '-days', DAYS];
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.pem`, ...subject);
  }
  const issue = (name: string, subject: string, extensions: string) => {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    writeFileSync(join(dir, `${name}.ext`), extensions);
    const signArgs = ['-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', DAYS];
    openssl('x509', '-req', '-in', `${name}.csr`, ...signArgs, '-out', `${name}.pem`, '-extfile', `${name}.ext`);
  };
  issue('server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  issue('client', '/CN=cdc-client', 'extendedKeyUsage=clientAuth\n');
  // A server running as another OS user must reach the directory and read the certificates.
  chmodSync(dir, 0o755);
  for (const file of ['ca.pem', 'other-ca.pem', 'server.pem', 'client.pem']) chmodSync(join(dir, file), 0o644);
  chmodSync(join(dir, 'server.key'), 0o600);
  const owner =
    options.serverKeyFor === 'postgres'
      ? postgresRunAs()
      : options.serverKeyFor === 'mariadb'
        ? mariadbRunAs()
        : undefined;
  if (owner) chownSync(join(dir, 'server.key'), owner.uid, owner.gid);
  const file = (name: string) => join(dir, name);
  return {
    dir,
    ca: file('ca.pem'),
    otherCa: file('other-ca.pem'),
    serverCert: file('server.pem'),
    serverKey: file('server.key'),
    clientCert: file('client.pem'),
    clientKey: file('client.key'),
  };
}
