// What a throw-away database server (Postgres, MariaDB) is beyond a managed process: a data
// directory inside its instance directory, the loopback address, and the OS user it runs as
// when the harness runs as root (neither server runs as root).
import { join } from 'node:path';
import type { InstanceKind } from './instance';
import { ManagedServer } from './managed-server';
import { LOOPBACK } from './net';
import type { RunAs } from './paths';
import type { CommandResult } from './proc';

const STOP_TIMEOUT_MS = 60_000;

export abstract class DatabaseInstance extends ManagedServer {
  readonly host = LOOPBACK;
  /** Where initdb / mariadb-install-db put the server's files. */
  readonly dataDir: string;

  protected constructor(
    dir: string,
    readonly port: number,
    persistent: boolean,
    protected readonly runAs: RunAs | undefined,
    server: { readonly label: string; readonly kind: InstanceKind; readonly startupTimeoutMs: number },
  ) {
    super(dir, join(dir, `${server.kind}.log`), persistent, {
      ...server,
      ready: 'accept connections',
      readyIntervalMs: 100,
      stopTimeoutMs: STOP_TIMEOUT_MS,
    });
    this.dataDir = dataDirOf(dir);
  }

  protected get address(): string {
    return `${this.host}:${this.port}`;
  }
}

export function dataDirOf(dir: string): string {
  return join(dir, 'data');
}

/** The error for a failed data directory initialisation, with the end of what the tool said. */
export function initError(tool: string, dataDir: string, result: CommandResult): Error {
  return new Error(
    `${tool} ${dataDir} failed (exit ${result.code}):\n${result.output.split('\n').slice(-30).join('\n')}`,
  );
}
