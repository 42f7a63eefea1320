// What the one-run benchmark scripts (appliers.ts, pg-to-mariadb.ts, vitess-to-pg.ts) share: their
// command line, our services as processes, the wait for the reader's stream to settle, the
// nats-server version for the report, and how they stop and exit.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { JetStreamManager } from '@nats-io/jetstream';
import { contenderOrder, type ContenderOrder } from './contender-order';
import { serviceNodeArgs, spawnLogged, tail, type Child, type ServiceKind } from './pipeline';

export const REPO = resolve(__dirname, '../../..');
export const BUNDLE = process.env.CDC_BENCH_BUNDLE ?? join(REPO, 'dist/cdc.cjs');

/** `--rows N` (default 200,000), `--order ours-first|baseline-first|alternate`, `--no-docs`. */
export function scriptOptions(
  argv: readonly string[],
  name: string,
): { readonly rows: number; readonly writeDocs: boolean; readonly order: ContenderOrder } {
  return {
    rows: Number(argv[argv.indexOf('--rows') + 1] || 0) || 200_000,
    writeDocs: !argv.includes('--no-docs'),
    order: contenderOrder(argv, REPO, name),
  };
}

/**
 * Writes the script's config, `dir/cdc.yaml`: the NATS server, its sources and destinations (YAML
 * list entries, each line ended), and a coordinator that checks every 200 ms. Returns the path.
 */
export function writeScriptConfig(
  dir: string,
  natsUrl: string,
  entries: { readonly sources: string; readonly destinations: string },
): string {
  const file = join(dir, 'cdc.yaml');
  writeFileSync(
    file,
    `nats:\n  url: ${natsUrl}\nsources:\n${entries.sources}destinations:\n${entries.destinations}coordinator:\n  interval_ms: 200\n`,
  );
  return file;
}

/** The source `bench` of writeScriptConfig: Postgres at `url`, streaming `tables` (a YAML list) with no snapshot. */
export function streamedPostgresSource(url: string, tables: string): string {
  return `  - name: bench\n    type: postgres\n    url: ${url}\n    tables: ${tables}\n    snapshot:\n      enabled: false\n`;
}

/**
 * Starts our services (`node cdc.cjs <kind> --config <config>`) one at a time: the reader of
 * `source`, an applier of `destination` unless the call names another. Each is logged in `dir`,
 * kept in `children` and named by pid in `named` (for the CPU report).
 */
export function serviceStarter(options: {
  readonly config: string;
  readonly dir: string;
  readonly source: string;
  readonly destination?: string;
  readonly children: Child[];
  readonly named: Map<number, string>;
}): (kind: ServiceKind, run?: { destination?: string; label?: string; logName?: string }) => Child {
  const { config, dir, source, children, named } = options;
  return (kind, run = {}) => {
    const args = [...serviceNodeArgs(), BUNDLE, kind, '--config', config];
    const destination = run.destination ?? options.destination;
    if (kind === 'reader') args.push('--source', source);
    if (kind === 'applier' && destination !== undefined) args.push('--destination', destination);
    const child = spawnLogged(process.execPath, args, join(dir, `${run.logName ?? `${kind}-${children.length}`}.log`));
    children.push(child);
    if (child.process.pid) named.set(child.process.pid, run.label ?? kind);
    return child;
  };
}

/**
 * Until the reader's stream stops growing (the same message count a second apart): its message
 * count, and when it last grew. Throws with the reader's log if the reader exits meanwhile.
 */
export async function waitForPublished(
  jsm: JetStreamManager,
  stream: string,
  reader: Child,
): Promise<{ messages: number; publishedAt: number }> {
  let last = -1;
  let publishedAt = Date.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, 1_000));
    if (reader.process.exitCode !== null) throw new Error(`reader exited:\n${tail(reader.logFile)}`);
    const info = await jsm.streams.info(stream);
    if (info.state.messages === last && last > 0) return { messages: last, publishedAt };
    last = info.state.messages;
    publishedAt = Date.now();
  }
}

/** The nats-server the services run on, as the report names it ("nats-server v2.12.15"). */
export function natsServerVersion(): string {
  const binary = process.env.CDC_NATS_SERVER ?? join(REPO, '.cache', 'bin', 'nats-server');
  const version = spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout?.trim() || 'nats-server';
  return version.replace(/^nats-server: /, 'nats-server ');
}

/** SIGTERM to every service still running, and wait for all to exit. */
export async function stopServices(children: readonly Child[]): Promise<void> {
  for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGTERM');
  await Promise.all(children.map((c) => c.exited));
}

/** Runs a script's main: exit 0 when it is done, 1 with the error when it fails. */
export function runScript(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
