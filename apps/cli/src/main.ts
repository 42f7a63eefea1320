import { findSource, loadConfig, ConfigError, type PipelineConfig } from '@cdc/config';
import { connectToNats, requestReload, type ReloadReply } from '@cdc/change-stream';
import type { runPostgresReader } from '@cdc/reader-postgres';
import {
  createLogger,
  describeError,
  flushLogs,
  flushLogsInOrder,
  limitHeapGrowth,
  LOG_FORMATS,
  mallocSettingsAdvice,
  shutdownSignal,
  type Logger,
} from '@cdc/service-runtime';
import { health, initTracing, readerStreamingComponent, shutdownTracing, startTelemetryServer } from '@cdc/telemetry';
import { parseCommandLine, UsageError, type OptionValues } from './command-line';
import { checkConfig, configSchemaText, explainConfig } from './config-command';

// The services are loaded when a command runs one, not at start: a process running one service
// does not evaluate the others' dependencies (mysql2 for a Postgres destination, gRPC and the
// VStream code for a Postgres reader), which saved start-up time and resident memory
// (docs/benchmarks.md, "Peak RSS and glibc's mmap threshold").
const applierModule = () => import('@cdc/applier');
const coordinatorModule = () => import('@cdc/coordinator');

/** Errors whose message already says everything: printed as one line, no stack. */
const EXPECTED_ERRORS = new Set([
  'ConfigError',
  'UsageError',
  'SourcePreflightError',
  'SlotInvalidatedError',
  'NatsUnreachableError',
  'NatsServerUnsuitableError',
  'PartitionCountMismatchError',
  'ApplyError',
  'PartitionStoppedError',
  'HttpAddressError',
]);

async function main(argv: readonly string[]): Promise<number> {
  const invocation = parseCommandLine(argv);
  if (invocation.kind === 'help') {
    (invocation.exitCode === 0 ? console.log : console.error)(invocation.text);
    return invocation.exitCode;
  }
  const { command, values } = invocation;
  const text = (name: string): string | undefined => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const format = text('log-format');
  if (format !== undefined) {
    if (!(LOG_FORMATS as readonly string[]).includes(format))
      throw new UsageError(`cdc ${command}: --log-format is "${format}": use ${LOG_FORMATS.join(' or ')}`);
    // Through the environment, so every logger of the process (the sinks' too) writes this format.
    process.env.CDC_LOG_FORMAT = format;
  }
  const file = text('config') ?? invocation.positional[0] ?? '';
  switch (command) {
    case 'reader': {
      // The signal handler goes in first: a SIGTERM during start-up is a clean stop too.
      const source = text('source') ?? '';
      // The reader binds `source` to its own lines.
      const log = createLogger('reader');
      const signal = shutdownSignal(log);
      const config = loadConfig(file);
      await runService('reader', log, () =>
        runReader({ config, source, signal, log, reloadConfig: () => loadConfig(file), onReloadSignal: onSighup }),
      );
      return 0;
    }
    case 'applier': {
      const destination = text('destination') ?? '';
      const log = createLogger('applier');
      const signal = shutdownSignal(log);
      const config = loadConfig(file);
      ignoreSighup(log, 'the applier reads its config at start: restart it to apply destination changes');
      const { runApplier } = await applierModule();
      await runService('applier', log, () => runApplier({ config, destination, signal, log }));
      return 0;
    }
    case 'coordinator': {
      const log = createLogger('coordinator');
      const signal = shutdownSignal(log);
      const config = loadConfig(file);
      ignoreSighup(log, 'the coordinator has nothing to reload');
      const listen = text('console');
      const served =
        listen === undefined
          ? undefined
          : await (await import('./console/server')).startConsole({ config, listen, log });
      if (served) log.info({ url: served.url, loopback: served.loopback }, 'serving the read-only console');
      const { runCoordinator } = await coordinatorModule();
      try {
        await runService('coordinator', log, () => runCoordinator({ config, signal, log }));
      } finally {
        await served?.close();
      }
      return 0;
    }
    case 'status': {
      const { collectStatus, renderStatus } = await import('./status');
      const statuses = await collectStatus(loadConfig(file));
      console.log(values.json ? JSON.stringify(statuses, null, 2) : renderStatus(statuses));
      return 0;
    }
    case 'reload': {
      const config = loadConfig(file);
      const replies = await reloadServices(config, text('source'));
      for (const reply of replies)
        console.log(`${reply.ok ? 'ok    ' : 'FAILED'} ${reply.service} ${reply.name}: ${reply.detail}`);
      if (replies.length === 0) {
        console.error('error: no running reader answered (are the readers running, and on this NATS server?)');
        return 1;
      }
      return replies.every((reply) => reply.ok) ? 0 : 1;
    }
    case 'resnapshot':
      return (await import('./resnapshot')).resnapshotCommand(
        loadConfig(file),
        text('source') ?? '',
        values.force === true,
        (line) => (line.startsWith('error:') ? console.error : console.log)(line),
      );
    case 'start-at':
      return (await import('./start-at')).startAtCommand(
        loadConfig(file),
        text('source') ?? '',
        text('vgtid') ?? '',
        (line) => (line.startsWith('error:') ? console.error : console.log)(line),
      );
    case 'dlq list':
    case 'dlq replay':
      return deadLetterCommand(command, loadConfig(file), text('destination') ?? '', values);
    case 'config check':
      console.log(checkConfig(file));
      return 0;
    case 'config explain':
      console.log(explainConfig(file, values.json === true));
      return 0;
    case 'config schema':
      console.log(configSchemaText());
      return 0;
    case 'console': {
      const log = createLogger('console');
      const signal = shutdownSignal(log);
      const { startConsole } = await import('./console/server');
      const console_ = await startConsole({ config: loadConfig(file), listen: text('listen'), log });
      console.log(
        `cdc console: ${console_.url} (read-only; ${console_.loopback ? 'loopback only, --listen HOST:PORT to serve it elsewhere' : 'NOT loopback: anyone who can reach this address sees the pipeline, there is no login'})`,
      );
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      await console_.close();
      return 0;
    }
    case 'verify':
      return (await import('./verify')).verifyCommand(file, values);
    case 'up': {
      const log = createLogger('up');
      const signal = shutdownSignal(log);
      const config = loadConfig(file);
      return runService('up', log, () => runAllServices(config, file, signal, log));
    }
    default:
      throw new Error(`cdc ${command}: no handler (a bug: every command of COMMANDS needs one)`);
  }
}

/**
 * What every long-running service gets around it: the process's memory settings (V8's heap
 * growth, a word on glibc's malloc), tracing (when OTEL_* asks for it) and the /metrics,
 * /healthz, /readyz server (when CDC_HTTP_ADDR is set); spans still buffered are exported before
 * it returns.
 */
async function runService<T>(service: string, log: Logger, run: () => Promise<T>): Promise<T> {
  // Said once at start, next to how the service exports what it does: the one thing about the
  // process's environment an operator should change (libs/service-runtime malloc-settings.ts).
  const mallocAdvice = mallocSettingsAdvice();
  if (mallocAdvice) log.info(mallocAdvice);
  // Every service: a small live heap under a high rate of garbage (libs/service-runtime heap.ts).
  limitHeapGrowth();
  if (initTracing({ serviceName: `cdc-${service}` })) log.info('exporting traces over OTLP');
  const address = process.env.CDC_HTTP_ADDR;
  const server = address ? await startTelemetryServer(address) : undefined;
  if (server) log.info({ address: server.address }, 'serving /metrics, /healthz and /readyz');
  try {
    return await run();
  } finally {
    await server?.close();
    await shutdownTracing();
  }
}

/** How long `cdc up` waits for the other services to stop after one of them failed. */
const UP_STOP_TIMEOUT_MS = 15_000;

/**
 * `cdc up`: every service of the config in one process, each with its own connections. The
 * services live and die together: the first one that fails (at start-up or later) or ends on
 * its own prints its error line at once, the others are stopped (in-flight work finished or
 * abandoned unacked, as on SIGTERM), and the process exits 1. A half-running pipeline that
 * looks healthy is worse than a stopped one: a supervisor restarts the whole process.
 */
async function runAllServices(
  config: PipelineConfig,
  file: string,
  shutdown: AbortSignal,
  log: Logger,
): Promise<number> {
  const stopOthers = new AbortController();
  const signal = AbortSignal.any([shutdown, stopOthers.signal]);
  let firstFailure: { service: string; error: unknown } | undefined;
  const supervise = (service: string, run: () => Promise<void>): Promise<void> =>
    run().then(
      () => {
        // Services return only when asked to stop; anything else is a failure of its own.
        if (!signal.aborted) fail(service, new Error(`${service} ended unexpectedly`));
      },
      (error: unknown) => {
        if (!shutdown.aborted) fail(service, error);
        else log.error({ err: describeError(error) }, `${service} failed while stopping`);
      },
    );
  const fail = (service: string, error: unknown) => {
    if (firstFailure !== undefined) {
      log.error({ err: describeError(error) }, `${service} failed too`);
      return;
    }
    firstFailure = { service, error };
    flushLogs(); // the error line comes after every log line written so far
    console.error(`error: ${describeError(error)}`);
    log.error(`${service} failed: stopping every other service of cdc up`);
    stopOthers.abort(new Error(`${service} failed`));
  };
  // Every reader counts from the start: the coordinator and the appliers register first, and
  // /readyz must not say ready while a reader is still reading its preflight.
  for (const s of config.sources) health.setReady(readerStreamingComponent(s.name), false);
  const services = [
    supervise('coordinator', async () =>
      (await coordinatorModule()).runCoordinator({ config, signal, log: log.child({ component: 'coordinator' }) }),
    ),
    ...config.destinations.map((d) =>
      supervise(`applier ${d.name}`, async () =>
        (await applierModule()).runApplier({
          config,
          destination: d.name,
          signal,
          log: log.child({ component: 'applier' }),
        }),
      ),
    ),
    ...config.sources.map((s) =>
      supervise(`reader ${s.name}`, () =>
        runReader({
          config,
          source: s.name,
          signal,
          log: log.child({ component: 'reader' }),
          reloadConfig: () => loadConfig(file),
          onReloadSignal: onSighup,
        }),
      ),
    ),
  ];
  const allStopped = Promise.all(services);
  if (firstFailure === undefined) await Promise.race([allStopped, failed(stopOthers.signal)]);
  if (firstFailure === undefined) return 0;
  const stopped = await Promise.race([
    allStopped.then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), UP_STOP_TIMEOUT_MS).unref()),
  ]);
  if (!stopped) log.error(`the other services did not stop within ${UP_STOP_TIMEOUT_MS / 1000} s: exiting anyway`);
  return 1;
}

/** Resolves when the signal aborts. */
function failed(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** The reader for the source's type. */
async function runReader(options: Parameters<typeof runPostgresReader>[0]): Promise<void> {
  const source = findSource(options.config, options.source);
  if (source.type !== 'vitess') return (await import('@cdc/reader-postgres')).runPostgresReader(options);
  // The VStream's table rules are fixed for its life: say so rather than let SIGHUP end the process.
  options.onReloadSignal?.(() =>
    options.log.warn(`SIGHUP: the Vitess reader of ${source.name} reads its config at start only: restart it`),
  );
  return (await import('@cdc/reader-vitess')).runVitessReader(options);
}

function onSighup(listener: () => void): () => void {
  process.on('SIGHUP', listener);
  return () => process.off('SIGHUP', listener);
}

/** `cdc dlq list|replay`: the ops a destination set aside under on_error: dead-letter. */
async function deadLetterCommand(
  command: 'dlq list' | 'dlq replay',
  config: PipelineConfig,
  destination: string,
  values: OptionValues,
): Promise<number> {
  if (command === 'dlq list') {
    const { listDestinationDeadLetters } = await applierModule();
    const entries = await listDestinationDeadLetters(config, destination);
    if (values.json) console.log(JSON.stringify(entries, null, 2));
    else if (entries.length === 0) console.log(`destination ${destination}: no dead letters`);
    else
      for (const e of entries)
        console.log(
          `${e.id}\t${e.at}\t${e.source} p${e.partition} seq ${e.streamSeq}\t${e.kind} ${e.table} key ${e.key} at ${e.position}\t${e.error}`,
        );
    return 0;
  }
  const id = values.id;
  const all = values.all === true;
  if (all === (id !== undefined)) throw new UsageError('cdc dlq replay: give either --id N or --all');
  const ids = all ? ('all' as const) : [Number(id)];
  if (ids !== 'all' && !Number.isSafeInteger(ids[0]))
    throw new UsageError(`cdc dlq replay: --id takes a number, got ${String(id)}`);
  const { replayDeadLetters } = await applierModule();
  const outcomes = await replayDeadLetters(config, destination, ids);
  for (const { entry, error } of outcomes)
    console.log(
      `${error === undefined ? 'replayed' : 'FAILED  '} ${entry.id} ${entry.table} key ${entry.key}${error === undefined ? '' : `: ${error}`}`,
    );
  if (outcomes.length === 0) console.log(`destination ${destination}: no dead letters`);
  return outcomes.every((outcome) => outcome.error === undefined) ? 0 : 1;
}

/** SIGHUP would otherwise end the process: services without anything to reload say so instead. */
function ignoreSighup(log: Logger, why: string): void {
  process.on('SIGHUP', () => log.info(`SIGHUP: ${why}`));
}

/** `cdc reload`: every reader of the config (or one source's) reads its config file again and answers. */
async function reloadServices(config: PipelineConfig, source: string | undefined): Promise<ReloadReply[]> {
  if (source !== undefined) findSource(config, source);
  const nc = await connectToNats({ ...config.nats, name: 'cdc-reload' });
  try {
    return await requestReload(nc, source ? { source } : {}, 2_000);
  } finally {
    await nc.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Services close their connections on the way out; don't wait on stray timers.
    setTimeout(() => process.exit(code), 200).unref();
  },
  async (error: unknown) => {
    const name = error instanceof Error ? error.name : '';
    const expected = EXPECTED_ERRORS.has(name) || error instanceof ConfigError;
    // Log lines are written asynchronously: out first, so the one error line is the last line.
    await flushLogsInOrder();
    console.error(`error: ${describeError(error)}`);
    if (!expected && process.env.CDC_LOG_LEVEL === 'debug' && error instanceof Error) console.error(error.stack);
    process.exit(error instanceof UsageError ? error.exitCode : 1);
  },
);
