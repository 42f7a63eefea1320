// What `npm run bench` runs: every benchmark (each measures its own baseline in the same
// process), scaled together, or the ones named with --only.

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

export const BENCHMARK_NAMES = BENCHMARKS.map((b) => b.name);

/** Default scale: the whole suite in a few minutes on 2 cores. */
export const DEFAULT_SCALE = 0.25;

const USAGE = `flags: --scale F (default ${DEFAULT_SCALE}), --only ${BENCHMARK_NAMES.join('|')} (repeatable or comma-separated), --no-docs`;

export function planSuite(argv: readonly string[]): SuiteStep[] {
  let scale = DEFAULT_SCALE;
  const only: string[] = [];
  let docs = true;
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
    } else if (name === 'no-docs') docs = false;
    else throw new Error(`unexpected argument "${argv[i]}" (${USAGE})`);
  }
  return BENCHMARKS.filter((b) => only.length === 0 || only.includes(b.name)).map((b) => ({
    name: b.name,
    script: b.script,
    args: [...b.size(scale), ...(docs ? [] : ['--no-docs'])],
  }));
}
