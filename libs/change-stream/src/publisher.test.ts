// Over 400 lines on purpose: eight cases of the publisher against one real nats-server started once (routing and order, message limits, watermarks, de-duplication, the op and byte budgets); each case stands alone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import {
  HEADER_KIND,
  decodeBatch,
  decodeWatermark,
  partitionOf,
  streamName,
  type ChangeOp,
  type TableSchema,
  type Watermark,
} from '@cdc/change-envelope';
import { startNats, type NatsServer } from '@cdc/testenv';
import { ChangePublisher, type PublisherLimits } from './publisher';
import { ensureSourceStream } from './stream-setup';

// ChangePublisher against a real nats-server: what ends up stored in the stream, per subject.
const log = pino({ level: 'silent' });
let nats: NatsServer;
let nc: NatsConnection;
let jsm: JetStreamManager;

before(async () => {
  nats = await startNats({ name: 'publisher' });
  nc = await connect({ servers: nats.url });
  jsm = await jetstreamManager(nc);
});

after(async () => {
  await nc?.close();
  await nats?.destroy();
});

function tableNamed(schema: string, table: string): TableSchema {
  return {
    schema,
    table,
    hasKey: true,
    columns: [
      { name: 'id', type: 'int8', key: true, nullable: false, typeOid: 20, elementTypeOid: 0 },
      { name: 'v', type: 'text', key: false, nullable: true, typeOid: 25, elementTypeOid: 0 },
    ],
  };
}

function insert(table: TableSchema, commit: number, index = 0, text = 'v'): ChangeOp {
  return {
    kind: 'insert',
    table,
    key: [{ kind: 'integer', value: String(commit * 1000 + index) }],
    after: [
      { kind: 'integer', value: String(commit * 1000 + index) },
      { kind: 'text', value: text },
    ],
    position: { commit: BigInt(commit), index },
    commitTimeUs: 1_700_000_000_000_000,
  };
}

function watermark(source: string, seq: number, commit: number): Watermark {
  return { source, seq, position: { commit: BigInt(commit), index: 0 }, timeUs: 1 };
}

function newPublisher(source: string, partitions: number, limits: Partial<PublisherLimits> = {}): ChangePublisher {
  return new ChangePublisher({
    js: jetstream(nc),
    source,
    partitions,
    log,
    maxOps: 1_000,
    maxBytes: 1_000_000,
    maxDelayMs: 5,
    maxBufferedOps: 1_000_000,
    ...limits,
  });
}

interface StoredMessage {
  readonly seq: number;
  readonly subject: string;
  readonly kind: string;
  readonly bytes: number;
  readonly batchPartition?: number;
  readonly ops: ChangeOp[];
  readonly watermark?: Watermark;
}

/** Every message stored on one partition subject, in stream order (direct get, next by subject). */
async function storedMessages(source: string, partition: number): Promise<StoredMessage[]> {
  const result: StoredMessage[] = [];
  for (let seq = 1; ;) {
    const message = await jsm.direct.getMessage(streamName(source), {
      seq,
      next_by_subj: `cdc.${source}.${partition}`,
    });
    if (!message) return result;
    const kind = message.header?.get(HEADER_KIND) ?? '';
    if (kind === 'watermark') {
      result.push({
        seq: message.seq,
        subject: message.subject,
        kind,
        bytes: message.data.length,
        ops: [],
        watermark: decodeWatermark(message.data),
      });
    } else {
      const batch = decodeBatch(message.data);
      assert.equal(batch.source, source);
      result.push({
        seq: message.seq,
        subject: message.subject,
        kind,
        bytes: message.data.length,
        batchPartition: batch.partition,
        ops: [...batch.ops],
      });
    }
    seq = message.seq + 1;
  }
}

async function storedCount(source: string): Promise<number> {
  return (await jsm.streams.info(streamName(source))).state.messages;
}

const label = (op: ChangeOp) => `${op.table.schema}.${op.table.table}@${op.position.commit}.${op.position.index}`;

test('ops of many tables go to cdc.<src>.<partitionOf(schema, table, P)>, each partition in the order added', async () => {
  const source = 'route';
  const partitions = 5;
  await ensureSourceStream(jsm, { source, partitions, destinations: ['d'] });
  const tables = Array.from({ length: 40 }, (_, i) => tableNamed(i % 3 === 0 ? 'Sales' : 'public', `Table_${i}`));
  const publisher = newPublisher(source, partitions, { maxOps: 13, maxDelayMs: 2 });
  const added: ChangeOp[] = [];
  // Transactions touching several tables, interleaved; some added while earlier messages are in flight.
  for (let commit = 1; commit <= 150; commit += 1) {
    for (let index = 0; index < 4; index += 1) {
      const op = insert(tables[(commit * 7 + index * 11) % tables.length], commit, index);
      added.push(op);
      publisher.add(op);
    }
    if (commit % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await publisher.flush();
  publisher.close();

  let total = 0;
  for (let partition = 0; partition < partitions; partition += 1) {
    const messages = await storedMessages(source, partition);
    for (const message of messages) {
      assert.equal(message.kind, 'data');
      assert.equal(message.subject, `cdc.${source}.${partition}`);
      assert.equal(message.batchPartition, partition, 'the batch names the partition it was published to');
    }
    const stored = messages.flatMap((message) => message.ops.map(label));
    const expected = added
      .filter((op) => partitionOf(op.table.schema, op.table.table, partitions) === partition)
      .map(label);
    assert.ok(expected.length > 0, `partition ${partition} has tables (test setup)`);
    assert.deepEqual(stored, expected, `partition ${partition}: exactly its tables' ops, in the order added`);
    total += stored.length;
  }
  assert.equal(total, added.length);
  assert.equal(publisher.stats.ops, added.length);
  assert.equal(publisher.bufferedOps, 0);
});

test('a message never holds more than maxOps ops, and an op larger than maxBytes goes out alone', async () => {
  const source = 'limits';
  await ensureSourceStream(jsm, { source, partitions: 1, destinations: ['d'] });
  const table = tableNamed('public', 'limited');

  // maxOps: 500 ops added at once fill messages up to the limit, never past it.
  const byCount = newPublisher(source, 1, { maxOps: 7, maxDelayMs: 1 });
  for (let commit = 1; commit <= 500; commit += 1) byCount.add(insert(table, commit));
  await byCount.flush();
  byCount.close();
  const counted = await storedMessages(source, 0);
  const sizes = counted.map((message) => message.ops.length);
  assert.equal(
    sizes.reduce((sum, size) => sum + size, 0),
    500,
  );
  assert.ok(Math.max(...sizes) <= 7, `message sizes ${sizes.join(',')} exceed maxOps 7`);
  assert.ok(sizes.includes(7), 'under load messages fill up to maxOps');

  // maxBytes: small ops share messages up to the bound; a 5 kB op is never joined with another one.
  const bySize = newPublisher(source, 1, { maxOps: 1_000, maxBytes: 2_000, maxDelayMs: 60_000 });
  const big = 'x'.repeat(5_000);
  const ops = [
    insert(table, 1_001),
    insert(table, 1_002, 0, big),
    insert(table, 1_003),
    insert(table, 1_004),
    insert(table, 1_005, 0, big),
    insert(table, 1_006, 0, big),
    ...Array.from({ length: 60 }, (_, i) => insert(table, 1_007 + i, 0, 'y'.repeat(80))),
  ];
  for (const op of ops) bySize.add(op);
  await bySize.flush();
  bySize.close();
  const sized = (await storedMessages(source, 0)).slice(counted.length);
  assert.deepEqual(
    sized.flatMap((message) => message.ops.map(label)),
    ops.map(label),
    'every op stored once, in order',
  );
  for (const message of sized) {
    const hasBig = message.ops.some((op) => (op.after?.[1] as { value: string }).value === big);
    if (hasBig) assert.equal(message.ops.length, 1, 'an op larger than maxBytes travels alone');
    else assert.ok(message.bytes <= 2_000, `a ${message.bytes}-byte message of small ops exceeds maxBytes`);
  }
  assert.equal(sized.filter((message) => message.ops.length === 1 && message.bytes > 2_000).length, 3);
  assert.ok(
    sized.some((message) => message.ops.length > 1),
    'small ops still share messages',
  );
  assert.ok(
    sized.filter((message) => message.ops.length > 1).length >= 2,
    '60 ops of ~250 bytes need several 2 kB messages',
  );
});

test('a watermark is stored in every partition after the ops added before it, and before later ones', async () => {
  const source = 'marks';
  const partitions = 4;
  await ensureSourceStream(jsm, { source, partitions, destinations: ['d'] });
  // Tables on partitions 0..2 only: partition 3 gets nothing but the watermarks.
  const tables: TableSchema[] = [];
  for (let i = 0; tables.length < 6; i += 1) {
    const candidate = tableNamed('public', `wm_${i}`);
    const partition = partitionOf('public', candidate.table, partitions);
    if (partition !== 3 && tables.filter((t) => partitionOf('public', t.table, partitions) === partition).length < 2)
      tables.push(candidate);
  }
  const publisher = newPublisher(source, partitions, { maxOps: 5, maxDelayMs: 1 });
  const phase = new Map<string, number>();
  let commit = 0;
  const addOps = (count: number, phaseNumber: number) => {
    for (let i = 0; i < count; i += 1) {
      commit += 1;
      const op = insert(tables[commit % tables.length], commit);
      phase.set(label(op), phaseNumber);
      publisher.add(op);
    }
  };
  addOps(97, 0);
  publisher.addWatermark(watermark(source, 1, commit));
  addOps(41, 1);
  await new Promise((resolve) => setTimeout(resolve, 20)); // some of these go out before the next watermark
  addOps(13, 1);
  publisher.addWatermark(watermark(source, 2, commit));
  addOps(7, 2);
  await publisher.flush();
  publisher.close();

  for (let partition = 0; partition < partitions; partition += 1) {
    const messages = await storedMessages(source, partition);
    const marks = messages.filter((message) => message.kind === 'watermark').map((m) => m.watermark?.seq);
    assert.deepEqual(marks, [1, 2], `partition ${partition} holds both watermarks, in order`);
    // Walk the partition in stream order: an op of phase k sits after exactly k watermarks.
    let seen = 0;
    let ops = 0;
    for (const message of messages) {
      if (message.kind === 'watermark') {
        seen += 1;
        continue;
      }
      for (const op of message.ops) {
        ops += 1;
        assert.equal(
          seen,
          phase.get(label(op)),
          `partition ${partition}: ${label(op)} is on the wrong side of a watermark`,
        );
      }
    }
    if (partition === 3) assert.equal(ops, 0);
    else assert.ok(ops > 0, `partition ${partition} has ops (test setup)`);
  }
  assert.equal(publisher.stats.watermarks, 2 * partitions);
});

test('re-publishing the same ops at the same positions stores nothing new (Nats-Msg-Id de-duplication)', async () => {
  const source = 'dedupe';
  const partitions = 3;
  await ensureSourceStream(jsm, { source, partitions, destinations: ['d'] });
  const tables = Array.from({ length: 6 }, (_, i) => tableNamed('public', `dup_${i}`));
  const publishAll = async () => {
    // A restarted reader: a fresh publisher re-reading the same changes from the same position.
    const publisher = newPublisher(source, partitions, { maxOps: 10, maxDelayMs: 60_000 });
    for (let commit = 1; commit <= 80; commit += 1) publisher.add(insert(tables[commit % tables.length], commit));
    publisher.addWatermark(watermark(source, 1, 80));
    for (let commit = 81; commit <= 95; commit += 1) publisher.add(insert(tables[commit % tables.length], commit));
    await publisher.flush();
    publisher.close();
    return { ...publisher.stats };
  };
  const first = await publishAll();
  const storedAfterFirst = await storedCount(source);
  assert.equal(first.duplicates, 0);
  assert.equal(storedAfterFirst, first.messages + first.watermarks);
  const contentAfterFirst = [];
  for (let partition = 0; partition < partitions; partition += 1)
    contentAfterFirst.push((await storedMessages(source, partition)).map((m) => m.ops.map(label)));

  const second = await publishAll();
  assert.equal(second.messages, first.messages, 'the same ops are cut into the same messages');
  assert.equal(
    second.duplicates,
    second.messages + second.watermarks,
    'JetStream reports every re-published message as a duplicate',
  );
  assert.equal(await storedCount(source), storedAfterFirst, 'nothing was stored twice');
  for (let partition = 0; partition < partitions; partition += 1)
    assert.deepEqual(
      (await storedMessages(source, partition)).map((m) => m.ops.map(label)),
      contentAfterFirst[partition],
    );

  // A change the first run did not have is still stored.
  const third = newPublisher(source, partitions, { maxDelayMs: 1 });
  third.add(insert(tables[0], 96));
  await third.flush();
  third.close();
  assert.equal(third.stats.duplicates, 0);
  assert.equal(await storedCount(source), storedAfterFirst + 1);
});

test('two Vitess shards at the same GTID ordinal: both messages are stored, neither is taken for a duplicate', async () => {
  const source = 'lanes';
  await ensureSourceStream(jsm, { source, partitions: 1, destinations: ['d'] });
  const table = tableNamed('ks', 'orders');
  const publisher = newPublisher(source, 1, { maxOps: 5, maxDelayMs: 60_000 });
  for (const lane of ['ks/-80', 'ks/80-'])
    for (let index = 0; index < 5; index += 1) {
      const op = insert(table, 77, index, lane);
      publisher.add({ ...op, position: { ...op.position, lane } });
    }
  await publisher.flush();
  publisher.close();
  assert.equal(publisher.stats.duplicates, 0);
  const stored = await storedMessages(source, 0);
  assert.deepEqual(
    stored.map((m) => m.ops.map((op) => `${op.position.lane}@${op.position.index}`).join(',')),
    ['ks/-80@0,ks/-80@1,ks/-80@2,ks/-80@3,ks/-80@4', 'ks/80-@0,ks/80-@1,ks/80-@2,ks/80-@3,ks/80-@4'],
  );
});

test('stored() waits for what was queued before it, not for what is queued after', async () => {
  const source = 'stored';
  await ensureSourceStream(jsm, { source, partitions: 2, destinations: ['d'] });
  const tables = [tableNamed('public', 'a'), tableNamed('public', 'b')];
  const publisher = newPublisher(source, 2, { maxOps: 3, maxDelayMs: 60_000 });
  for (let commit = 1; commit <= 10; commit += 1) publisher.add(insert(tables[commit % 2], commit));
  const before = publisher.stored();
  // Queued after the call, and left waiting (maxDelayMs is long, the last message is not full).
  publisher.add(insert(tables[0], 11));
  await before;
  const storedOps = async () => {
    let total = 0;
    for (let partition = 0; partition < 2; partition += 1)
      for (const message of await storedMessages(source, partition)) total += message.ops.length;
    return total;
  };
  assert.ok((await storedOps()) >= 10, 'every op queued before stored() is in the stream');
  await publisher.flush();
  publisher.close();
  assert.equal(await storedOps(), 11);
});

test('waitForCapacity blocks while bufferedOps >= maxBufferedOps and resolves after flush', async () => {
  const source = 'capacity';
  await ensureSourceStream(jsm, { source, partitions: 2, destinations: ['d'] });
  const table = tableNamed('public', 'cap');
  // Nothing is published on its own: messages are not full and never due before flush().
  const publisher = newPublisher(source, 2, { maxOps: 1_000, maxDelayMs: 60_000, maxBufferedOps: 50 });
  for (let commit = 1; commit <= 49; commit += 1) publisher.add(insert(table, commit));
  assert.equal(publisher.bufferedOps, 49);
  await publisher.waitForCapacity(); // below the bound: returns at once

  publisher.add(insert(table, 50));
  assert.equal(publisher.bufferedOps, 50);
  let resolved = false;
  const waiting = publisher.waitForCapacity().then(() => {
    resolved = true;
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(resolved, false, 'waitForCapacity returned while the buffer was full');
  assert.equal(await storedCount(source), 0, 'nothing was published before flush (test setup)');

  await publisher.flush();
  await waiting;
  assert.equal(resolved, true);
  assert.equal(publisher.bufferedOps, 0);
  assert.equal(await storedCount(source), 1);

  // A reader waiting on a publisher that is closed is released with an error, not left hanging.
  for (let commit = 51; commit <= 120; commit += 1) publisher.add(insert(table, commit));
  const stuck = publisher.waitForCapacity();
  publisher.close();
  await assert.rejects(stuck, /publisher is closed/);
});

test('the byte budget: queued and in-flight bytes stay within maxBufferedBytes plus one op, and an op larger than the budget still flows', async () => {
  const source = 'bytes';
  const partitions = 4;
  await ensureSourceStream(jsm, { source, partitions, destinations: ['d'] });
  const tables = Array.from({ length: 8 }, (_, i) => tableNamed('public', `bytes_${i}`));
  const budget = 40_000;
  const publisher = newPublisher(source, partitions, { maxOps: 50, maxDelayMs: 2, maxBufferedBytes: budget });
  let peak = 0;
  let waits = 0;
  const added: ChangeOp[] = [];
  // ~1 kB ops, as a reader adds them: add, then wait while the publisher is full.
  for (let commit = 1; commit <= 600; commit += 1) {
    const op = insert(tables[commit % tables.length], commit, 0, `${commit}:`.padEnd(1_000, 'b'));
    added.push(op);
    publisher.add(op);
    peak = Math.max(peak, publisher.bufferedBytes);
    if (publisher.full) {
      waits += 1;
      await publisher.waitForCapacity();
      assert.ok(publisher.bufferedBytes < budget, 'waitForCapacity returns below the budget');
    }
  }
  assert.ok(waits > 0, 'the budget was reached (test setup: 600 kB through a 40 kB budget)');
  // The bound is checked after each add, so it is exceeded by at most the last op and its message's schema.
  assert.ok(peak <= budget + 1_200, `peak ${peak} bytes buffered with a ${budget}-byte budget`);

  // One op five times the budget: accepted, published alone, and the reader is released once it is stored.
  const huge = insert(tables[0], 10_000, 0, 'h'.repeat(5 * budget));
  added.push(huge);
  publisher.add(huge);
  assert.equal(publisher.full, true);
  await publisher.waitForCapacity();
  assert.ok(publisher.bufferedBytes < budget, 'released once the large op is stored');
  await publisher.flush();
  assert.equal(publisher.bufferedBytes, 0);
  publisher.close();

  let stored = 0;
  let storedBytes = 0;
  for (let partition = 0; partition < partitions; partition += 1)
    for (const message of await storedMessages(source, partition)) {
      stored += message.ops.length;
      storedBytes += message.bytes;
      for (const op of message.ops) {
        const expected = added.find((candidate) => label(candidate) === label(op));
        assert.deepEqual(op.after, expected?.after, `${label(op)} stored as added`);
      }
    }
  assert.equal(stored, added.length);
  assert.ok(storedBytes > 5 * budget, 'the large op is in the stream');
  assert.equal(publisher.bufferedOps, 0);
});
