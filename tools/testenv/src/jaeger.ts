// A throw-away Jaeger v2 (all-in-one: OTLP in, in-memory storage, query API) on 127.0.0.1.
import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestEnvNotInstalledError } from './errors';
import { ManagedServer, startServerOnFreePort, type ServerCommand } from './managed-server';
import { findFreePort, LOOPBACK } from './net';
import { baseDir, repoRoot } from './paths';

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

type JaegerPorts = Record<'grpc' | 'http' | 'query' | 'queryGrpc' | 'health', number>;

/** Jaeger v2's all-in-one configuration, every port on loopback and chosen by us. */
function configText(ports: JaegerPorts): string {
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

class JaegerInstance extends ManagedServer implements JaegerServer {
  constructor(
    dir: string,
    private readonly ports: JaegerPorts,
    private readonly binary: string,
  ) {
    super(dir, join(dir, 'jaeger.log'), false, {
      label: 'jaeger',
      ready: 'answer',
      startupTimeoutMs: STARTUP_TIMEOUT_MS,
      readyIntervalMs: 100,
      stopTimeoutMs: 10_000,
    });
  }

  get port(): number {
    return this.ports.query;
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

  protected get address(): string {
    return this.queryUrl;
  }

  protected command(): ServerCommand {
    const configFile = join(this.dir, 'jaeger.yaml');
    writeFileSync(configFile, configText(this.ports));
    return { command: this.binary, args: ['--config', configFile] };
  }

  protected async probe(): Promise<string | undefined> {
    try {
      const response = await fetch(`${this.queryUrl}/api/services`);
      return response.ok ? undefined : `HTTP ${response.status}`;
    } catch (err) {
      return (err as Error).message;
    }
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
  return startServerOnFreePort(
    async (query) => {
      const ports = {
        grpc: await findFreePort(),
        http: await findFreePort(),
        query,
        queryGrpc: await findFreePort(),
        health: await findFreePort(),
      };
      return new JaegerInstance(dir, ports, binary);
    },
    /address already in use/i,
    3,
  );
}
