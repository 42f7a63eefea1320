import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './paths';

const run = promisify(execFile);

/** The shared Vitess test cluster of tools/vitess-testenv (vttestserver over MariaDB). */
export interface VitessCluster {
  /** vtgate gRPC, host:port (VStream). */
  readonly grpcAddress: string;
  /** vtgate's MySQL protocol, host:port (user root, no password). */
  readonly mysqlAddress: string;
  /** Keyspaces: `unsharded` (shard 0) and `sharded` (shards -80, 80-). */
  mysqlUrl(keyspace: string): string;
  /** Stops vtgate, the tablets and MariaDB, and starts them again on the same ports with the same data. */
  restart(): Promise<void>;
}

function parseEnv(text: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) env.set(match[1], match[2]);
  }
  return env;
}

async function script(name: string, env: NodeJS.ProcessEnv = {}): Promise<Map<string, string>> {
  const path = join(repoRoot(), 'tools/vitess-testenv', name);
  try {
    const { stdout } = await run('bash', [path], {
      env: { ...process.env, ...env },
      timeout: 300_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return parseEnv(stdout);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`tools/vitess-testenv/${name} failed: ${stderr.trim().split('\n').slice(-8).join('\n')}`, {
      cause: error,
    });
  }
}

/**
 * Starts the shared Vitess cluster if it is not running (tools/vitess-testenv/start.sh is
 * idempotent) and returns its addresses. Tests share it: use table names of your own. It keeps
 * running after the tests (stop it with tools/vitess-testenv/stop.sh).
 */
export async function startVitess(): Promise<VitessCluster> {
  let env = await script('start.sh');
  const webPort = (): string => env.get('VITESS_WEB_PORT') ?? '';
  const cluster = {
    get grpcAddress() {
      return env.get('VITESS_GRPC_ADDR') ?? '';
    },
    get mysqlAddress() {
      return env.get('VITESS_MYSQL_ADDR') ?? '';
    },
    mysqlUrl(keyspace: string) {
      return `mysql://root@${env.get('VITESS_MYSQL_ADDR')}/${encodeURIComponent(keyspace)}`;
    },
    async restart() {
      const port = webPort();
      await script('stop.sh');
      env = await script('start.sh', { VITESS_KEEP_DATA: '1', VITESS_BASE_PORT: port });
    },
  };
  if (!cluster.grpcAddress || !cluster.mysqlAddress)
    throw new Error('tools/vitess-testenv/start.sh printed no addresses');
  return cluster;
}
