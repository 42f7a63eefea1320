// npx nx run chaos:chaos -- --ops 200000 --seed N [--rounds R] [--appliers A] [--partitions P] [--overlap] [--nats-cluster]
//   [--faults nats,applier]   (only these kinds, each once per round: to hammer one recovery path)
import { CLUSTER_FAULT_KINDS, FAULT_KINDS, type FaultKind } from './faults';
import { runFaultMatrix } from './matrix';
import { formatReport } from './report';

function parse(argv: readonly string[]): { numbers: Record<string, number>; faults?: FaultKind[] } {
  const known = new Set(['ops', 'seed', 'rounds', 'appliers', 'partitions', 'overlap', 'nats-cluster', 'faults']);
  const out: Record<string, number> = {};
  let faults: FaultKind[] | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--overlap' || argv[i] === '--nats-cluster') {
      out[argv[i].slice(2)] = 1;
      continue;
    }
    const listed = /^--faults(?:=(.*))?$/.exec(argv[i]);
    if (listed) {
      const text = listed[1] ?? argv[++i] ?? '';
      const all: readonly string[] = [...FAULT_KINDS, ...CLUSTER_FAULT_KINDS];
      faults = text.split(',').map((kind) => {
        if (!all.includes(kind)) throw new Error(`--faults: unknown fault ${kind} (known: ${all.join(', ')})`);
        return kind as FaultKind;
      });
      continue;
    }
    const match = /^--([a-z]+)(?:=(.*))?$/.exec(argv[i]);
    if (match === null || !known.has(match[1]))
      throw new Error(`unknown argument ${argv[i]} (known: --${[...known].join(', --')})`);
    const text = match[2] ?? argv[++i];
    const value = Number(text);
    if (text === undefined || !Number.isInteger(value) || value < 0)
      throw new Error(`--${match[1]} needs a whole number, got ${text}`);
    out[match[1]] = value;
  }
  return { numbers: out, faults };
}

async function main(): Promise<void> {
  let args: Record<string, number>;
  let faults: FaultKind[] | undefined;
  try {
    ({ numbers: args, faults } = parse(process.argv.slice(2)));
  } catch (error) {
    console.error(`chaos: ${(error as Error).message}`);
    process.exit(2);
  }
  const ops = args.ops ?? 200_000;
  const seed = args.seed ?? Math.floor(Math.random() * 2 ** 31);
  // One round of the six faults per 40,000 ops: 5 rounds (30 faults) for the long run.
  const rounds = args.rounds ?? Math.max(1, Math.round(ops / 40_000));
  console.log(
    `chaos: seed ${seed} (repeat with --seed ${seed}), ${ops} ops, ${rounds} round(s)` +
      (args['nats-cluster'] === 1 ? ', on a 3-server NATS cluster (nats.replicas 3)' : ''),
  );
  const result = await runFaultMatrix({
    ops,
    seed,
    rounds,
    appliers: args.appliers,
    partitions: args.partitions,
    overlap: args.overlap === 1,
    natsCluster: args['nats-cluster'] === 1,
    ...(faults ? { kinds: faults } : {}),
    log: (line) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`),
  });
  console.log(`\n${formatReport(result)}`);
  process.exitCode = result.violations.length === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(`chaos: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
