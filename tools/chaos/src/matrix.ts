// Over 400 lines on purpose: one fault-matrix run, start to verdict (servers, services, workload, seeded faults, the checks); the faults themselves are in faults.ts.
// One fault-matrix run: the pipeline of the e2e tests (real servers, services from dist/cdc.cjs),
// a mixed workload at the source, faults injected at seeded moments, then the checks.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { NatsClusterServer } from '@cdc/testenv';
import {
  startPipelineFixture,
  waitFor,
  type PipelineFixture,
  type ServiceKind,
  type ServiceProcess,
} from '@cdc/pipeline-fixture';
import { bigintToLsn, checkConsistency, compareTables, consistencyViolations, type ConsistencyReport } from './checks';
import { CLUSTER_FAULT_KINDS, FAULT_KINDS, planFaults, type FaultKind, type PlannedFault } from './faults';
import { Random } from './random';
import { DESTINATION_DDL, QUALIFIED_TABLES, SOURCE_DDL } from './schema';
import { startSlotSampler, type SlotSamples } from './slot';
import { seedRows, startWorkload, type WorkloadProgress } from './workload';

export interface MatrixOptions {
  readonly ops: number;
  readonly seed: number;
  /** Each fault kind is injected this many times. */
  readonly rounds: number;
  readonly appliers?: number;
  readonly partitions?: number;
  /** How long a fault may take to recover (the destination catching up) before it is a violation. */
  readonly recoveryTimeoutMs?: number;
  readonly convergeTimeoutMs?: number;
  /** Inject the next fault without waiting for the destination to catch up with the last one. */
  readonly overlap?: boolean;
  /** Run on a 3-server NATS cluster with nats.replicas 3, with the cluster's NATS faults (CLUSTER_FAULT_KINDS). */
  readonly natsCluster?: boolean;
  /** The fault kinds of a round (default: every kind of the NATS set-up in use). */
  readonly kinds?: readonly FaultKind[];
  readonly log?: (line: string) => void;
}

export interface FaultOutcome extends PlannedFault {
  /** Seconds since the workload started. */
  readonly atS: number;
  /** Ops committed when it was injected. */
  readonly opsAt: number;
  /** Measured time the process or server was down. */
  readonly downS: number;
  /** From the restart until the destination had every transaction committed before it; undefined: never. */
  readonly catchUpS?: number;
  readonly notes: string[];
}

export interface UnexpectedExit {
  readonly kind: ServiceKind;
  readonly code: number | null;
  readonly atS: number;
  readonly lastLine: string;
}

export interface MatrixResult {
  readonly options: MatrixOptions;
  readonly faults: FaultOutcome[];
  readonly workload: WorkloadProgress;
  readonly workloadS: number;
  readonly convergeS?: number;
  readonly consistency?: ConsistencyReport;
  readonly slot: SlotSamples;
  readonly unexpectedExits: UnexpectedExit[];
  readonly violations: string[];
  readonly logDir: string;
}

const SOURCE = 'shop';
const SLOT = 'cdc_shop';
const STREAM = `CDC_${SOURCE}`;

/** Keeps one reader, one coordinator and N appliers running: restarts whatever exits unasked, as a supervisor would. */
class Services {
  private readonly running = new Map<ServiceKind, ServiceProcess[]>();
  private readonly killed = new Set<ServiceProcess>();
  readonly unexpectedExits: UnexpectedExit[] = [];
  private stopping = false;

  constructor(
    private readonly fixture: PipelineFixture,
    private readonly started: number,
    private readonly log: (line: string) => void,
  ) {}

  start(kind: ServiceKind): ServiceProcess {
    const service = this.fixture.start(kind);
    const list = this.running.get(kind) ?? [];
    list.push(service);
    this.running.set(kind, list);
    void service.exited.then((code) => {
      this.running.set(
        kind,
        (this.running.get(kind) ?? []).filter((s) => s !== service),
      );
      if (this.killed.has(service) || this.stopping) return;
      const lines = service.log().trimEnd().split('\n');
      const atS = (Date.now() - this.started) / 1000;
      this.unexpectedExits.push({ kind, code, atS, lastLine: lines[lines.length - 1] ?? '' });
      this.log(`${kind} exited on its own (code ${code}) at ${atS.toFixed(1)} s; restarting in 1 s`);
      setTimeout(() => {
        if (!this.stopping) this.start(kind);
      }, 1_000);
    });
    return service;
  }

  /** SIGKILL one running instance of the kind (chosen by `random`); resolves when it is gone. */
  async kill(kind: ServiceKind, random: Random): Promise<boolean> {
    const list = this.running.get(kind) ?? [];
    if (list.length === 0) return false;
    const service = random.pick(list);
    this.killed.add(service);
    await this.fixture.stop(service, 'SIGKILL');
    return true;
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    const all = [...this.running.values()].flat();
    await Promise.all(all.map((s) => this.fixture.stop(s, 'SIGTERM')));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runFaultMatrix(options: MatrixOptions): Promise<MatrixResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const appliers = options.appliers ?? 2;
  const partitions = options.partitions ?? 4;
  const plan = planFaults(
    options.seed,
    options.ops,
    options.rounds,
    options.kinds ?? (options.natsCluster ? CLUSTER_FAULT_KINDS : FAULT_KINDS),
  );
  const random = new Random(options.seed * 7 + 1);
  const violations: string[] = [];
  const faults: FaultOutcome[] = [];

  const fixture = await startPipelineFixture({
    tables: QUALIFIED_TABLES,
    partitions,
    destinationExtra: '    membership:\n      heartbeat_ms: 300\n      ttl_ms: 1500\n',
    ...(options.natsCluster ? { cluster: { replicas: 3 } } : {}),
  });
  log(`servers up; logs and config in ${fixture.dir}`);
  const samplerStop = new AbortController();
  const workloadStop = new AbortController();
  let services: Services | undefined;
  try {
    await fixture.sourceQuery(SOURCE_DDL);
    const seeder = new Client({ connectionString: fixture.sourceUrl });
    await seeder.connect();
    try {
      await seedRows(seeder, options.seed);
    } finally {
      await seeder.end();
    }
    await fixture.destinationQuery(DESTINATION_DDL);

    const started = Date.now();
    const sinceStart = () => (Date.now() - started) / 1000;
    services = new Services(fixture, started, log);
    services.start('coordinator');
    for (let i = 0; i < appliers; i += 1) services.start('applier');
    services.start('reader');
    await waitForEqual(fixture, 120_000);
    log(`initial snapshot replicated in ${sinceStart().toFixed(1)} s`);

    // Faults fire when the workload passes their op count; the workload waits at the next
    // fault's op count until the previous fault has recovered, so every fault hits a busy pipeline.
    let faultRunning: Promise<void> | undefined;
    let nextFault = 0;
    const runningServices = services;
    const workloadStarted = Date.now();
    const workload = startWorkload({
      url: fixture.sourceUrl,
      ops: options.ops,
      seed: options.seed,
      signal: workloadStop.signal,
      gate: (progress) => {
        if (nextFault < plan.length && progress.ops >= plan[nextFault].atOps) {
          if (faultRunning !== undefined) return faultRunning;
          const fault = plan[nextFault];
          nextFault += 1;
          faultRunning = inject(fault, progress).finally(() => {
            faultRunning = undefined;
          });
        }
        return undefined;
      },
    });
    const slot = startSlotSampler(
      {
        source: fixture.sourceQuery,
        destination: fixture.destinationQuery,
        slot: SLOT,
        sourceName: SOURCE,
        partitions,
        committed: workload.progress.committed,
      },
      samplerStop.signal,
    );

    let injected = 0;
    const catchUps: Promise<void>[] = [];
    /** The NATS cluster server a fault took down, until its repair starts it again. */
    let downServer: NatsClusterServer | undefined;
    async function inject(fault: PlannedFault, progress: WorkloadProgress): Promise<void> {
      const atS = (Date.now() - workloadStarted) / 1000;
      const opsAt = progress.ops;
      const notes: string[] = [];
      injected += 1;
      log(
        `fault ${injected}/${plan.length}: ${fault.kind} at ${atS.toFixed(1)} s (${opsAt} ops), down ${fault.downMs} ms`,
      );
      const down = Date.now();
      await breakIt(fault.kind, notes);
      await sleep(fault.downMs);
      await repair(fault.kind);
      const downS = (Date.now() - down) / 1000;
      const caughtUp = catchUp(fault, atS, progress).then((catchUpS) => {
        faults.push({ ...fault, atS, opsAt, downS, catchUpS, notes });
      });
      catchUps.push(caughtUp);
      // With overlap the next fault may hit while the pipeline is still catching up.
      if (!options.overlap) await caughtUp;
    }

    /** Seconds until the destination holds every transaction committed before the repair. */
    async function catchUp(fault: PlannedFault, atS: number, progress: WorkloadProgress): Promise<number | undefined> {
      const target = progress.committed.length;
      const lastK = progress.committed[target - 1]?.k ?? 0;
      const repaired = Date.now();
      const timeoutMs = options.recoveryTimeoutMs ?? 120_000;
      try {
        await waitFor(
          'the destination to catch up',
          async () => {
            const [row] = await fixture.destinationQuery('SELECT count(*)::int AS n FROM public.txlog WHERE k <= $1', [
              lastK,
            ]);
            return Number(row.n) >= target;
          },
          timeoutMs,
        );
        return (Date.now() - repaired) / 1000;
      } catch {
        violations.push(
          `${fault.kind} fault at ${atS.toFixed(1)} s: the destination did not catch up within ${timeoutMs / 1000} s`,
        );
        return undefined;
      }
    }

    async function breakIt(kind: FaultKind, notes: string[]): Promise<void> {
      switch (kind) {
        case 'reader':
        case 'applier':
        case 'coordinator':
          if (!(await runningServices.kill(kind, random))) notes.push(`no ${kind} was running`);
          return;
        case 'nats':
          return fixture.nats.kill();
        case 'nats-stream-leader': {
          const { killed, successor } = await fixture.natsCluster!.killStreamLeader(STREAM);
          notes.push(`server ${killed.name} (stream leader), ${successor.name} took over`);
          downServer = killed;
          return;
        }
        case 'nats-meta-leader':
        case 'nats-wiped-follower': {
          const cluster = fixture.natsCluster!;
          const streamLeader = await cluster.waitForStreamLeader(STREAM);
          const victim =
            kind === 'nats-meta-leader'
              ? await cluster.waitForMetaLeader()
              : random.pick(cluster.servers.filter((s) => s !== streamLeader));
          notes.push(`server ${victim.name}${victim === streamLeader ? ' (stream leader)' : ''}`);
          downServer = victim;
          await victim.kill();
          if (kind === 'nats-wiped-follower') await victim.wipeStore();
          return;
        }
        case 'destination':
          return fixture.destination.kill();
        case 'source':
          return fixture.source.stop();
      }
    }

    async function repair(kind: FaultKind): Promise<void> {
      switch (kind) {
        case 'reader':
        case 'applier':
        case 'coordinator':
          runningServices.start(kind);
          return;
        case 'nats':
          return fixture.nats.start();
        case 'nats-stream-leader':
        case 'nats-meta-leader':
        case 'nats-wiped-follower': {
          await downServer!.start();
          downServer = undefined;
          return fixture.natsCluster!.waitForCurrent();
        }
        case 'destination':
          return fixture.destination.start();
        case 'source':
          return fixture.source.start();
      }
    }

    await workload.done;
    const workloadS = (Date.now() - workloadStarted) / 1000;
    log(
      `workload done: ${workload.progress.ops} ops in ${workload.progress.transactions} transactions, ${workloadS.toFixed(1)} s`,
    );
    // Faults the workload outran happen while the pipeline drains.
    while (nextFault < plan.length || faultRunning !== undefined) {
      if (faultRunning !== undefined) {
        await faultRunning;
        continue;
      }
      const fault = plan[nextFault];
      nextFault += 1;
      faultRunning = inject(fault, workload.progress).finally(() => {
        faultRunning = undefined;
      });
    }

    await Promise.all(catchUps);
    faults.sort((a, b) => a.atS - b.atS);

    const convergeStart = Date.now();
    let convergeS: number | undefined;
    try {
      await waitForEqual(fixture, options.convergeTimeoutMs ?? 300_000);
      convergeS = (Date.now() - convergeStart) / 1000;
    } catch (error) {
      violations.push(`no convergence: ${(error as Error).message}`);
    }
    // The slot must also catch up with the end of the workload, not only stay behind.
    const lastLsn = [...workload.progress.committed].reverse().find((t) => t.lsn !== undefined)?.lsn;
    if (lastLsn !== undefined) {
      await waitFor(
        'the slot to confirm the last transaction',
        async () => {
          const [row] = await fixture.sourceQuery(
            'SELECT (confirmed_flush_lsn >= $2::text::pg_lsn) AS done FROM pg_catalog.pg_replication_slots WHERE slot_name = $1',
            [SLOT, bigintToLsn(lastLsn)],
          );
          return row?.done === true;
        },
        60_000,
      ).catch((error: Error) => violations.push(error.message));
    }
    samplerStop.abort();
    const slotSamples = await slot;
    violations.push(...slotSamples.violations);
    if (slotSamples.samples < 5) violations.push(`the slot was sampled only ${slotSamples.samples} times`);

    const consistency = await checkConsistency(fixture.sourceQuery, fixture.destinationQuery);
    violations.push(...consistencyViolations(consistency));
    if (violations.length > 0) await keepEvidence(fixture, consistency);
    for (const planned of plan.slice(injected)) violations.push(`fault ${planned.kind} was never injected`);

    await services.stopAll();
    return {
      options,
      faults,
      workload: workload.progress,
      workloadS,
      convergeS,
      consistency,
      slot: slotSamples,
      unexpectedExits: services.unexpectedExits,
      violations,
      logDir: fixture.dir,
    };
  } finally {
    workloadStop.abort();
    samplerStop.abort();
    await services?.stopAll().catch(() => undefined);
    await fixture.destroy();
  }
}

async function waitForEqual(fixture: PipelineFixture, timeoutMs: number): Promise<void> {
  let difference = '';
  await waitFor(
    'destination to equal source',
    async () => {
      const tables = await compareTables(fixture.sourceQuery, fixture.destinationQuery);
      const unequal = tables.find((t) => !t.equal);
      difference = unequal ? `${unequal.table}: source ${unequal.source}, destination ${unequal.destination}` : '';
      return unequal === undefined;
    },
    timeoutMs,
  ).catch((error: Error) => {
    throw new Error(`${error.message} (last difference: ${difference})`);
  });
}

/** The audit trail of every row a finding names, next to the service logs, for a failed run. */
async function keepEvidence(fixture: PipelineFixture, report: ConsistencyReport): Promise<void> {
  const findings = [
    ...report.audit.lost,
    ...report.audit.appliedTwice,
    ...report.audit.outOfOrder,
    ...report.duplicates,
  ].slice(0, 200);
  const lines = ['finding\taudit id\ttable\trid\top\told_v\tnew_v\tat'];
  for (const finding of findings) {
    const rows = await fixture.destinationQuery(
      `SELECT id, tbl, rid, op, old_v, new_v, at::text AS at FROM chaos_audit.applied
        WHERE (tbl = $1 AND rid = $2) OR (tbl = $1 AND op = 'T') ORDER BY id`,
      [finding.table, finding.rid],
    );
    for (const r of rows) {
      lines.push(
        [finding.problem, r.id, r.tbl, r.rid, r.op, r.old_v, r.new_v, r.at].map((v) => String(v ?? '')).join('\t'),
      );
    }
  }
  writeFileSync(join(fixture.dir, 'audit-findings.tsv'), `${lines.join('\n')}\n`);
}
