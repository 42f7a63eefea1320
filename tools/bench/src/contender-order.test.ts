import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arrange, lastRecordedOrder, orderFlag, orderLine, resolveOrder } from './contender-order';

test('--order: a fixed order as asked, alternate (the default) flips the previous run', () => {
  assert.equal(orderFlag([]), 'alternate');
  assert.equal(orderFlag(['--rows', '10', '--order', 'baseline-first']), 'baseline-first');
  assert.equal(orderFlag(['--order=ours-first']), 'ours-first');
  assert.throws(
    () => orderFlag(['--order', 'random']),
    /--order takes ours-first, baseline-first, alternate, got random/,
  );
  assert.throws(() => orderFlag(['--order']), /--order needs a value/);
  assert.equal(resolveOrder('alternate', undefined), 'ours-first');
  assert.equal(resolveOrder('alternate', 'ours-first'), 'baseline-first');
  assert.equal(resolveOrder('alternate', 'baseline-first'), 'ours-first');
  assert.equal(resolveOrder('ours-first', 'ours-first'), 'ours-first');
});

test('the previous order is the newest result file of the same benchmark that recorded one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-order-'));
  assert.equal(lastRecordedOrder(join(dir, 'missing'), 'vitess-to-pg'), undefined);
  const write = (file: string, order?: string) => writeFileSync(join(dir, file), JSON.stringify({ info: { order } }));
  write('vitess-to-pg-2026-01-01T10-00-00-000Z.json', 'baseline-first');
  write('vitess-to-pg-2026-01-02T10-00-00-000Z.json', 'ours-first');
  write('vitess-to-pg-2026-01-03T10-00-00-000Z.json'); // before orders were recorded
  write('reference-vitess-to-pg.json', 'baseline-first');
  write('pg-to-pg-2026-02-01T10-00-00-000Z.json', 'baseline-first');
  writeFileSync(join(dir, 'vitess-to-pg-2026-01-04T10-00-00-000Z.json'), '{"info": '); // cut short
  assert.equal(lastRecordedOrder(dir, 'vitess-to-pg'), 'ours-first');
  assert.equal(lastRecordedOrder(dir, 'pg-to-pg'), 'baseline-first');
  assert.equal(lastRecordedOrder(dir, 'appliers'), undefined);
});

test('contenders are arranged ours first or the baselines first, and the report says which', () => {
  assert.deepEqual(arrange('ours-first', ['ours'], ['native', 'pg_recvlogical']), ['ours', 'native', 'pg_recvlogical']);
  assert.deepEqual(arrange('baseline-first', ['ours'], ['native', 'pg_recvlogical']), [
    'native',
    'pg_recvlogical',
    'ours',
  ]);
  assert.match(
    orderLine('baseline-first', 'drain: native, ours'),
    /^- Order of contenders: baseline first \(drain: native, ours\); `--order alternate`/,
  );
  assert.match(orderLine('ours-first'), /^- Order of contenders: ours first; /);
});
