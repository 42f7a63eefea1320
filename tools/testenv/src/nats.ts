// Throw-away nats-server processes with JetStream, on 127.0.0.1.
import { existsSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { pidFileOf, prepareInstanceDir, readMeta, writeStartMeta, type InstanceOptions } from './instance';
import { ManagedServer, startServerOnFreePort, type ServerCommand } from './managed-server';
import { LOOPBACK } from './net';
import { natsServerBinary } from './paths';
import type { NatsOptions, NatsServer } from './types';

const STARTUP_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 20_000;

export class NatsInstance extends ManagedServer implements NatsServer {
  readonly storeDir: string;
  readonly configFile: string;

  constructor(
    dir: string,
    readonly port: number,
    persistent: boolean,
  ) {
    super(dir, join(dir, 'nats.log'), persistent, {
      label: 'nats-server',
      kind: 'nats',
      ready: 'answer with JetStream enabled',
      startupTimeoutMs: STARTUP_TIMEOUT_MS,
      readyIntervalMs: 50,
      stopTimeoutMs: STOP_TIMEOUT_MS,
    });
    this.storeDir = join(dir, 'jetstream');
    this.configFile = join(dir, 'nats.conf');
  }

  get url(): string {
    return `nats://${LOOPBACK}:${this.port}`;
  }

  protected get address(): string {
    return this.url;
  }

  protected command(): ServerCommand {
    const args = [
      '-a',
      LOOPBACK,
      '-p',
      String(this.port),
      '-js',
      '-sd',
      this.storeDir,
      '-P',
      pidFileOf(this.dir, 'nats'),
    ];
    if (existsSync(this.configFile)) args.push('-c', this.configFile);
    return { command: natsServerBinary(), args };
  }

  protected async probe(): Promise<string | undefined> {
    const info = await readInfo(this.port);
    if (info === undefined) return 'no INFO line';
    return info.jetstream === true ? undefined : 'JetStream is off';
  }
}

/** Connects and reads the server's INFO line (the first thing a NATS server sends). */
function readInfo(port: number): Promise<Record<string, unknown> | undefined> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: LOOPBACK });
    let buf = '';
    const done = (info: Record<string, unknown> | undefined): void => {
      sock.destroy();
      resolve(info);
    };
    sock.setTimeout(2000, () => done(undefined));
    sock.once('error', () => done(undefined));
    sock.once('close', () => done(undefined));
    sock.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      const end = buf.indexOf('\r\n');
      if (end < 0) return;
      const line = buf.slice(0, end);
      if (!line.startsWith('INFO ')) return done(undefined);
      try {
        const info: unknown = JSON.parse(line.slice(5));
        done(typeof info === 'object' && info !== null ? (info as Record<string, unknown>) : undefined);
      } catch {
        done(undefined);
      }
    });
  });
}

export async function createNats(options: NatsOptions = {}, internal: InstanceOptions = {}): Promise<NatsInstance> {
  natsServerBinary(); // fail early with TestEnvNotInstalledError
  const dir = prepareInstanceDir('nats', options.name, internal);
  if (options.configText !== undefined) writeFileSync(join(dir, 'nats.conf'), options.configText + '\n');
  return startServerOnFreePort((port) => {
    writeStartMeta(dir, { kind: 'nats', name: options.name ?? '', port }, internal);
    return new NatsInstance(dir, port, internal.persistent === true);
  }, /address already in use/i);
}

export function attachNats(dir: string, internal: InstanceOptions = {}): NatsInstance | undefined {
  const meta = readMeta(dir);
  if (!meta || meta.kind !== 'nats') return undefined;
  return new NatsInstance(dir, meta.port, internal.persistent === true);
}
