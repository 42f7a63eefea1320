import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BENCHMARK_NAMES, DEFAULT_SCALE, planSuite } from './suite-plan';

test('without flags every benchmark runs at the default scale', () => {
  const steps = planSuite([]);
  assert.deepEqual(
    steps.map((s) => s.name),
    BENCHMARK_NAMES,
  );
  assert.deepEqual(steps[0].args, ['--scale', String(DEFAULT_SCALE)]);
  assert.deepEqual(steps.find((s) => s.name === 'appliers')?.args, ['--rows', '200000']);
});

test('--only picks benchmarks, --scale sizes them, --no-docs is passed on', () => {
  const steps = planSuite(['--only', 'vitess,pg-to-pg', '--scale=2', '--no-docs']);
  assert.deepEqual(
    steps.map((s) => [s.name, ...s.args]),
    [
      ['pg-to-pg', '--scale', '2', '--no-docs'],
      ['vitess', '--rows', '1600000', '--no-docs'],
    ],
  );
  assert.deepEqual(planSuite(['--only', 'tracing', '--scale', '0.001'])[0].args, ['--ops', '10000']);
});

test('--repeat N runs every benchmark N times, ours first then the baselines first; --order is passed on', () => {
  assert.deepEqual(
    planSuite(['--only', 'mariadb,tracing', '--repeat', '3', '--scale', '0.05']).map((s) => [s.name, ...s.args]),
    [
      ['mariadb', '--rows', '10000', '--order', 'ours-first'],
      ['tracing', '--ops', '20000'],
      ['mariadb', '--rows', '10000', '--order', 'baseline-first'],
      ['tracing', '--ops', '20000'],
      ['mariadb', '--rows', '10000', '--order', 'ours-first'],
      ['tracing', '--ops', '20000'],
    ],
  );
  assert.deepEqual(
    planSuite(['--only', 'vitess', '--repeat=2', '--order', 'baseline-first']).map((s) => s.args.join(' ')),
    ['--rows 200000 --order baseline-first', '--rows 200000 --order baseline-first'],
  );
  assert.deepEqual(planSuite(['--only', 'vitess'])[0].args, ['--rows', '200000'], 'one pass: the benchmark alternates');
});

test('bad flags fail with one line naming the flag', () => {
  assert.throws(() => planSuite(['--only', 'oracle']), /--only: unknown benchmark "oracle"/);
  assert.throws(() => planSuite(['--scale', '0']), /--scale must be a number > 0/);
  assert.throws(() => planSuite(['--scale']), /--scale needs a value/);
  assert.throws(() => planSuite(['--fast']), /unexpected argument "--fast"/);
  assert.throws(() => planSuite(['--repeat', '0']), /--repeat must be an integer >= 1, got 0/);
  assert.throws(() => planSuite(['--order', 'sideways']), /--order takes ours-first, baseline-first, alternate/);
});
