import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PipelineConfig } from '@cdc/config';
import { describeError, type Logger } from '@cdc/service-runtime';
import { ConsoleCollector, type ConsoleSnapshot } from './snapshot';
import { consolePage } from './page';
import { UsageError } from '../command-line';

export const DEFAULT_CONSOLE_LISTEN = '127.0.0.1:9480';

export interface ConsoleServer {
  /** host:port actually bound (port 0 picks a free one). */
  readonly address: string;
  readonly url: string;
  readonly loopback: boolean;
  close(): Promise<void>;
}

export interface ConsoleOptions {
  readonly config: PipelineConfig;
  readonly listen?: string;
  readonly log: Logger;
  /** How often the pipeline's state is read (default 2 s). */
  readonly intervalMs?: number;
}

/**
 * `cdc console`: a read-only web page of the pipeline, served on loopback unless told otherwise
 * (there is no login). One sampler reads the pipeline's state every `intervalMs`, whether or not
 * a page is open, so the throughput chart has its history when one opens; every page gets the
 * latest sample from /api/snapshot.
 */
export async function startConsole(options: ConsoleOptions): Promise<ConsoleServer> {
  const { host, port } = parseListen(options.listen ?? DEFAULT_CONSOLE_LISTEN);
  const loopback = isLoopback(host);
  const collector = new ConsoleCollector(options.config);
  let latest: ConsoleSnapshot | undefined;
  let page = '';
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const intervalMs = options.intervalMs ?? 2_000;
  const sampleLoop = async () => {
    try {
      latest = await collector.sample();
    } catch (error) {
      options.log.warn({ err: describeError(error) }, 'console: cannot read the pipeline state');
    }
    if (!stopped) timer = setTimeout(() => void sampleLoop(), intervalMs);
  };

  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end('read-only\n');
      return;
    }
    const headers = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
    if (path === '/') {
      response.writeHead(200, {
        ...headers,
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy':
          "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
      });
      response.end(page);
    } else if (path === '/api/snapshot') {
      if (!latest) {
        response.writeHead(503, { ...headers, 'content-type': 'application/json', 'retry-after': '2' });
        response.end(JSON.stringify({ error: 'no sample yet' }));
        return;
      }
      response.writeHead(200, { ...headers, 'content-type': 'application/json' });
      response.end(JSON.stringify(latest));
    } else {
      response.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new UsageError(`cdc console: cannot listen on ${host}:${port}: ${describeError(error)}`)),
    );
    server.listen(port, host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  const address = `${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
  page = consolePage(address, loopback);
  await sampleLoop();
  return {
    address,
    url: `http://${address}/`,
    loopback,
    close: async () => {
      stopped = true;
      clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `host:port`, `[v6]:port` or `:port` (loopback). */
export function parseListen(listen: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(listen);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535)
    throw new UsageError(`cdc console: --listen takes host:port (e.g. 127.0.0.1:9480), got "${listen}"`);
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
