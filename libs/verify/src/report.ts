import type { RowDifference } from './row-diff';
import type { TableReport, VerifyProgress, VerifyReport } from './verify';

/** Keys printed per table in the text report (the JSON report lists more). */
const PRINTED_KEYS = 20;

/** The human report: one line per table, then the differing keys, then the verdict. */
export function renderReport(report: VerifyReport): string {
  const lines: string[] = [];
  if (report.resumedFrom) lines.push(`resumed the interrupted run started ${report.resumedFrom}`);
  for (const table of report.tables) {
    lines.push(tableLine(table));
    for (const note of table.notes) lines.push(`    note: ${note}`);
    if (table.reason) lines.push(`    ${table.status === 'skipped' ? 'skipped' : 'problem'}: ${table.reason}`);
    if (table.repair)
      lines.push(
        'notRepaired' in table.repair
          ? `    not repaired: ${table.repair.notRepaired}`
          : `    repair: ${table.repair.resent} rows sent again, ${table.repair.deleted} deletes sent, ` +
              `${table.repair.changedMeanwhile} changed meanwhile (the stream carries them); verify again to confirm`,
      );
    for (const difference of table.differences.slice(0, PRINTED_KEYS)) lines.push(`    ${differenceLine(difference)}`);
    const more = table.missing + table.extra + table.different - Math.min(PRINTED_KEYS, table.differences.length);
    if (more > 0) lines.push(`    ... and ${more} more (--json lists up to 1000)`);
  }
  const differing = report.tables.filter((t) => t.status === 'different').length;
  lines.push(
    report.tables.length === 0
      ? 'no table to compare (check --source, --destination, --tables)'
      : report.equal
        ? `equal: ${report.tables.length} table(s) in ${report.seconds.toFixed(1)} s`
        : `NOT EQUAL: ${differing} of ${report.tables.length} table(s) differ (${report.seconds.toFixed(1)} s)`,
  );
  return lines.join('\n');
}

function tableLine(table: TableReport): string {
  const target = `${table.source} ${table.table} -> ${table.destination} ${table.destinationTable}`;
  if (table.status === 'skipped') return `skipped   ${target}`;
  const counts =
    `${table.rows} rows, ${table.chunks} chunks (${table.rechecked} rechecked), ` +
    `${table.missing} missing, ${table.extra} extra, ${table.different} different, ` +
    `${table.seconds.toFixed(1)} s, ${table.rowsPerSecond} rows/s`;
  return `${table.status === 'equal' ? 'equal    ' : 'DIFFERENT'} ${target}: ${counts}`;
}

function differenceLine(difference: RowDifference): string {
  const key = `(${difference.key.join(', ')})`;
  if (difference.kind === 'missing') return `missing at the destination: key ${key}`;
  if (difference.kind === 'extra') return `extra at the destination:   key ${key}`;
  return `different:                  key ${key} columns ${difference.columns?.join(', ')}`;
}

/** One progress line (for a terminal: redrawn in place), with the ETA from the rate so far. */
export function renderProgress(progress: VerifyProgress, startedAtMs: number, nowMs = Date.now()): string {
  const seconds = Math.max(0.001, (nowMs - startedAtMs) / 1000);
  const rate = progress.rowsDone / seconds;
  const total = Math.max(progress.rowsEstimated, progress.rowsDone);
  const fraction = total > 0 ? progress.rowsDone / total : 0;
  const width = 24;
  const filled = Math.round(fraction * width);
  const eta = rate > 0 && total > progress.rowsDone ? `${Math.ceil((total - progress.rowsDone) / rate)} s left` : '';
  return (
    `${progress.table} -> ${progress.destination} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` +
    `${Math.round(fraction * 100)}% ${progress.rowsDone}/${total} rows, ${Math.round(rate)} rows/s` +
    `${progress.differences > 0 ? `, ${progress.differences} differences` : ''}${eta ? `, ${eta}` : ''}`
  );
}
