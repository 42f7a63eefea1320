// The fault plan: which fault, after how many workload ops, and for how long. Seeded.
import { Random } from './random';

export const FAULT_KINDS = ['reader', 'applier', 'coordinator', 'nats', 'destination', 'source'] as const;
/** With --nats-cluster (3 servers, nats.replicas 3): the NATS faults of a cluster instead of `nats`. */
export const CLUSTER_FAULT_KINDS = [
  'reader',
  'applier',
  'coordinator',
  'nats-stream-leader',
  'nats-meta-leader',
  'nats-wiped-follower',
  'destination',
  'source',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number] | (typeof CLUSTER_FAULT_KINDS)[number];

export const FAULT_DESCRIPTIONS: Record<FaultKind, string> = {
  reader: 'kill -9 of the reader',
  applier: 'kill -9 of an applier',
  coordinator: 'kill -9 of the coordinator',
  nats: 'kill -9 of nats-server, restarted on the same port and store',
  'nats-stream-leader': 'kill -9 of the NATS server leading the source stream, restarted',
  'nats-meta-leader': 'kill -9 of the JetStream meta leader, restarted',
  'nats-wiped-follower': 'kill -9 of a NATS server not leading the stream, its store deleted, restarted empty',
  destination: 'kill -9 of the destination Postgres, restarted',
  source: 'source Postgres stopped (pg_ctl stop -m fast), started again',
};

export interface PlannedFault {
  readonly kind: FaultKind;
  /** Injected once the workload has committed this many ops. */
  readonly atOps: number;
  /** How long the process or server stays down. */
  readonly downMs: number;
}

const DOWNTIME_MS: Record<FaultKind, readonly [number, number]> = {
  reader: [200, 3_000],
  applier: [200, 3_000],
  coordinator: [200, 3_000],
  nats: [1_000, 5_000],
  'nats-stream-leader': [1_000, 5_000],
  'nats-meta-leader': [1_000, 5_000],
  'nats-wiped-follower': [1_000, 5_000],
  destination: [2_000, 8_000],
  source: [2_000, 8_000],
};

/**
 * `rounds` times each kind once, in a seeded order, at seeded moments spread over 5%..90% of
 * the workload (one fault per equal slice, so faults never pile up on one moment).
 */
export function planFaults(
  seed: number,
  ops: number,
  rounds: number,
  kindsOfARound: readonly FaultKind[] = FAULT_KINDS,
): PlannedFault[] {
  const random = new Random(seed);
  const kinds: FaultKind[] = [];
  for (let r = 0; r < rounds; r += 1) kinds.push(...random.shuffle(kindsOfARound));
  const start = ops * 0.05;
  const slice = (ops * 0.85) / kinds.length;
  return kinds.map((kind, i) => {
    const [low, high] = DOWNTIME_MS[kind];
    return {
      kind,
      atOps: Math.round(start + slice * i + random.between(0, slice * 0.8)),
      downMs: Math.round(random.between(low, high)),
    };
  });
}
