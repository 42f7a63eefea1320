import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { health as processHealth, type ServiceHealth } from './health';
import { collectProcessMetrics, registry as processRegistry } from './metrics';
import type { Registry } from 'prom-client';

export interface TelemetryServer {
  /** host:port actually bound (port 0 picks a free one). */
  readonly address: string;
  close(): Promise<void>;
}

export class HttpAddressError extends Error {
  constructor(value: string) {
    super(`CDC_HTTP_ADDR must be host:port (e.g. 0.0.0.0:9400), got "${value}"`);
    this.name = 'HttpAddressError';
  }
}

export function parseHttpAddress(value: string): { host: string; port: number } {
  const match = /^\[?([^\]]*)\]?:(\d{1,5})$/.exec(value.trim());
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65_535) throw new HttpAddressError(value);
  return { host: match[1] || '0.0.0.0', port };
}

/**
 * GET /metrics (Prometheus text), /healthz and /readyz (200 or 503 with the reasons as text).
 */
export async function startTelemetryServer(
  address: string,
  options: { registry?: Registry; health?: ServiceHealth } = {},
): Promise<TelemetryServer> {
  const { host, port } = parseHttpAddress(address);
  const registry = options.registry ?? processRegistry;
  const health = options.health ?? processHealth;
  if (registry === processRegistry) collectProcessMetrics();
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const text = (status: number, body: string) =>
      response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${body}\n`);
    switch (path) {
      case '/metrics':
        registry.metrics().then(
          (body) => response.writeHead(200, { 'content-type': registry.contentType }).end(body),
          (error: unknown) => text(500, `cannot collect metrics: ${String(error)}`),
        );
        return;
      case '/healthz': {
        const { healthy, problems } = health.liveness();
        text(healthy ? 200 : 503, healthy ? 'ok' : problems.join('\n'));
        return;
      }
      case '/readyz': {
        const { ready, notReady } = health.readiness();
        text(ready ? 200 : 503, ready ? 'ready' : `not ready: ${notReady.join(', ') || 'starting'}`);
        return;
      }
      default:
        text(404, 'not found (try /metrics, /healthz, /readyz)');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Scrapes must never keep a stopping service alive.
  server.unref();
  const bound = server.address() as AddressInfo;
  return {
    address: `${bound.address}:${bound.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
