import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VitessSourceConfig } from '@cdc/config';
import type { ProgressStore } from '@cdc/progress';
import { decodeVgtid, encodeVgtid, formatVgtid, parseVgtid } from './gtid';
import {
  decodeStartState,
  encodeStartState,
  readRecordedStart,
  readStartPosition,
  recordStartPosition,
  StartPositionError,
  type StartState,
} from './start-position';

const source = { name: 'sales', keyspace: 'sales' } as VitessSourceConfig;
const position = parseVgtid('sales/0@MariaDB/0-1676448089-85');

/** The two KV reads start-at makes, and the one write. */
function progressWith(state: { committed?: unknown; started?: StartState }) {
  const written: unknown[] = [];
  const progress = {
    readCommitted: () => Promise.resolve(state.committed),
    readSnapshotState: () => Promise.resolve(state.started),
    writeSnapshotState: (_source: string, value: unknown) => {
      written.push(value);
      return Promise.resolve();
    },
  } as unknown as ProgressStore;
  return { progress, written };
}

test('start-at records the VGtid as the reader reads its recorded start', async () => {
  const { progress, written } = progressWith({});
  assert.equal(
    await recordStartPosition(progress, source, position),
    "source sales: its reader's first start streams from sales/0@MariaDB/0-1676448089-85",
  );
  const [state] = written as StartState[];
  assert.equal(formatVgtid(decodeVgtid(Buffer.from(state.vgtid, 'base64'))), 'sales/0@MariaDB/0-1676448089-85');
  assert.equal(state.recordedBy, 'start-at');
  // What cdc status shows for it.
  assert.deepEqual(await readRecordedStart(progressWith({ started: state }).progress, 'sales'), {
    vgtid: 'sales/0@MariaDB/0-1676448089-85',
    recordedBy: 'start-at',
  });
  assert.equal(await readRecordedStart(progressWith({}).progress, 'sales'), null);
});

test('start-at refuses a source that has run, and a position of another keyspace; nothing written', async () => {
  const started = { vgtid: Buffer.from(encodeVgtid(position)).toString('base64') };
  for (const [state, message] of [
    [{ committed: { seq: 1 } }, /source sales already has a committed position/],
    [{ started }, /source sales has already started at sales\/0@MariaDB\/0-1676448089-85/],
  ] as const) {
    const { progress, written } = progressWith(state);
    await assert.rejects(recordStartPosition(progress, source, position), message);
    assert.deepEqual(written, []);
  }
  const { progress, written } = progressWith({});
  await assert.rejects(
    recordStartPosition(progress, source, parseVgtid('customer/0@MariaDB/0-1-2')),
    (error) =>
      error instanceof StartPositionError &&
      /reads keyspace sales; the position names customer\/0@/.test(error.message),
  );
  assert.deepEqual(written, []);
});

test('a start record decodes to the VGtid and recorder it was written with; no record or an empty one is no start', async () => {
  const record = encodeStartState(encodeVgtid(position), 'reader');
  const decoded = decodeStartState(record);
  assert.equal(decoded && formatVgtid(decoded.vgtid), 'sales/0@MariaDB/0-1676448089-85');
  assert.equal(decoded?.recordedBy, 'reader');
  // Records written before `recordedBy` existed.
  assert.equal(decodeStartState({ vgtid: record.vgtid })?.recordedBy, null);
  assert.equal(decodeStartState(undefined), undefined);
  assert.equal(decodeStartState({ vgtid: '' }), undefined);
  // What the reader's start reads, and what cdc status shows, come from the same record.
  const { progress } = progressWith({ started: record });
  const start = await readStartPosition(progress, 'sales');
  assert.deepEqual(start?.vgtid, decoded?.vgtid);
  assert.deepEqual(await readRecordedStart(progress, 'sales'), {
    vgtid: 'sales/0@MariaDB/0-1676448089-85',
    recordedBy: 'reader',
  });
});
