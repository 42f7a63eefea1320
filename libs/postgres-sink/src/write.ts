import type pg from 'pg';
import { expandRows, type ChangeOp, type TableSchema } from '@cdc/change-envelope';
import { blankColumns, foldOps, type SinkBatch } from '@cdc/apply';
import { statementName, type TableBinding } from './binding';
import { isModelOp, modelStatement } from './models';
import { copyRows, statementsOf, type Statement } from './statements';
import type { DestinationTables } from './tables';

/**
 * Writes the ops past the checkpoint: shaped (consolidation), the tables created and evolved
 * (create_tables), bound to their destination tables; runs of clone ops through the one
 * planner (libs/apply, foldOps) and this engine's statements, history/append-only ops and a
 * fan-in truncate one statement each, in source order between the runs.
 */
export async function writeOps(
  client: pg.PoolClient,
  tables: DestinationTables,
  createTables: boolean,
  batch: SinkBatch,
  ops: ChangeOp[],
  fold: boolean,
  extra: { ddlIgnored: number },
  running: (statement: Statement | undefined) => void,
): Promise<void> {
  let pending = tables.shape(batch, ops);
  if (createTables) pending = await tables.evolve(client, batch, pending);
  const bindings = new Map<TableSchema, TableBinding>();
  for (const op of pending) {
    if (op.kind !== 'ddl' && !bindings.has(op.table)) bindings.set(op.table, await tables.bind(client, batch, op));
  }
  if (tables.ignored.size > 0) {
    pending = pending.flatMap((op) => {
      const binding = op.kind === 'ddl' ? undefined : bindings.get(op.table);
      const names = binding === undefined ? undefined : tables.ignored.get(binding);
      return names === undefined ? [op] : expandRows(op).map((row) => blankColumns(row, names));
    });
  }
  let run: ChangeOp[] = [];
  const flush = async () => {
    if (run.length === 0) return;
    const { steps, ddl } = foldOps(run, {
      targetOf: (op) => bindings.get(op.table)!.id,
      // A snapshot chunk goes in with COPY as it is when the table is known to hold none of its
      // rows: the source truncated it for this snapshot, or this sink created it and has written
      // only chunks (of disjoint rows) since; and when nothing changes its rows on the way.
      loadAsIs: (op) => {
        const binding = bindings.get(op.table)!;
        return (op.intoEmpty === true || tables.freshTables.has(binding.id)) && !tables.ignored.has(binding);
      },
      fold,
    });
    run = [];
    extra.ddlIgnored += ddl;
    for (let i = 0; i < steps.length; i += 1) {
      const step = steps[i];
      if (step.kind === 'load') {
        const binding = bindings.get(step.op.table)!;
        const chunks = [step.op.text?.after ?? new Uint8Array()];
        for (
          let next = steps[i + 1];
          next?.kind === 'load' && bindings.get(next.op.table) === binding;
          next = steps[i + 1]
        ) {
          chunks.push(next.op.text?.after ?? new Uint8Array());
          i += 1;
        }
        running({ text: `COPY ${binding.id}`, values: [], op: step.op });
        await copyRows(client, binding, chunks);
        continue;
      }
      const binding = bindings.get(step.kind === 'op' ? step.op.table : step.table)!;
      tables.freshTables.delete(binding.id);
      for (const statement of statementsOf(step, binding)) {
        running(statement);
        await client.query({ name: statementName(statement.text), text: statement.text, values: statement.values });
      }
    }
    running(undefined);
  };
  for (const op of pending) {
    if (!isModelOp(op)) {
      run.push(op);
      continue;
    }
    await flush();
    const binding = bindings.get(op.table)!;
    const model = modelStatement(op, binding, tables.ignored.get(binding));
    if (model === undefined) continue;
    running({ text: model.text, values: [], op });
    await client.query({ name: statementName(model.text), text: model.text, values: model.values });
    running(undefined);
  }
  await flush();
}
