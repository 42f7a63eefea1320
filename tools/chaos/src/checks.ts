// The checks of a run: tables equal, nothing lost, nothing applied twice, slot never ahead.
import { COMPARE_OPTIONS } from '@cdc/pipeline-fixture';
import { TABLES, type ChaosTable } from './schema';

export { COMPARE_OPTIONS };

export type Query = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/** Row count and an md5 over the rows' text in key order (then row text, for keyless tables). */
export async function tableChecksum(query: Query, table: ChaosTable): Promise<string> {
  // Identifiers are our constants (schema.ts), quoted all the same.
  const [row] = await query(
    `SELECT count(*)::int8::text AS n,
            md5(coalesce(string_agg(md5(r), '' ORDER BY k, r), '')) AS digest
       FROM (SELECT t."${table.key}" AS k, t::text AS r FROM public."${table.name}" t) s`,
  );
  return `${String(row.n)} rows, md5 ${String(row.digest)}`;
}

export interface TableComparison {
  readonly table: string;
  readonly source: string;
  readonly destination: string;
  readonly equal: boolean;
}

export async function compareTables(source: Query, destination: Query): Promise<TableComparison[]> {
  const out: TableComparison[] = [];
  for (const table of TABLES) {
    const [left, right] = await Promise.all([
      tableChecksum(source, table),
      tableChecksum(destination, table).catch((error: Error) => `unreadable: ${error.message}`),
    ]);
    out.push({ table: table.name, source: left, destination: right, equal: left === right });
  }
  return out;
}

/** One write the applier made at the destination, as the audit trigger saw it. */
export interface AuditEvent {
  readonly id: number;
  readonly table: string;
  /** Absent for a truncate. */
  readonly rid?: number;
  readonly op: 'I' | 'U' | 'D' | 'T';
  readonly oldV?: number;
  readonly newV?: number;
}

export interface AuditFinding {
  readonly table: string;
  readonly rid: number;
  readonly problem: string;
}

export interface AuditResult {
  /** Writes that re-applied a version the row already had or had passed (or a second insert). */
  readonly appliedTwice: AuditFinding[];
  /** Writes that do not follow the row's previous write (an update of another version, a delete of an unseen row). */
  readonly outOfOrder: AuditFinding[];
  /** Rows whose last applied state differs from the source's: missing, behind, or not deleted. */
  readonly lost: AuditFinding[];
  readonly writes: number;
}

/** `max`: the highest version ever applied to the row; a write at or below it re-applies a version. */
type RowState = { deleted: false; v: number | undefined; max: number | undefined } | { deleted: true };

/**
 * Replays the destination's audit against the source's final rows. The applier folds several
 * ops on one key into one write, so versions may skip; they must never repeat or go backwards,
 * and the last one must be the source's.
 */
export function checkAudit(
  events: readonly AuditEvent[],
  sourceRows: ReadonlyMap<string, ReadonlyMap<number, number | undefined>>,
): AuditResult {
  const appliedTwice: AuditFinding[] = [];
  const outOfOrder: AuditFinding[] = [];
  const lost: AuditFinding[] = [];
  const state = new Map<string, Map<number, RowState>>();
  const rowsOf = (table: string) => {
    let rows = state.get(table);
    if (rows === undefined) state.set(table, (rows = new Map()));
    return rows;
  };
  let writes = 0;
  for (const event of events) {
    const rows = rowsOf(event.table);
    if (event.op === 'T') {
      rows.clear();
      continue;
    }
    writes += 1;
    const rid = event.rid as number;
    const before = rows.get(rid);
    const at = `audit #${event.id}`;
    if (event.op === 'I') {
      if (before !== undefined) {
        const what = before.deleted ? 'a deleted row' : `a row already at v${before.v ?? '-'}`;
        appliedTwice.push({ table: event.table, rid, problem: `${at}: insert v${event.newV ?? '-'} of ${what}` });
      }
      rows.set(rid, { deleted: false, v: event.newV, max: event.newV });
    } else if (event.op === 'U') {
      if (before === undefined || before.deleted) {
        outOfOrder.push({ table: event.table, rid, problem: `${at}: update of a row never inserted or deleted` });
      } else if (event.newV === undefined || before.max === undefined || event.newV <= before.max) {
        appliedTwice.push({
          table: event.table,
          rid,
          problem: `${at}: update to v${event.newV ?? '-'} after v${before.max ?? '-'} was applied (version applied again)`,
        });
      } else if (event.oldV !== before.v) {
        outOfOrder.push({
          table: event.table,
          rid,
          problem: `${at}: update found v${event.oldV ?? '-'}, last applied was v${before.v}`,
        });
      }
      const max = before !== undefined && !before.deleted ? before.max : undefined;
      rows.set(rid, {
        deleted: false,
        v: event.newV,
        max: max === undefined || event.newV === undefined ? event.newV : Math.max(max, event.newV),
      });
    } else {
      if (before === undefined || before.deleted) {
        outOfOrder.push({ table: event.table, rid, problem: `${at}: delete of a row never inserted or deleted` });
      }
      rows.set(rid, { deleted: true });
    }
  }
  for (const [table, expected] of sourceRows) {
    const applied = rowsOf(table);
    for (const [rid, v] of expected) {
      const got = applied.get(rid);
      if (got === undefined || got.deleted) {
        lost.push({
          table,
          rid,
          problem: `source has v${v ?? '-'}, destination ${got ? 'deleted it' : 'never had it'}`,
        });
      } else if (got.v !== v) {
        lost.push({ table, rid, problem: `source has v${v ?? '-'}, destination's last write was v${got.v ?? '-'}` });
      }
    }
    for (const [rid, got] of applied) {
      if (!got.deleted && !expected.has(rid)) {
        lost.push({ table, rid, problem: `deleted at the source, destination still has v${got.v ?? '-'}` });
      }
    }
  }
  return { appliedTwice, outOfOrder, lost, writes };
}

export async function readAudit(destination: Query): Promise<AuditEvent[]> {
  const rows = await destination(`SELECT id, tbl, rid, op, old_v, new_v FROM chaos_audit.applied ORDER BY id`);
  return rows.map((r) => ({
    id: Number(r.id),
    table: String(r.tbl),
    rid: r.rid === null ? undefined : Number(r.rid),
    op: String(r.op) as AuditEvent['op'],
    oldV: r.old_v === null ? undefined : Number(r.old_v),
    newV: r.new_v === null ? undefined : Number(r.new_v),
  }));
}

/** Each table's rows by key -> version (undefined for an unversioned table). */
export async function readVersions(query: Query): Promise<Map<string, Map<number, number | undefined>>> {
  const out = new Map<string, Map<number, number | undefined>>();
  for (const table of TABLES) {
    const rows = await query(
      `SELECT "${table.key}"::text AS rid${table.versioned ? ', v' : ''} FROM public."${table.name}"`,
    );
    const versions = new Map<number, number | undefined>();
    for (const r of rows) versions.set(Number(r.rid), table.versioned ? Number(r.v) : undefined);
    out.set(table.name, versions);
  }
  return out;
}

/** Keys present more than once at the destination (a keyless row inserted twice). */
export async function duplicateKeys(destination: Query): Promise<AuditFinding[]> {
  const out: AuditFinding[] = [];
  for (const table of TABLES) {
    const rows = await destination(
      `SELECT "${table.key}"::text AS rid, count(*)::int AS n FROM public."${table.name}"
        GROUP BY 1 HAVING count(*) > 1 ORDER BY 1 LIMIT 20`,
    );
    for (const r of rows) out.push({ table: table.name, rid: Number(r.rid), problem: `${String(r.n)} copies` });
  }
  return out;
}

export interface ConsistencyReport {
  readonly tables: TableComparison[];
  readonly audit: AuditResult;
  readonly duplicates: AuditFinding[];
}

/** Every end-of-run check that reads both databases. */
export async function checkConsistency(source: Query, destination: Query): Promise<ConsistencyReport> {
  const tables = await compareTables(source, destination);
  const [events, sourceRows, duplicates] = await Promise.all([
    readAudit(destination),
    readVersions(source),
    duplicateKeys(destination),
  ]);
  return { tables, audit: checkAudit(events, sourceRows), duplicates };
}

export function consistencyViolations(report: ConsistencyReport): string[] {
  const out: string[] = [];
  for (const t of report.tables) {
    if (!t.equal) out.push(`${t.table}: source ${t.source}, destination ${t.destination}`);
  }
  const list = (what: string, findings: readonly AuditFinding[]) => {
    if (findings.length === 0) return;
    const first = findings
      .slice(0, 5)
      .map((f) => `${f.table} ${f.rid}: ${f.problem}`)
      .join('; ');
    out.push(`${findings.length} ${what} (${first}${findings.length > 5 ? '; …' : ''})`);
  };
  list('ops lost', report.audit.lost);
  list('ops applied twice', report.audit.appliedTwice);
  list('writes out of order', report.audit.outOfOrder);
  list('duplicated keys', report.duplicates);
  return out;
}

export function lsnToBigint(text: string): bigint {
  const [hi, lo] = text.split('/');
  return (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
}

export function bigintToLsn(value: bigint): string {
  return `${(value >> 32n).toString(16).toUpperCase()}/${(value & 0xffffffffn).toString(16).toUpperCase()}`;
}
