import { comparePositions, type ChangeOp, type Column, type Position, type TableSchema } from '@cdc/change-envelope';
import { decodeCheckpointLanes, encodeCheckpointLanes } from './checkpoint-filter';
import { diffTableSchemas } from './schema-change';
import type { TargetTable } from './sink';

// The destination-independent half of following the source's schema (create_tables): the
// source schema a destination table was last evolved to, stored beside the checkpoint, and the
// plan that moves the table from it to the schemas a batch's ops carry (schema-change.ts says
// which changes are safe). An engine runs the plan's steps in its own DDL.

/**
 * The source schema a destination table was last evolved to, as sinks store it next to their
 * checkpoint table (one text column; the same for every destination engine).
 */
export function encodeSourceSchema(table: TableSchema): string {
  return JSON.stringify({
    hasKey: table.hasKey,
    columns: table.columns.map((c) => [c.name, c.type, c.key, c.nullable, c.typeOid, c.elementTypeOid]),
  });
}

export function decodeSourceSchema(schema: string, table: string, text: string): TableSchema {
  const parsed = JSON.parse(text) as { hasKey: boolean; columns: [string, string, boolean, boolean, number, number][] };
  return {
    schema,
    table,
    hasKey: parsed.hasKey,
    columns: parsed.columns.map(([name, type, key, nullable, typeOid, elementTypeOid]) => ({
      name,
      type,
      key,
      nullable,
      typeOid,
      elementTypeOid,
    })),
  };
}

/** The source schema a destination table was last evolved to, and where in the stream that was. */
export interface StoredSchema {
  readonly table: TableSchema;
  /** Per ordering lane, the position of the op that brought this schema. */
  readonly lanes: ReadonlyMap<string, Position>;
}

/** One step of evolving a destination table, in the order a sink must run them. */
export type EvolutionStep =
  | { readonly kind: 'add'; readonly column: Column }
  | { readonly kind: 'widen'; readonly from: Column; readonly column: Column }
  | { readonly kind: 'relax'; readonly column: Column }
  | { readonly kind: 'drop'; readonly column: Column };

/** What a sink has to do to a destination table before applying ops of the given schemas. */
export interface EvolutionPlan {
  readonly steps: readonly EvolutionStep[];
  /** The record to store when the steps are done (undefined: unchanged). */
  readonly stored: StoredSchema | undefined;
}

/**
 * Plans the evolution of one destination table for the schemas its pending ops carry (in op
 * order, each with the position of its first op). A schema only moves the table forward when
 * its op is newer than the stored one in the same lane; an older one (a redelivered op from
 * before a change already applied) changes nothing, and its columns that were dropped since are
 * simply not written (see `isDroppedSince`).
 *
 * Dropped columns are dropped only on the single lane of a Postgres source. With several lanes
 * (Vitess shards) each shard reports the change when it reaches it, so a column dropped on one
 * shard still arrives from the others: it is made nullable and kept.
 *
 * `existing` holds the destination's column names (the table exists): columns of a first
 * schema that the destination lacks are added; stored columns already present are not re-added
 * (a crash between DDL and commit makes the steps run again).
 */
export function planEvolution(
  stored: StoredSchema | undefined,
  schemas: readonly { readonly table: TableSchema; readonly position: Position }[],
  existing: ReadonlySet<string>,
): EvolutionPlan {
  const steps: EvolutionStep[] = [];
  const present = new Set(existing);
  let current = stored;
  let changed = false;
  for (const { table, position } of schemas) {
    const lane = position.lane ?? '';
    if (current === undefined) {
      for (const column of table.columns) {
        if (!present.has(column.name)) {
          steps.push({ kind: 'add', column });
          present.add(column.name);
        }
      }
      current = { table, lanes: new Map([[lane, position]]) };
      changed = true;
      continue;
    }
    const last = current.lanes.get(lane);
    if (last !== undefined && comparePositions(position, last) <= 0) continue;
    const changes = diffTableSchemas(current.table, table);
    for (const column of changes.added) {
      if (!present.has(column.name)) {
        steps.push({ kind: 'add', column });
        present.add(column.name);
      }
    }
    for (const { from, to } of changes.widened) steps.push({ kind: 'widen', from, column: to });
    for (const column of changes.relaxed) steps.push({ kind: 'relax', column });
    for (const column of changes.dropped) {
      if (!present.has(column.name)) continue;
      if (lane === '') {
        steps.push({ kind: 'drop', column });
        present.delete(column.name);
      } else if (!column.nullable) {
        steps.push({ kind: 'relax', column: { ...column, nullable: true } });
      }
    }
    const lanes = new Map(current.lanes);
    lanes.set(lane, position);
    current = { table, lanes };
    changed = true;
  }
  return { steps, stored: changed ? current : undefined };
}

/**
 * A source column the destination no longer has, because a newer schema (stored) dropped it:
 * ops from before the drop are applied without it.
 */
export function isDroppedSince(stored: StoredSchema | undefined, op: { position: Position }, column: string): boolean {
  if (stored === undefined || stored.table.columns.some((c) => c.name === column)) return false;
  const last = stored.lanes.get(op.position.lane ?? '');
  return last === undefined || comparePositions(op.position, last) <= 0 || (op.position.lane ?? '') !== '';
}

export function encodeStoredSchema(stored: StoredSchema): { schema: string; positions: string } {
  return { schema: encodeSourceSchema(stored.table), positions: encodeCheckpointLanes(stored.lanes) };
}

export function decodeStoredSchema(
  table: Pick<TableSchema, 'schema' | 'table'>,
  schema: string,
  positions: string,
): StoredSchema {
  return {
    table: decodeSourceSchema(table.schema, table.table, schema),
    lanes: decodeCheckpointLanes(positions),
  };
}

/** The schemas a batch's ops carry for one destination table, in op order (see planEvolution). */
export interface TargetSchemas {
  readonly target: TargetTable;
  /** The first op written to the table (named when its evolution fails). */
  readonly first: ChangeOp;
  readonly schemas: { readonly table: TableSchema; readonly position: Position }[];
}

/**
 * The pending ops' schemas per destination table (keyed by the engine's quoted name), each with
 * the position of its first op: what planEvolution takes. DDL ops carry no rows and are passed over.
 */
export function schemasPerTarget(
  pending: readonly ChangeOp[],
  targetOf: (op: ChangeOp) => { readonly target: TargetTable; readonly id: string },
): Map<string, TargetSchemas> {
  const perTarget = new Map<string, TargetSchemas>();
  let previous: TableSchema | undefined;
  for (const op of pending) {
    // Runs of ops of one table schema are the common case: mapped once per run.
    if (op.kind === 'ddl' || op.table === previous) continue;
    previous = op.table;
    const { target, id } = targetOf(op);
    let entry = perTarget.get(id);
    if (entry === undefined) perTarget.set(id, (entry = { target, first: op, schemas: [] }));
    if (entry.schemas[entry.schemas.length - 1]?.table !== op.table)
      entry.schemas.push({ table: op.table, position: op.position });
  }
  return perTarget;
}
