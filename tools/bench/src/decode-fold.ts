// The applier's per-op work before SQL, alone: decode a 2,000-op message (rows as COPY text, as
// the Postgres reader writes them) and fold it with the one planner. Inserts, then updates of
// the same keys, then deletes, like the drain's phases; ns per op, best of 5 rounds of 200
// messages each, and the time spent in garbage collection over all rounds.
//   node --import tsx tools/bench/src/decode-fold.ts
import { decodeBatch, encodeBatch, textOp, type ChangeOp, type TableSchema } from '@cdc/change-envelope';
import { foldOps } from '@cdc/apply';
import { PerformanceObserver } from 'node:perf_hooks';

const table: TableSchema = {
  schema: 'public',
  table: 't1',
  hasKey: true,
  columns: [
    { name: 'id', type: 'int8', key: true, nullable: false, typeOid: 20, elementTypeOid: 0, valueKind: 'integer' },
    { name: 'n', type: 'int4', key: false, nullable: true, typeOid: 23, elementTypeOid: 0, valueKind: 'integer' },
    { name: 'note', type: 'text', key: false, nullable: true, typeOid: 25, elementTypeOid: 0, valueKind: 'text' },
    {
      name: 'at',
      type: 'timestamptz',
      key: false,
      nullable: true,
      typeOid: 1184,
      elementTypeOid: 0,
      valueKind: 'timestamptz',
    },
  ],
};

function message(kind: 'insert' | 'update' | 'delete', first: number): Uint8Array {
  const ops: ChangeOp[] = [];
  for (let i = 0; i < 2000; i += 1) {
    const id = first + i;
    const row = Buffer.from(`${id}\t${id % 1000}\tnote ${id} ${'x'.repeat(90)}\t2026-12-07 01:02:03.456789+00`);
    ops.push(
      textOp({
        kind,
        table,
        position: { commit: BigInt(1_000_000 + Math.floor(id / 100)), index: id % 100 },
        commitTimeUs: 0,
        text: kind === 'delete' ? { key: Buffer.from(String(id)) } : { after: row },
      }),
    );
  }
  return encodeBatch({ source: 'bench', partition: 0, ops });
}

const messages = [message('insert', 1), message('update', 1), message('delete', 1)];
let gcMs = 0;
const gc = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
});
gc.observe({ entryTypes: ['gc'] });
let best = Infinity;
let totalMs = 0;
for (let round = 0; round < 5; round += 1) {
  const started = process.hrtime.bigint();
  let steps = 0;
  for (let i = 0; i < 200; i += 1) {
    const { ops } = decodeBatch(messages[i % 3]);
    steps += foldOps(ops).steps.length;
  }
  const elapsed = Number(process.hrtime.bigint() - started);
  totalMs += elapsed / 1e6;
  best = Math.min(best, elapsed / (200 * 2000));
  if (steps === 0) throw new Error('nothing folded');
}
// GC entries arrive after the work that caused them: let the observer catch up first.
setTimeout(() => {
  gc.disconnect();
  console.log(
    `decode + fold: ${best.toFixed(0)} ns an op (best round); GC ${((gcMs / totalMs) * 100).toFixed(0)}% of the time`,
  );
}, 100);
