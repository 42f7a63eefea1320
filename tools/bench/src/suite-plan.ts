// What `npm run bench` runs: every benchmark (each measures its own baseline in the same
// process), scaled together, or the ones named with --only; with --repeat N, N passes over them,
// ours first in one pass and the baselines first in the next.
import { parseOrderChoice, type OrderChoice } from './contender-order';

export interface SuiteStep {
  readonly name: string;
  readonly script: string;
  readonly args: readonly string[];
}

/** Benchmarks by name: script, and its size flag at scale 1. */
const BENCHMARKS: ReadonlyArray<{ name: string; script: string; size: (scale: number) => string[] }> = [
  { name: 'pg-to-pg', script: 'pg-to-pg.ts', size: (s) => ['--scale', String(s)] },
  {
    name: 'appliers',
    script: 'appliers.ts',
    size: (s) => ['--rows', String(Math.max(1_000, Math.round(800_000 * s)))],
  },
  {
    name: 'vitess',
    script: 'vitess-to-pg.ts',
    size: (s) => ['--rows', String(Math.max(1_000, Math.round(800_000 * s)))],
  },
  {
    name: 'mariadb',
    script: 'pg-to-mariadb.ts',
    size: (s) => ['--rows', String(Math.max(1_000, Math.round(200_000 * s)))],
  },
  {
    name: 'tracing',
    script: 'tracing-overhead.ts',
    size: (s) => ['--ops', String(Math.max(10_000, Math.round(400_000 * s)))],
  },
];

/** Tracing interleaves its modes round by round itself and takes no --order. */
const UNORDERED = new Set(['tracing']);

export const BENCHMARK_NAMES = BENCHMARKS.map((b) => b.name);

/** Default scale: the whole suite in a few minutes on 2 cores. */
export const DEFAULT_SCALE = 0.25;

const USAGE =
  `flags: --scale F (default ${DEFAULT_SCALE}), --only ${BENCHMARK_NAMES.join('|')} (repeatable or comma-separated), ` +
  '--repeat N, --order ours-first|baseline-first|alternate, --no-docs';

/** The order of pass `pass` (from 0): as asked, else alternating over the passes, else each benchmark's own alternation. */
function passOrder(order: OrderChoice, pass: number, repeat: number): string | undefined {
  if (order !== 'alternate') return order;
  if (repeat === 1) return undefined;
  return pass % 2 === 0 ? 'ours-first' : 'baseline-first';
}

export function planSuite(argv: readonly string[]): SuiteStep[] {
  let scale = DEFAULT_SCALE;
  const only: string[] = [];
  let docs = true;
  let repeat = 1;
  let order: OrderChoice = 'alternate';
  for (let i = 0; i < argv.length; i += 1) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    const name = match?.[1];
    const value = () => {
      const v = match?.[2] ?? argv[++i];
      if (v === undefined) throw new Error(`--${name} needs a value (${USAGE})`);
      return v;
    };
    if (name === 'scale') {
      const text = value();
      scale = Number(text);
      if (!(scale > 0)) throw new Error(`--scale must be a number > 0, got ${text}`);
    } else if (name === 'only') {
      for (const n of value().split(',')) {
        if (!BENCHMARK_NAMES.includes(n)) throw new Error(`--only: unknown benchmark "${n}" (${USAGE})`);
        only.push(n);
      }
    } else if (name === 'repeat') {
      const text = value();
      repeat = Number(text);
      if (!Number.isInteger(repeat) || repeat < 1) throw new Error(`--repeat must be an integer >= 1, got ${text}`);
    } else if (name === 'order') order = parseOrderChoice(value());
    else if (name === 'no-docs') docs = false;
    else throw new Error(`unexpected argument "${argv[i]}" (${USAGE})`);
  }
  const picked = BENCHMARKS.filter((b) => only.length === 0 || only.includes(b.name));
  return Array.from({ length: repeat }, (_, pass) =>
    picked.map((b) => {
      const ordered = UNORDERED.has(b.name) ? undefined : passOrder(order, pass, repeat);
      return {
        name: b.name,
        script: b.script,
        args: [...b.size(scale), ...(ordered ? ['--order', ordered] : []), ...(docs ? [] : ['--no-docs'])],
      };
    }),
  ).flat();
}
