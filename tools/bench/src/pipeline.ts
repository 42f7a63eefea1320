// Our pipeline as three separate service processes (`node cdc.cjs reader|applier|coordinator`).
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type ServiceKind = 'reader' | 'applier' | 'coordinator';
export const SERVICE_KINDS: readonly ServiceKind[] = ['coordinator', 'applier', 'reader'];

/** Every child we spawn, SIGKILLed if the benchmark exits early (servers are handled by @cdc/testenv). */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    console.error(`\nbench: ${signal}, stopping`);
    process.exit(130);
  });
}

export interface Child {
  readonly process: ChildProcess;
  readonly logFile: string;
  readonly exited: Promise<number | null>;
}

export function spawnLogged(command: string, args: readonly string[], logFile: string, env = process.env): Child {
  const fd = openSync(logFile, 'a');
  const child = spawn(command, args, { stdio: ['ignore', fd, fd], env });
  children.add(child);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve(code ?? (signal ? -1 : null));
    });
    child.once('error', () => {
      children.delete(child);
      resolve(-1);
    });
  });
  return { process: child, logFile, exited };
}

/** Node options for every service process: CDC_BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles them. */
export function serviceNodeArgs(): string[] {
  return (process.env.CDC_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
}

export function tail(file: string, lines = 25): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export interface PipelineConfigOptions {
  /** One server's URL, or a cluster's (written as a YAML list). */
  readonly natsUrl: string | readonly string[];
  /** nats.replicas (default: the product's, 1). */
  readonly natsReplicas?: number;
  /** The source's slot (default: the product's, cdc_bench); a second pipeline on the same source needs its own. */
  readonly slot?: string;
  readonly sourceUrl: string;
  readonly destinationUrl: string;
  /** More destinations of the same source (fan-out); the first is `destinationUrl` named replica. */
  readonly moreDestinations?: ReadonlyArray<{ name: string; url: string }>;
  readonly publication: string;
  readonly tables: readonly string[];
}

/** The config the benchmark runs with: product defaults except the pre-created publication and tables. */
export function writePipelineConfig(file: string, options: PipelineConfigOptions): void {
  writeFileSync(
    file,
    `# written by tools/bench: product defaults (partitions 16, publish.max_ops 2000, batch.max_ops 5000, concurrency 4)
nats:
  url: ${typeof options.natsUrl === 'string' ? options.natsUrl : JSON.stringify(options.natsUrl)}
${options.natsReplicas !== undefined ? `  replicas: ${options.natsReplicas}\n` : ''}sources:
  - name: bench
    type: postgres
    url: ${options.sourceUrl}
    publication: ${options.publication}
${options.slot !== undefined ? `    slot: ${options.slot}\n` : ''}    tables: ${JSON.stringify(options.tables)}
destinations:
  - name: replica
    type: postgres
    url: ${options.destinationUrl}
    sources: [bench]
${(options.moreDestinations ?? []).map((d) => `  - name: ${d.name}\n    type: postgres\n    url: ${d.url}\n    sources: [bench]\n`).join('')}`,
  );
}

export const SOURCE_NAME = 'bench';
/** The slot the reader creates for source "bench" (config default cdc_<name>). */
export const PIPELINE_SLOT = 'cdc_bench';

export class Pipeline {
  /** By service: the kind, or `applier <destination>` when there are several destinations. */
  private readonly services = new Map<string, Child>();
  private runs = 0;

  constructor(
    private readonly bundle: string,
    private readonly configFile: string,
    private readonly dir: string,
    private readonly label: string,
    /** One applier per destination (each destination is a separate durable consumer group). */
    private readonly destinations: readonly string[] = ['replica'],
    /** The source the reader reads (default `bench`) and more environment for every service. */
    private readonly options: { readonly source?: string; readonly env?: NodeJS.ProcessEnv } = {},
  ) {}

  start(): void {
    this.runs += 1;
    for (const kind of SERVICE_KINDS) {
      const nodeArgs = serviceNodeArgs();
      for (const destination of kind === 'applier' ? this.destinations : [undefined]) {
        const args = [...nodeArgs, this.bundle, kind, '--config', this.configFile];
        if (kind === 'reader') args.push('--source', this.options.source ?? SOURCE_NAME);
        if (destination !== undefined) args.push('--destination', destination);
        const name = destination !== undefined && this.destinations.length > 1 ? `${kind} ${destination}` : kind;
        const logFile = join(this.dir, `${this.label}-${name.replace(' ', '-')}-${this.runs}.log`);
        this.services.set(name, spawnLogged(process.execPath, args, logFile, { ...process.env, ...this.options.env }));
      }
    }
  }

  pids(): Map<string, number> {
    const pids = new Map<string, number>();
    for (const [kind, child] of this.services) if (child.process.pid) pids.set(kind, child.process.pid);
    return pids;
  }

  /** Throws with the log tail if a service exited. */
  check(): void {
    for (const [kind, child] of this.services) {
      const code = child.process.exitCode ?? (child.process.signalCode ? -1 : null);
      if (code !== null) throw new Error(`ours: ${kind} exited with code ${code}:\n${tail(child.logFile)}`);
    }
  }

  /** SIGTERM (clean shutdown) and wait; SIGKILL after 30 s. */
  async stop(): Promise<void> {
    const all = [...this.services.values()];
    this.services.clear();
    for (const child of all) if (child.process.exitCode === null) child.process.kill('SIGTERM');
    const timer = setTimeout(() => {
      for (const child of all) if (child.process.exitCode === null) child.process.kill('SIGKILL');
    }, 30_000);
    await Promise.all(all.map((child) => child.exited));
    clearTimeout(timer);
  }
}
