// The printed outcome of a run: the faults injected and what the checks found.
import { FAULT_DESCRIPTIONS } from './faults';
import type { MatrixResult } from './matrix';

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const seconds = (s: number | undefined) => (s === undefined ? 'never' : s.toFixed(1));

export function formatReport(result: MatrixResult): string {
  const { options, workload } = result;
  const out: string[] = [];
  out.push(
    `fault matrix: seed ${options.seed}, ${options.ops} ops, ${options.rounds} round(s) of each fault, ` +
      `${options.appliers ?? 2} appliers, ${options.partitions ?? 4} partitions` +
      (options.overlap ? ', faults overlapping the catch-up of the previous one' : ''),
  );
  out.push('');
  out.push(
    table(
      ['#', 'fault', 'at s', 'at ops', 'down s', 'catch-up s', 'what'],
      result.faults.map((f, i) => [
        String(i + 1),
        f.kind,
        f.atS.toFixed(1),
        String(f.opsAt),
        f.downS.toFixed(1),
        seconds(f.catchUpS),
        [FAULT_DESCRIPTIONS[f.kind], ...f.notes].join('; '),
      ]),
    ),
  );
  out.push('');
  const c = result.consistency;
  const count = (n: number | undefined) => (n === undefined ? 'not checked' : String(n));
  const rows: string[][] = [
    [
      'workload',
      `${workload.ops} ops in ${workload.transactions} transactions, ${result.workloadS.toFixed(1)} s ` +
        `(${workload.retried} retried after a server loss, ${workload.ambiguousCommits} commits checked after a lost answer)`,
    ],
    ['converged after the workload', result.convergeS === undefined ? 'no' : `${result.convergeS.toFixed(1)} s`],
    ...(c?.tables ?? []).map((t) => [
      `table ${t.table}`,
      t.equal ? `equal (${t.source})` : `DIFFERENT: source ${t.source}, destination ${t.destination}`,
    ]),
    ['destination writes audited', count(c?.audit.writes)],
    ['ops lost', count(c?.audit.lost.length)],
    ['ops applied twice', count(c === undefined ? undefined : c.audit.appliedTwice.length + c.duplicates.length)],
    ['writes out of order', count(c?.audit.outOfOrder.length)],
    [
      'slot ahead of destination',
      `${result.slot.violations.length} (${result.slot.samples} samples, ${result.slot.skipped} skipped while a server was down)`,
    ],
    [
      'services that exited on their own',
      result.unexpectedExits.length === 0
        ? '0'
        : result.unexpectedExits
            .map((e) => `${e.kind} at ${e.atS.toFixed(1)} s (code ${e.code}): ${e.lastLine.slice(0, 160)}`)
            .join('\n  '),
    ],
  ];
  out.push(table(['check', 'outcome'], rows));
  out.push('');
  if (result.violations.length === 0) out.push('PASS: no violation');
  else out.push(`FAIL: ${result.violations.length} violation(s)\n${result.violations.map((v) => `- ${v}`).join('\n')}`);
  out.push(`service logs: ${result.logDir}`);
  return out.join('\n');
}
