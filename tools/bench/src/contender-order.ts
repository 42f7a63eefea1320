// Which contender of a benchmark runs first. The one that runs second finds the page cache and
// the destination's buffer pool warm, and the machine (shared, 2 cores) perhaps busier or
// idler, so a fixed order favours one side. `--order alternate` (the default) flips the order of
// the last recorded run of the same benchmark; the order used is recorded in the result file and
// printed in the report.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type ContenderOrder = 'ours-first' | 'baseline-first';
export const ORDER_CHOICES = ['ours-first', 'baseline-first', 'alternate'] as const;
export type OrderChoice = (typeof ORDER_CHOICES)[number];

/** The value of `--order`, checked; `alternate` when absent. */
export function parseOrderChoice(text: string | undefined): OrderChoice {
  if (text === undefined) return 'alternate';
  if (!(ORDER_CHOICES as readonly string[]).includes(text))
    throw new Error(`--order takes ${ORDER_CHOICES.join(', ')}, got ${text}`);
  return text as OrderChoice;
}

/** `--order X` or `--order=X` from a command line. */
export function orderFlag(argv: readonly string[]): OrderChoice {
  const inline = argv.find((a) => a.startsWith('--order='));
  if (inline) return parseOrderChoice(inline.slice('--order='.length));
  const at = argv.indexOf('--order');
  if (at >= 0 && argv[at + 1] === undefined) throw new Error('--order needs a value');
  return parseOrderChoice(at >= 0 ? argv[at + 1] : undefined);
}

/** The order of this run: the one asked for, or the other one than the previous run's (ours first without one). */
export function resolveOrder(choice: OrderChoice, previous: ContenderOrder | undefined): ContenderOrder {
  if (choice !== 'alternate') return choice;
  return previous === 'ours-first' ? 'baseline-first' : 'ours-first';
}

/** The order recorded (`info.order`) in the newest result file `<name>-<time>.json` of a benchmark. */
export function lastRecordedOrder(resultsDir: string, name: string): ContenderOrder | undefined {
  let files: string[];
  try {
    files = readdirSync(resultsDir);
  } catch {
    return undefined;
  }
  const own = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-\\d{4}-\\d{2}-\\d{2}T.*\\.json$`);
  for (const file of files
    .filter((f) => own.test(f))
    .sort()
    .reverse()) {
    try {
      const order = (JSON.parse(readFileSync(join(resultsDir, file), 'utf8')) as { info?: { order?: unknown } }).info
        ?.order;
      if (order === 'ours-first' || order === 'baseline-first') return order;
    } catch {
      // A half-written or foreign file: look at the one before.
    }
  }
  return undefined;
}

/** The order of this invocation of benchmark `name`, from its `--order` flag and tools/bench/results. */
export function contenderOrder(argv: readonly string[], repo: string, name: string): ContenderOrder {
  return resolveOrder(orderFlag(argv), lastRecordedOrder(join(repo, 'tools', 'bench', 'results'), name));
}

/** Ours and the baselines in the order of the run. */
export function arrange<T>(order: ContenderOrder, ours: readonly T[], baselines: readonly T[]): T[] {
  return order === 'ours-first' ? [...ours, ...baselines] : [...baselines, ...ours];
}

/** The report's line on the order. */
export function orderLine(order: ContenderOrder, sequence?: string): string {
  return (
    `- Order of contenders: ${order === 'ours-first' ? 'ours first' : 'baseline first'}${sequence ? ` (${sequence})` : ''}; ` +
    '`--order alternate`, the default, flips it on every invocation.'
  );
}
