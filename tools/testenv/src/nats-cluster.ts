// A JetStream cluster of nats-server processes on 127.0.0.1: each server has its own instance
// directory (config, store, log), client, route and monitoring ports, and routes to every other
// server. Each server is a NatsInstance, so kill/stop/start behave as for a single server.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServerStartError } from './errors';
import { newInstanceDir, removeDir, writeMeta } from './instance';
import { findFreePort, LOOPBACK, waitUntil } from './net';
import { NatsInstance } from './nats';
import { natsServerBinary } from './paths';
import type { NatsCluster, NatsClusterOptions, NatsClusterServer } from './types';

const CLUSTER_NAME = 'cdc';
const READY_TIMEOUT_MS = 60_000;

interface Ports {
  client: number;
  route: number;
  monitor: number;
}

/** What `/jsz` says about the meta group (the servers' JetStream cluster). */
interface MetaClusterInfo {
  leader?: string;
  cluster_size?: number;
  replicas?: Array<{ name: string; current: boolean; offline?: boolean }>;
}

class ClusterServer extends NatsInstance implements NatsClusterServer {
  constructor(
    dir: string,
    readonly name: string,
    private readonly ports: Ports,
  ) {
    super(dir, ports.client, false);
  }

  get monitorUrl(): string {
    return `http://${LOOPBACK}:${this.ports.monitor}`;
  }

  get routePort(): number {
    return this.ports.route;
  }

  async wipeStore(): Promise<void> {
    if (this.isRunning()) throw new Error(`nats-server ${this.name}: stop or kill it before wiping its store`);
    removeDir(this.storeDir);
  }

  /** GET a monitoring endpoint; undefined when the server does not answer (down, starting). */
  async monitor<T>(path: string): Promise<T | undefined> {
    try {
      const response = await fetch(`${this.monitorUrl}${path}`, { signal: AbortSignal.timeout(2_000) });
      if (!response.ok) return undefined;
      return (await response.json()) as T;
    } catch {
      return undefined;
    }
  }
}

function configText(name: string, ports: Ports, all: readonly Ports[]): string {
  const routes = all
    .filter((p) => p !== ports)
    .map((p) => `    nats-route://${LOOPBACK}:${p.route}`)
    .join('\n');
  // Client port, address and store directory come from the command line (NatsInstance.start).
  return [
    `server_name: ${name}`,
    `http: "${LOOPBACK}:${ports.monitor}"`,
    'cluster {',
    `  name: ${CLUSTER_NAME}`,
    `  listen: "${LOOPBACK}:${ports.route}"`,
    '  routes: [',
    routes,
    '  ]',
    '}',
    '',
  ].join('\n');
}

class Cluster implements NatsCluster {
  constructor(readonly servers: readonly ClusterServer[]) {}

  get urls(): string[] {
    return this.servers.map((s) => s.url);
  }

  server(name: string): ClusterServer {
    const found = this.servers.find((s) => s.name === name);
    if (!found)
      throw new Error(`no server named ${name} in the cluster (${this.servers.map((s) => s.name).join(', ')})`);
    return found;
  }

  async metaLeader(): Promise<ClusterServer | undefined> {
    for (const server of this.running()) {
      const jsz = await server.monitor<{ meta_cluster?: MetaClusterInfo }>('/jsz');
      const leader = jsz?.meta_cluster?.leader;
      if (leader) return this.server(leader);
    }
    return undefined;
  }

  async streamLeader(stream: string, account = '$G'): Promise<ClusterServer | undefined> {
    for (const server of this.running()) {
      const jsz = await server.monitor<JszAccounts>(`/jsz?acc=${encodeURIComponent(account)}&streams=true`);
      for (const detail of jsz?.account_details ?? []) {
        const found = detail.stream_detail?.find((s) => s.name === stream);
        const leader = found?.cluster?.leader;
        if (leader) return this.server(leader);
      }
    }
    return undefined;
  }

  async waitForMetaLeader(timeoutMs = READY_TIMEOUT_MS): Promise<ClusterServer> {
    let leader: ClusterServer | undefined;
    await waitUntil(async () => (leader = await this.metaLeader()) !== undefined, {
      timeoutMs,
      intervalMs: 100,
      timeoutMessage: `no JetStream meta leader in the NATS cluster after ${timeoutMs} ms`,
    });
    return leader!;
  }

  async waitForStreamLeader(
    stream: string,
    options: { not?: string; timeoutMs?: number } = {},
  ): Promise<ClusterServer> {
    const timeoutMs = options.timeoutMs ?? READY_TIMEOUT_MS;
    let leader: ClusterServer | undefined;
    await waitUntil(
      async () => {
        leader = await this.streamLeader(stream);
        return leader !== undefined && leader.name !== options.not && leader.isRunning();
      },
      {
        timeoutMs,
        intervalMs: 100,
        timeoutMessage: `stream ${stream} has no leader${options.not ? ` other than ${options.not}` : ''} after ${timeoutMs} ms`,
      },
    );
    return leader!;
  }

  async killStreamLeader(
    stream: string,
    options: { timeoutMs?: number } = {},
  ): Promise<{ killed: ClusterServer; successor: ClusterServer }> {
    const killed = await this.waitForStreamLeader(stream, options);
    await killed.kill();
    const successor = await this.waitForStreamLeader(stream, { ...options, not: killed.name });
    return { killed, successor };
  }

  async waitForCurrent(timeoutMs = READY_TIMEOUT_MS): Promise<void> {
    await waitUntil(
      async () => {
        for (const server of this.servers) {
          if (!server.isRunning()) return false;
          const jsz = await server.monitor<{ meta_cluster?: MetaClusterInfo }>('/jsz');
          const meta = jsz?.meta_cluster;
          if (!meta?.leader || meta.cluster_size !== this.servers.length) return false;
          // The leader lists the others as replicas: each one must be current (caught up) and online.
          if (meta.leader === server.name) {
            const replicas = meta.replicas ?? [];
            if (replicas.length !== this.servers.length - 1) return false;
            if (replicas.some((r) => !r.current || r.offline)) return false;
          }
        }
        return true;
      },
      {
        timeoutMs,
        intervalMs: 200,
        timeoutMessage: `the NATS cluster's ${this.servers.length} servers did not all join its JetStream meta group within ${timeoutMs} ms`,
      },
    );
  }

  async destroy(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.destroy()));
  }

  private running(): ClusterServer[] {
    return this.servers.filter((s) => s.isRunning());
  }
}

interface JszAccounts {
  account_details?: Array<{
    stream_detail?: Array<{ name: string; cluster?: { leader?: string } }>;
  }>;
}

export async function createNatsCluster(options: NatsClusterOptions = {}): Promise<NatsCluster> {
  natsServerBinary(); // fail early with TestEnvNotInstalledError
  const size = options.size ?? 3;
  if (!Number.isInteger(size) || size < 1) throw new Error(`a NATS cluster needs at least 1 server, got ${size}`);
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const cluster = await prepare(size, options);
    try {
      await Promise.all(cluster.servers.map((s) => s.start()));
      await cluster.waitForCurrent();
      return cluster;
    } catch (error) {
      lastError = error;
      await cluster.destroy().catch(() => undefined);
      // Ports are chosen before the servers bind them: another process may take one meanwhile.
      if (!(error instanceof ServerStartError && /address already in use/i.test(error.logTail))) throw error;
    }
  }
  throw lastError;
}

async function prepare(size: number, options: NatsClusterOptions): Promise<Cluster> {
  const ports: Ports[] = [];
  const taken = new Set<number>();
  const freePort = async (): Promise<number> => {
    for (;;) {
      const port = await findFreePort();
      if (!taken.has(port)) {
        taken.add(port);
        return port;
      }
    }
  };
  for (let i = 0; i < size; i++)
    ports.push({ client: await freePort(), route: await freePort(), monitor: await freePort() });
  const base = options.name ?? 'cluster';
  const servers = ports.map((p, i) => {
    const name = `${base}-n${i + 1}`;
    const dir = newInstanceDir('nats', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'nats.conf'), configText(name, p, ports) + (options.configText ?? '') + '\n');
    writeMeta(dir, { kind: 'nats', name, port: p.client, ownerPid: process.pid, createdAt: new Date().toISOString() });
    return new ClusterServer(dir, name, p);
  });
  return new Cluster(servers);
}
