import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderStatus, type SourceStatus } from './status';

const vitessSource = (startPosition: SourceStatus['startPosition']): SourceStatus => ({
  source: 'sales',
  type: 'vitess',
  committedSeq: null,
  committedPosition: null,
  slot: null,
  partitions: [],
  appliers: [],
  vitess: null,
  startPosition,
});

test('cdc status shows where a Vitess source with nothing committed starts, and who recorded it', () => {
  const atStartAt = renderStatus([vitessSource({ vgtid: 'sales/0@MariaDB/0-1-85', recordedBy: 'start-at' })]);
  assert.match(atStartAt, /^ {2}committed: none yet$/m);
  assert.match(
    atStartAt,
    /^ {2}starts at: sales\/0@MariaDB\/0-1-85 \(recorded by cdc start-at; the reader streams from there until it has committed a position\)$/m,
  );
  const byReader = renderStatus([vitessSource({ vgtid: 'sales/0@MariaDB/0-1-85', recordedBy: 'reader' })]);
  assert.match(byReader, /starts at: sales\/0@MariaDB\/0-1-85 \(recorded by the reader's first start;/);
  assert.doesNotMatch(renderStatus([vitessSource(null)]), /starts at/);
});
