// The short fault matrix of the normal test suite: 20,000 ops, each fault once, at moments
// from a seed printed with the report (CHAOS_SEED=N repeats a run). The long run is
// `npx nx run chaos:chaos -- --ops 200000 --seed N`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FAULT_KINDS } from './faults';
import { runFaultMatrix } from './matrix';
import { formatReport } from './report';

test('20,000 mixed ops under each fault once: equal tables, nothing lost, nothing applied twice, slot never ahead', async () => {
  const seed = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const result = await runFaultMatrix({
    ops: 20_000,
    seed,
    rounds: 1,
    log: (line) => console.log(line),
  });
  const report = formatReport(result);
  console.log(report);
  // The report goes into the failure message too: a CI summary may show only the failures.
  assert.deepEqual(result.violations, [], `seed ${seed} (CHAOS_SEED=${seed} repeats it)\n${report}`);
  assert.deepEqual(result.faults.map((f) => f.kind).sort(), [...FAULT_KINDS].sort());
  assert.ok(result.workload.ops >= 20_000, `${result.workload.ops} ops`);
  assert.ok((result.consistency?.audit.writes ?? 0) > 10_000, 'the audit saw the applier write');
  assert.ok(result.slot.samples >= 20, `slot sampled ${result.slot.samples} times`);
});
