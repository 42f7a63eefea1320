import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLUSTER_FAULT_KINDS, FAULT_KINDS, planFaults } from './faults';

test('the fault plan is a function of the seed: every kind once per round, in order of ops, inside the workload', () => {
  const plan = planFaults(42, 200_000, 5);
  assert.deepEqual(planFaults(42, 200_000, 5), plan);
  assert.notDeepEqual(
    planFaults(43, 200_000, 5).map((f) => f.kind),
    plan.map((f) => f.kind),
  );
  assert.equal(plan.length, 30);
  for (let round = 0; round < 5; round += 1) {
    assert.deepEqual(
      plan
        .slice(round * 6, round * 6 + 6)
        .map((f) => f.kind)
        .sort(),
      [...FAULT_KINDS].sort(),
    );
  }
  for (let i = 1; i < plan.length; i += 1)
    assert.ok(plan[i].atOps > plan[i - 1].atOps, `fault ${i} after fault ${i - 1}`);
  assert.ok(plan[0].atOps >= 10_000 && plan[plan.length - 1].atOps <= 180_000);
  for (const fault of plan)
    assert.ok(fault.downMs >= 200 && fault.downMs <= 8_000, `${fault.kind} down ${fault.downMs}`);
});

test('on a NATS cluster a round has the cluster faults instead of the one-server kill', () => {
  const plan = planFaults(7, 80_000, 2, CLUSTER_FAULT_KINDS);
  assert.equal(plan.length, 16);
  assert.deepEqual(
    plan
      .slice(0, 8)
      .map((f) => f.kind)
      .sort(),
    [...CLUSTER_FAULT_KINDS].sort(),
  );
  assert.ok(!plan.some((f) => f.kind === 'nats'));
  for (const fault of plan.filter((f) => f.kind.startsWith('nats-')))
    assert.ok(fault.downMs >= 1_000 && fault.downMs <= 5_000, `${fault.kind} down ${fault.downMs}`);
});
