// What every pipeline fixture shares, whatever its source and destination: a directory with the
// config file and the services' logs, the services, and the order of tear-down.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderConfig, type DestinationEntry, type NatsSettings, type SourceEntry } from './config';
import { Services, type ServiceKind, type ServiceProcess, type StartOptions } from './services';

export interface Pipeline {
  readonly configFile: string;
  /** The config file's and the services' logs' directory. */
  readonly dir: string;
  start(kind: ServiceKind, options?: StartOptions): ServiceProcess;
  /** SIGKILL (a crash) or SIGTERM (clean stop), then wait for the exit. */
  stop(service: ServiceProcess, signal: NodeJS.Signals): Promise<number | null>;
  /** Rewrites the config file with other YAML under the source entry: for the next start. */
  setSourceExtra(sourceExtra: string): void;
  /** Kills every service still running, then closes what the sides opened (connections, servers). */
  destroy(): Promise<void>;
}

export interface PipelineParts {
  readonly name: string;
  readonly nats: NatsSettings;
  readonly source: SourceEntry;
  /** YAML lines under the source entry (indented by the caller). */
  readonly sourceExtra?: string;
  /** The first is the applier's default. */
  readonly destinations: readonly [DestinationEntry, ...DestinationEntry[]];
  /** What the sides opened, closed in this order after the services are gone. */
  readonly close: readonly (() => Promise<unknown>)[];
}

export function createPipeline(parts: PipelineParts): Pipeline {
  const dir = mkdtempSync(join(tmpdir(), `cdc-${parts.name}-`));
  const configFile = join(dir, 'cdc.yaml');
  const writeConfig = (sourceExtra: string | undefined) =>
    writeFileSync(configFile, renderConfig(parts.nats, parts.source, sourceExtra, parts.destinations));
  writeConfig(parts.sourceExtra);
  const services = new Services(dir, configFile, parts.source.name, parts.destinations[0].name);
  return {
    configFile,
    dir,
    start: (kind, options) => services.start(kind, options),
    stop: (service, signal) => services.stop(service, signal),
    setSourceExtra: (sourceExtra) => writeConfig(sourceExtra),
    async destroy() {
      await services.killAll();
      for (const close of parts.close) await close();
    },
  };
}
