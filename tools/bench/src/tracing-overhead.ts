// The reader's hot path with tracing off, on (every transaction exported over OTLP/HTTP), and on
// with 1% sampling, in one invocation. Each mode runs in its own process (tracing is global per
// process), rounds interleaved so a busy shared machine hurts every mode alike.
//
// What runs is the real code: per op, `publisher.add(op, tracer?.op(table))` exactly as
// apps/reader-postgres calls it, and `tracer?.commit(lsn)` per transaction; the real
// ChangePublisher cuts, encodes (protobuf), sets headers and counts metrics for each message. Only
// JetStream is replaced by an in-process stub that acks at once, so the measurement is the CPU
// cost on the reader, not the network. The OTLP endpoint is an HTTP server in the parent that
// accepts and discards, so exporting (serialising, sending) is paid.
//
//   node --import tsx tools/bench/src/tracing-overhead.ts [--ops N] [--rounds R]
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { ChangeOp, TableSchema } from '@cdc/change-envelope';
import { ChangePublisher } from '@cdc/change-stream';
import { createLogger } from '@cdc/service-runtime';
import { initTracing, shutdownTracing, transactionTracer } from '@cdc/telemetry';

type Mode = 'off' | 'on' | 'sampled-1%';
const MODES: Mode[] = ['off', 'on', 'sampled-1%'];
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
async function runChild(ops: number): Promise<void> {
  const tracing = initTracing({ serviceName: 'cdc-bench' });
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
  const tracer = transactionTracer('bench', 'postgresql');
  const run = async (count: number, offset: number) => {
    const started = performance.now();
    for (let i = 0; i < count; i += 1) {
      const n = offset + i;
      const commit = BigInt(Math.floor(n / OPS_PER_TRANSACTION) + 1);
      const id = { kind: 'integer' as const, value: String(n) };
      const op: ChangeOp = {
        kind: 'insert',
        table: tables[(n * 7) % TABLES],
        key: [id],
        after: [id, note],
        position: { commit, index: n % OPS_PER_TRANSACTION },
        commitTimeUs: 1_700_000_000_000_000,
      };
      publisher.add(op, tracer?.op(op.table));
      if (n % OPS_PER_TRANSACTION === OPS_PER_TRANSACTION - 1) tracer?.commit(`0/${commit.toString(16)}`);
      if (publisher.bufferedOps >= 20_000) await publisher.waitForCapacity();
    }
    await publisher.flush();
    return performance.now() - started;
  };
  await run(Math.min(50_000, ops), 0); // warm-up: JIT, caches
  const ms = await run(ops, 1_000_000);
  publisher.close();
  await shutdownTracing();
  process.stdout.write(
    JSON.stringify({ tracing, opsPerSecond: Math.round((ops / ms) * 1000), rssMb: process.memoryUsage().rss >> 20 }) +
      '\n',
  );
}

async function runParent(): Promise<void> {
  const ops = flag('ops', 400_000);
  const rounds = flag('rounds', 3);
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
        const child = spawn(process.execPath, [...process.execArgv, __filename, '--child', '--ops', String(ops)], {
          env,
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let text = '';
        child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
        child.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`${mode}: exit ${code}`))));
      });
      const result = JSON.parse(output.trim().split('\n').pop()!) as { tracing: boolean; opsPerSecond: number };
      if (result.tracing !== (mode !== 'off')) throw new Error(`${mode}: tracing was ${result.tracing}`);
      results.get(mode)!.push(result.opsPerSecond);
      console.log(`round ${round} ${mode.padEnd(10)} ${result.opsPerSecond.toLocaleString('en')} ops/s`);
    }
  }
  sink.close();
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const off = median(results.get('off')!);
  console.log(
    `\nreader hot path, ${ops.toLocaleString('en')} ops in ${OPS_PER_TRANSACTION}-op transactions, median of ${rounds}:`,
  );
  for (const mode of MODES) {
    const value = median(results.get(mode)!);
    const delta = mode === 'off' ? '' : ` (${(((value - off) / off) * 100).toFixed(1)}% vs off)`;
    console.log(`  tracing ${mode.padEnd(10)} ${value.toLocaleString('en').padStart(10)} ops/s${delta}`);
  }
  console.log(`  OTLP export: ${exportRequests} requests, ${(exportBytes / 1e6).toFixed(1)} MB`);
}

if (process.argv.includes('--child')) {
  runChild(flag('ops', 400_000)).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  runParent().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
