// The PG -> PG benchmark's flags: what `--help` prints and how a command line becomes Options.
import { join } from 'node:path';
import { lastRecordedOrder, parseOrderChoice, resolveOrder, type ContenderOrder } from '../contender-order';
import { REPO } from './harness';

export interface Options {
  readonly rows: number;
  readonly quick: boolean;
  readonly modes: ReadonlySet<'drain' | 'live' | 'snapshot' | 'fanout'>;
  readonly docs: boolean;
  readonly timeoutMs: number;
  /** Row changes/s the live writer is held to; undefined: half of our drain rate, else as fast as it goes. */
  readonly liveRate: number | 'max' | undefined;
  /** Which contender runs first in each mode (--order; alternate flips the last recorded run's). */
  readonly order: ContenderOrder;
  /** Drain: also ours on a 3-server NATS cluster with nats.replicas 3 (--nats-r3). */
  readonly natsR3: boolean;
  readonly argv: readonly string[];
}

const USAGE =
  'flags: --rows N, --scale F, --quick, --only drain|live|snapshot|fanout, --live-rate N|max, ' +
  '--order ours-first|baseline-first|alternate, --docs, --no-docs, --timeout S, --nats-r3';

/** A mistake on the command line: printed as one line, without a stack. */
export class UsageError extends Error {}

export function parseOptions(argv: readonly string[]): Options {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--help' || argv[i] === '-h') {
      console.log(`usage: pg-to-pg.ts [flags]\n${USAGE}`);
      process.exit(0);
    }
    const match = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!match) throw new UsageError(`unexpected argument "${argv[i]}" (${USAGE})`);
    const [, name, inline] = match;
    const takesValue = ['rows', 'scale', 'only', 'timeout', 'live-rate', 'order'].includes(name);
    if (
      !['rows', 'scale', 'only', 'timeout', 'live-rate', 'order', 'quick', 'docs', 'no-docs', 'nats-r3'].includes(name)
    )
      throw new UsageError(`unknown flag --${name} (${USAGE})`);
    if (takesValue && inline === undefined && argv[i + 1] === undefined)
      throw new UsageError(`--${name} needs a value`);
    values.set(name, takesValue ? (inline ?? argv[++i]) : 'true');
  }
  const quick = values.has('quick');
  const scale = Number(values.get('scale') ?? (quick ? 0.1 : 1));
  if (!(scale > 0)) throw new UsageError(`--scale must be a number > 0, got ${values.get('scale')}`);
  const rows = Number(values.get('rows') ?? Math.round(1_000_000 * scale));
  if (!Number.isInteger(rows) || rows < 1_000)
    throw new UsageError(`--rows must be an integer >= 1000, got ${values.get('rows')}`);
  const only = values.get('only');
  if (only !== undefined && only !== 'drain' && only !== 'live' && only !== 'snapshot' && only !== 'fanout')
    throw new UsageError(`--only takes drain, live, snapshot or fanout, got ${only}`);
  const timeout = Number(values.get('timeout') ?? 1_800);
  const liveRateText = values.get('live-rate');
  const liveRate = liveRateText === undefined || liveRateText === 'max' ? liveRateText : Number(liveRateText);
  if (typeof liveRate === 'number' && !(liveRate > 0))
    throw new UsageError(`--live-rate takes a number of row changes per second > 0 or max, got ${liveRateText}`);
  let order: ContenderOrder;
  try {
    order = resolveOrder(
      parseOrderChoice(values.get('order')),
      lastRecordedOrder(join(REPO, 'tools', 'bench', 'results'), 'pg-to-pg'),
    );
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return {
    rows,
    quick,
    modes: new Set(only ? [only] : ['drain', 'live', 'snapshot', 'fanout']),
    // Smoke runs don't overwrite the reference numbers unless asked to.
    docs: values.has('docs') || (!quick && !values.has('no-docs')),
    timeoutMs: timeout * 1000,
    liveRate,
    order,
    natsR3: values.has('nats-r3'),
    argv,
  };
}
