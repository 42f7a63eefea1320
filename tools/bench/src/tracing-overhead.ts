// The reader's hot path with no instrumentation at all (baseline), tracing off, on (every
// transaction exported over OTLP/HTTP), and on with 1% sampling, in one invocation. Each mode runs
// in its own process (tracing is global per process), rounds interleaved so a busy shared machine
// hurts every mode alike; each mode is reported as a ratio to the baseline of the same round.
//
// Baseline never initialises the telemetry and calls `publisher.add(op)` without a tracer, the
// path an uninstrumented reader would take; "off" is the shipped reader with no OTEL_* set.
//
// What runs is the real code: per op, `publisher.add(op, tracer?.op(table))` exactly as
// apps/reader-postgres calls it, and `tracer?.commit(lsn)` per transaction; the real
// ChangePublisher cuts, encodes (protobuf), sets headers and counts metrics for each message. Only
// JetStream is replaced by an in-process stub that acks at once, so the measurement is the CPU
// cost on the reader, not the network. The OTLP endpoint is an HTTP server in the parent that
// accepts and discards, so exporting (serialising, sending) is paid.
//
//   node --import tsx tools/bench/src/tracing-overhead.ts [--ops N] [--rounds R] [--no-docs]
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { ChangeOp, TableSchema } from '@cdc/change-envelope';
import { ChangePublisher } from '@cdc/change-stream';
import { createLogger } from '@cdc/service-runtime';
import { initTracing, shutdownTracing, transactionTracer } from '@cdc/telemetry';
import { fmt, loadAverage, runInfo, saveRun, table as mdTable, type RunInfo } from './sections';

type Mode = 'baseline' | 'off' | 'on' | 'sampled-1%';
const MODES: Mode[] = ['baseline', 'off', 'on', 'sampled-1%'];
const REPO = resolve(__dirname, '../../..');
const OPS_PER_TRANSACTION = 5;
const TABLES = 8;

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

function table(i: number): TableSchema {
  return {
    schema: 'public',
    table: `bench_${i}`,
    hasKey: true,
    columns: [
      { name: 'id', type: 'int8', key: true, nullable: false, typeOid: 20, elementTypeOid: 0 },
      { name: 'note', type: 'text', key: false, nullable: true, typeOid: 25, elementTypeOid: 0 },
    ],
  };
}

/** One measured run in this process: ops/s through the publisher. */
async function runChild(ops: number, baseline: boolean): Promise<void> {
  const tracing = baseline ? false : initTracing({ serviceName: 'cdc-bench' });
  const stub = {
    publish: async () => ({ duplicate: false, seq: 0, stream: 'bench' }),
  } as unknown as JetStreamClient;
  const log = createLogger('bench');
  const publisher = new ChangePublisher({
    js: stub,
    source: 'bench',
    partitions: 16,
    log,
    maxOps: 1_000,
    maxBytes: 750_000,
    maxDelayMs: 5,
    maxBufferedOps: 40_000,
  });
  const tables = Array.from({ length: TABLES }, (_, i) => table(i));
  const note = { kind: 'text' as const, value: 'x'.repeat(100) };
  const opAt = (n: number): ChangeOp => {
    const id = { kind: 'integer' as const, value: String(n) };
    return {
      kind: 'insert',
      table: tables[(n * 7) % TABLES],
      key: [id],
      after: [id, note],
      position: { commit: BigInt(Math.floor(n / OPS_PER_TRANSACTION) + 1), index: n % OPS_PER_TRANSACTION },
      commitTimeUs: 1_700_000_000_000_000,
    };
  };
  const tracer = baseline ? undefined : transactionTracer('bench', 'postgresql');
  // Two loops rather than a flag inside one, so the baseline has no tracing code on its path.
  const run = baseline
    ? async (count: number, offset: number) => {
        const started = performance.now();
        for (let i = 0; i < count; i += 1) {
          publisher.add(opAt(offset + i));
          if (publisher.bufferedOps >= 20_000) await publisher.waitForCapacity();
        }
        await publisher.flush();
        return performance.now() - started;
      }
    : async (count: number, offset: number) => {
        const started = performance.now();
        for (let i = 0; i < count; i += 1) {
          const n = offset + i;
          const op = opAt(n);
          publisher.add(op, tracer?.op(op.table));
          if (n % OPS_PER_TRANSACTION === OPS_PER_TRANSACTION - 1)
            tracer?.commit(`0/${op.position.commit.toString(16)}`);
          if (publisher.bufferedOps >= 20_000) await publisher.waitForCapacity();
        }
        await publisher.flush();
        return performance.now() - started;
      };
  await run(Math.min(50_000, ops), 0); // warm-up: JIT, caches
  const ms = await run(ops, 1_000_000);
  publisher.close();
  if (!baseline) await shutdownTracing();
  process.stdout.write(
    JSON.stringify({ tracing, opsPerSecond: Math.round((ops / ms) * 1000), rssMb: process.memoryUsage().rss >> 20 }) +
      '\n',
  );
}

interface ModeResult {
  readonly mode: Mode;
  /** Ops/s of each round. */
  readonly opsPerSecond: number[];
  /** This mode's ops/s over the baseline's in the same round, per round. */
  readonly ratioToBaseline: number[];
}

export interface TracingResults {
  readonly info: RunInfo & { readonly workload: string };
  readonly ops: number;
  readonly rounds: number;
  readonly modes: ModeResult[];
  readonly otlpExport: { readonly requests: number; readonly bytes: number };
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export function renderTracingMarkdown(results: TracingResults): string {
  const { info } = results;
  const rows = results.modes.map((m) => [
    m.mode,
    fmt(median(m.opsPerSecond)),
    `${fmt(Math.min(...m.opsPerSecond))} – ${fmt(Math.max(...m.opsPerSecond))}`,
    fmt(median(m.ratioToBaseline), 3),
    `${fmt(Math.min(...m.ratioToBaseline), 3)} – ${fmt(Math.max(...m.ratioToBaseline), 3)}`,
  ]);
  return [
    `Run ${info.date} at ${info.commit}; ${info.machine}; load average at start ${info.loadAverageAtStart}.`,
    `Command: \`${info.command}\`. Workload: ${info.workload}.`,
    '',
    mdTable(['mode', 'ops/s (median)', 'ops/s (min – max)', 'vs baseline (median)', 'vs baseline (min – max)'], rows),
    '',
    `Ratios are per round (each mode over the baseline run just before it), median and range over ` +
      `${results.rounds} rounds. OTLP export received ${results.otlpExport.requests} requests, ` +
      `${fmt(results.otlpExport.bytes / 1e6, 1)} MB.`,
  ].join('\n');
}

async function runParent(): Promise<void> {
  const ops = flag('ops', 400_000);
  const rounds = flag('rounds', 5);
  const load = loadAverage();
  let exportRequests = 0;
  let exportBytes = 0;
  const sink = http.createServer((request, response) => {
    exportRequests += 1;
    request.on('data', (chunk: Buffer) => (exportBytes += chunk.length));
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  const results = new Map<Mode, number[]>(MODES.map((mode) => [mode, []]));
  for (let round = 1; round <= rounds; round += 1) {
    for (const mode of MODES) {
      const env: NodeJS.ProcessEnv = { ...process.env, CDC_LOG_LEVEL: 'warn' };
      for (const key of Object.keys(env)) if (key.startsWith('OTEL_')) delete env[key];
      if (mode !== 'off') env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint;
      if (mode === 'sampled-1%') {
        env.OTEL_TRACES_SAMPLER = 'parentbased_traceidratio';
        env.OTEL_TRACES_SAMPLER_ARG = '0.01';
      }
      const output = await new Promise<string>((resolve, reject) => {
        const args = [...process.execArgv, __filename, '--child', '--ops', String(ops)];
        if (mode === 'baseline') args.push('--baseline');
        const child = spawn(process.execPath, args, {
          env,
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let text = '';
        child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
        child.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`${mode}: exit ${code}`))));
      });
      const result = JSON.parse(output.trim().split('\n').pop()!) as { tracing: boolean; opsPerSecond: number };
      if (result.tracing !== (mode === 'on' || mode === 'sampled-1%'))
        throw new Error(`${mode}: tracing was ${result.tracing}`);
      results.get(mode)!.push(result.opsPerSecond);
      console.log(`round ${round} ${mode.padEnd(10)} ${result.opsPerSecond.toLocaleString('en')} ops/s`);
    }
  }
  sink.close();
  const baseline = results.get('baseline')!;
  const modes: ModeResult[] = MODES.map((mode) => {
    const values = results.get(mode)!;
    return { mode, opsPerSecond: values, ratioToBaseline: values.map((v, i) => v / baseline[i]) };
  });
  const tracingResults: TracingResults = {
    info: {
      ...runInfo(
        REPO,
        `npx nx run bench:bench-tracing -- --ops ${ops} --rounds ${rounds}   (= node --import tsx tools/bench/src/tracing-overhead.ts --ops ${ops} --rounds ${rounds})`,
        load,
      ),
      workload:
        `${ops} inserts in ${OPS_PER_TRANSACTION}-op transactions over ${TABLES} tables through the real ` +
        `ChangePublisher (16 partitions, protobuf, headers, metrics) to a JetStream stub that acks at once; ` +
        `baseline: telemetry never initialised, \`publisher.add(op)\` without a tracer; off: the shipped reader ` +
        `path with no OTEL_* set; on: every transaction exported over OTLP/HTTP to a discarding server; ` +
        `sampled-1%: parentbased_traceidratio 0.01`,
    },
    ops,
    rounds,
    modes,
    otlpExport: { requests: exportRequests, bytes: exportBytes },
  };
  console.log(`\n${renderTracingMarkdown(tracingResults)}`);
  saveRun({
    repo: REPO,
    name: 'tracing',
    script: 'tracing-overhead.ts',
    heading: '## Tracing overhead',
    results: tracingResults,
    markdown: renderTracingMarkdown(tracingResults),
    plots: new Map(),
    docs: !process.argv.includes('--no-docs'),
    say: (message) => console.log(message),
  });
}

if (process.argv.includes('--child')) {
  runChild(flag('ops', 400_000), process.argv.includes('--baseline')).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  runParent().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
