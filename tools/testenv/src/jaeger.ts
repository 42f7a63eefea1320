// A throw-away Jaeger v2 (all-in-one: OTLP in, in-memory storage, query API) on 127.0.0.1.
import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServerStartError, TestEnvNotInstalledError } from './errors';
import { findFreePort, LOOPBACK, waitForPortClosed, waitUntil } from './net';
import { baseDir, repoRoot } from './paths';
import { disownProcess, isAlive, killTree, ownProcess, spawnServer, tailFile, type SpawnedServer } from './proc';

const STARTUP_TIMEOUT_MS = 60_000;

/** A span as Jaeger's query API (`/api/traces`) returns it. */
export interface JaegerSpan {
  readonly traceID: string;
  readonly spanID: string;
  readonly operationName: string;
  readonly processID: string;
  readonly references: ReadonlyArray<{ refType: 'CHILD_OF' | 'FOLLOWS_FROM'; traceID: string; spanID: string }>;
  readonly tags: ReadonlyArray<{ key: string; type: string; value: unknown }>;
  readonly startTime: number;
  readonly duration: number;
}

export interface JaegerTrace {
  readonly traceID: string;
  readonly spans: readonly JaegerSpan[];
  readonly processes: Readonly<Record<string, { serviceName: string }>>;
}

export interface JaegerServer {
  /** OTLP over HTTP, for OTEL_EXPORTER_OTLP_ENDPOINT (the exporter appends /v1/traces). */
  readonly otlpHttpUrl: string;
  /** OTLP over gRPC (host:port). */
  readonly otlpGrpcAddress: string;
  /** The query API and UI, e.g. http://127.0.0.1:PORT/api/traces?service=cdc-reader */
  readonly queryUrl: string;
  readonly logFile: string;
  /** Traces of a service (newest first), through the query API. */
  findTraces(service: string, options?: { limit?: number; lookbackMs?: number }): Promise<JaegerTrace[]>;
  getTrace(traceId: string): Promise<JaegerTrace | undefined>;
  services(): Promise<string[]>;
  stop(): Promise<void>;
  /** stop() and remove its directory. */
  destroy(): Promise<void>;
}

export function jaegerBinary(): string {
  const candidates = [process.env.CDC_JAEGER, join(repoRoot(), '.cache', 'bin', 'jaeger')].filter(
    (path): path is string => Boolean(path),
  );
  for (const path of candidates) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // next
    }
  }
  throw new TestEnvNotInstalledError(
    `jaeger not found (looked in: ${candidates.join(', ')}; tools/testenv/install-jaeger.sh builds it)`,
  );
}

/** Jaeger v2's all-in-one configuration, every port on loopback and chosen by us. */
function configText(ports: Record<'grpc' | 'http' | 'query' | 'queryGrpc' | 'health', number>): string {
  return `service:
  extensions: [jaeger_storage, jaeger_query, healthcheckv2]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    metrics:
      level: none
    logs:
      level: info
extensions:
  healthcheckv2:
    use_v2: true
    http:
      endpoint: ${LOOPBACK}:${ports.health}
  jaeger_storage:
    backends:
      memstore:
        memory:
          max_traces: 100000
  jaeger_query:
    storage:
      traces: memstore
    http:
      endpoint: ${LOOPBACK}:${ports.query}
    grpc:
      endpoint: ${LOOPBACK}:${ports.queryGrpc}
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: ${LOOPBACK}:${ports.grpc}
      http:
        endpoint: ${LOOPBACK}:${ports.http}
processors:
  batch:
    timeout: 200ms
exporters:
  jaeger_storage_exporter:
    trace_storage: memstore
`;
}

class JaegerInstance implements JaegerServer {
  readonly logFile: string;

  constructor(
    private readonly dir: string,
    private readonly ports: Record<'grpc' | 'http' | 'query' | 'queryGrpc' | 'health', number>,
    private readonly spawned: SpawnedServer,
  ) {
    this.logFile = join(dir, 'jaeger.log');
  }

  get otlpHttpUrl(): string {
    return `http://${LOOPBACK}:${this.ports.http}`;
  }
  get otlpGrpcAddress(): string {
    return `${LOOPBACK}:${this.ports.grpc}`;
  }
  get queryUrl(): string {
    return `http://${LOOPBACK}:${this.ports.query}`;
  }

  async services(): Promise<string[]> {
    const body = (await this.query('/api/services')) as { data: string[] | null };
    return body.data ?? [];
  }

  async findTraces(service: string, options: { limit?: number; lookbackMs?: number } = {}): Promise<JaegerTrace[]> {
    const params = new URLSearchParams({
      service,
      limit: String(options.limit ?? 100),
      start: String((Date.now() - (options.lookbackMs ?? 3_600_000)) * 1000),
      end: String((Date.now() + 60_000) * 1000),
    });
    const body = (await this.query(`/api/traces?${params}`)) as { data: JaegerTrace[] | null };
    return body.data ?? [];
  }

  async getTrace(traceId: string): Promise<JaegerTrace | undefined> {
    const response = await fetch(`${this.queryUrl}/api/traces/${traceId}`);
    if (response.status === 404) return undefined;
    const body = (await response.json()) as { data: JaegerTrace[] | null };
    return body.data?.[0];
  }

  async stop(): Promise<void> {
    const pid = this.spawned.pid;
    if (pid <= 0 || !isAlive(pid)) return;
    process.kill(pid, 'SIGTERM');
    await waitUntil(() => !isAlive(pid), { timeoutMs: 10_000, timeoutMessage: '' }).catch(() => killTree(pid));
    disownProcess(pid);
    await waitForPortClosed(this.ports.query);
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => killTree(this.spawned.pid));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async query(path: string): Promise<unknown> {
    const response = await fetch(`${this.queryUrl}${path}`);
    if (!response.ok) throw new Error(`jaeger ${path}: HTTP ${response.status}: ${await response.text()}`);
    return response.json();
  }
}

/**
 * Starts Jaeger v2 (built by tools/testenv/install-jaeger.sh) with OTLP gRPC/HTTP receivers,
 * in-memory storage and the query API, each on a free port of 127.0.0.1. Killed when this node
 * process exits; call destroy() to remove its files.
 */
export async function createJaeger(options: { name?: string } = {}): Promise<JaegerServer> {
  const binary = jaegerBinary();
  const dir = join(baseDir(), `jaeger-${options.name ?? 'test'}-${process.pid}-${randomBytes(3).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const ports = {
      grpc: await findFreePort(),
      http: await findFreePort(),
      query: await findFreePort(),
      queryGrpc: await findFreePort(),
      health: await findFreePort(),
    };
    const configFile = join(dir, 'jaeger.yaml');
    writeFileSync(configFile, configText(ports));
    const logFile = join(dir, 'jaeger.log');
    const spawned = spawnServer({
      command: binary,
      args: ['--config', configFile],
      cwd: dir,
      logFile,
      detached: false,
    });
    if (spawned.pid > 0) ownProcess(spawned.pid);
    const instance = new JaegerInstance(dir, ports, spawned);
    try {
      await waitUntil(
        async () => {
          try {
            return (await fetch(`${instance.queryUrl}/api/services`)).ok;
          } catch {
            return false;
          }
        },
        {
          timeoutMs: STARTUP_TIMEOUT_MS,
          intervalMs: 100,
          timeoutMessage: `jaeger did not answer on ${instance.queryUrl} within ${STARTUP_TIMEOUT_MS} ms`,
          check: () => {
            const why = spawned.exitStatus();
            if (why !== undefined) throw new Error(`jaeger ${why} during startup`);
          },
        },
      );
      return instance;
    } catch (error) {
      if (spawned.pid > 0) {
        killTree(spawned.pid);
        disownProcess(spawned.pid);
      }
      const tail = tailFile(logFile, 40);
      lastError = new ServerStartError(error instanceof Error ? error.message : String(error), logFile, tail);
      if (!/address already in use/i.test(tail)) break;
    }
  }
  throw lastError;
}
