import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { TransactionSpill, TransactionSpillError } from './transaction-spill';

const base = mkdtempSync(join(tmpdir(), 'spill-test-'));
after(() => rmSync(base, { recursive: true, force: true }));

/** A data message as pgoutput frames it in a stream block: tag, (sub)xid, body. */
function message(tag: string, subxid: number, body: string): Buffer {
  const head = Buffer.alloc(5);
  head.write(tag, 0);
  head.writeUInt32BE(subxid, 1);
  return Buffer.concat([head, Buffer.from(body)]);
}

async function replayed(spill: TransactionSpill, xid: number): Promise<string[]> {
  const out: string[] = [];
  for await (const payload of spill.replay(xid))
    out.push(`${String.fromCharCode(payload[0])}:${payload.readUInt32BE(1)}:${payload.subarray(5).toString()}`);
  return out;
}

test('a committed transaction comes back in order, across write and read chunks, and its file is gone', async () => {
  const spill = TransactionSpill.open(base, 'ordered');
  spill.start(700);
  const expected: string[] = [];
  // ~3 MiB over many records, with some records larger than a read chunk.
  for (let i = 0; i < 3000; i += 1) {
    const body = i % 1000 === 999 ? 'x'.repeat(1_500_000) : `row ${i} ${'y'.repeat(i % 700)}`;
    const pending = spill.append(700, 700, message('I', 700, body));
    if (pending) await pending;
    expected.push(`I:700:${body}`);
  }
  assert.ok(spill.stats.bytes > 4_000_000, `spilled ${spill.stats.bytes} bytes`);
  assert.equal(readdirSync(spill.directory).length, 1, 'one file for the transaction');
  assert.deepEqual(await replayed(spill, 700), expected);
  assert.deepEqual(readdirSync(spill.directory), [], 'the file is deleted after the commit');
  assert.deepEqual(spill.stats, { transactions: 0, bytes: 0 });
});

test('an aborted transaction leaves nothing; another one keeps its records', async () => {
  const spill = TransactionSpill.open(base, 'abort');
  spill.start(1);
  spill.start(2);
  for (let i = 0; i < 20_000; i += 1) {
    await spill.append(1, 1, message('U', 1, `aborted ${i}`));
    await spill.append(2, 2, message('U', 2, `kept ${i}`));
  }
  await spill.abort(1, 1);
  assert.equal(spill.has(1), false);
  assert.deepEqual(await replayed(spill, 1), []);
  const kept = await replayed(spill, 2);
  assert.equal(kept.length, 20_000);
  assert.equal(kept[19_999], 'U:2:kept 19999');
  assert.deepEqual(readdirSync(spill.directory), []);
});

test("a subtransaction's abort cuts what it and later subtransactions added, keeping relation descriptions", async () => {
  const spill = TransactionSpill.open(base, 'subxact');
  spill.start(10);
  await spill.append(10, 10, message('R', 10, 'relation t'));
  await spill.append(10, 10, message('I', 10, 'top 1'));
  await spill.append(10, 11, message('I', 11, 'sub 11 kept')); // released savepoint: kept
  await spill.append(10, 12, message('R', 12, 'relation u (first touched in 12)'));
  for (let i = 0; i < 50_000; i += 1) await spill.append(10, 12, message('I', 12, `sub 12 row ${i}`));
  await spill.append(10, 13, message('I', 13, 'sub 13, child of 12'));
  await spill.abort(10, 12); // ROLLBACK TO the savepoint of 12: 13 goes with it
  await spill.abort(10, 13); // already cut: nothing more
  await spill.append(10, 10, message('I', 10, 'top 2'));
  await spill.append(10, 14, message('I', 14, 'sub 14'));
  await spill.abort(10, 99); // a subtransaction that streamed nothing
  assert.deepEqual(await replayed(spill, 10), [
    'R:10:relation t',
    'I:10:top 1',
    'I:11:sub 11 kept',
    'R:12:relation u (first touched in 12)',
    'I:10:top 2',
    'I:14:sub 14',
  ]);
});

test('a later stream block of an unknown transaction is refused; stale files of dead processes are removed', async () => {
  const spill = TransactionSpill.open(base, 'stale');
  assert.throws(() => spill.append(5, 5, message('I', 5, 'x')), TransactionSpillError);
  // A file left by a process that is gone (pid 2^22 + 1 is above Linux's pid_max default).
  const stale = join(spill.directory, `${2 ** 22 + 1}-77.spill`);
  writeFileSync(stale, 'left over');
  const other = join(spill.directory, 'not-ours.txt');
  writeFileSync(other, 'kept');
  TransactionSpill.open(base, 'stale');
  assert.equal(existsSync(stale), false);
  assert.equal(existsSync(other), true);
});

test('close() deletes the files of transactions still open', async () => {
  const spill = TransactionSpill.open(base, 'close');
  spill.start(3);
  for (let i = 0; i < 30_000; i += 1) await spill.append(3, 3, message('I', 3, `row ${i}`));
  assert.equal(readdirSync(spill.directory).length, 1);
  await spill.close();
  assert.deepEqual(readdirSync(spill.directory), []);
});

test('an unusable directory is one clear error', () => {
  const file = join(base, 'a-file');
  writeFileSync(file, '');
  assert.throws(
    () => TransactionSpill.open(file, 'shop'),
    (error: Error) =>
      error instanceof TransactionSpillError &&
      /^source shop: cannot use .* for streamed transactions \(large_transactions\.spill_dir\)/.test(error.message),
  );
});
