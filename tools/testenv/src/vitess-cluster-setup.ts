// What the multi-process Vitess cluster needs on disk: the binaries install.sh builds, and the
// MariaDB settings and user setup mysqlctl gets.
import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestEnvNotInstalledError } from './errors';
import { LOOPBACK } from './net';
import { repoRoot } from './paths';

const VITESS_VERSION = 'v0.22.4';
const ETCD_VERSION = 'v3.5.24';

export interface ClusterBinaries {
  readonly vtctld: string;
  readonly vtgate: string;
  readonly vttablet: string;
  readonly mysqlctl: string;
  readonly vtctldclient: string;
  readonly etcd: string;
}

export function clusterBinaries(): ClusterBinaries {
  const bin = join(repoRoot(), '.cache/vitess', VITESS_VERSION, 'bin');
  const binaries: ClusterBinaries = {
    vtctld: join(bin, 'vtctld'),
    vtgate: join(bin, 'vtgate'),
    vttablet: join(bin, 'vttablet'),
    mysqlctl: join(bin, 'mysqlctl'),
    vtctldclient: join(bin, 'vtctldclient'),
    etcd: join(repoRoot(), '.cache/vitess', `etcd-${ETCD_VERSION}`, 'etcd'),
  };
  for (const path of Object.values(binaries)) {
    try {
      accessSync(path, constants.X_OK);
    } catch {
      throw new TestEnvNotInstalledError(`${path} is missing (the multi-process Vitess cluster's binaries)`);
    }
  }
  return binaries;
}

// Appended to the my.cnf mysqlctl generates (EXTRA_MY_CNF), after Vitess's mariadb10.cnf.
// Vitess's default.cnf sets utf8 (3 bytes): 4-byte characters need utf8mb4 on the server, and
// vttablet's --db_charset utf8mb4_general_ci (its default "utf8mb4" asks for a MySQL 8 collation
// id MariaDB does not know, and MariaDB falls back to utf8mb3).
export const MARIADB_EXTRA_CNF = `bind-address = ${LOOPBACK}
character_set_server = utf8mb4
collation_server = utf8mb4_general_ci
innodb_buffer_pool_size = 32M
innodb_log_buffer_size = 1M
innodb_flush_log_at_trx_commit = 2
innodb_doublewrite = 0
sync_binlog = 0
max_connections = 200
`;

/** Vitess's config/init_db.sql without the MySQL-only super_read_only lines (MariaDB has none). */
export function initDbSql(): string {
  const vitess = join(repoRoot(), `.cache/go-mod/vitess.io/vitess@${VITESS_VERSION}/config/init_db.sql`);
  let text: string;
  try {
    text = readFileSync(vitess, 'utf8');
  } catch {
    throw new TestEnvNotInstalledError(`${vitess} is missing (the Vitess module, downloaded by the install)`);
  }
  return text
    .split('\n')
    .filter((line) => !/super_read_only/.test(line))
    .join('\n');
}
