import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ops, V, column, tableSchema } from '@cdc/change-envelope/testing';
import type { ChangeOp } from '@cdc/change-envelope';
import { attemptFailure, prepareSink, DestinationApplyError, type AttemptFailureOf } from './attempt-failure';
import { RetryOpByOp } from './batch-transaction';
import { FoldError } from './fold';
import { ApplyError } from './sink';

const orders = tableSchema('public', 'orders', [column('id', 'int8', { key: true }), column('note', 'text')]);
const ops = new Ops();
const op = ops.insert(orders, [V.int(7), V.text('x')]);
const context = { source: 'pg1', partition: 0 };

/** An engine that records what it was asked to build. */
function engine(overrides: Partial<AttemptFailureOf> = {}): AttemptFailureOf {
  return {
    statementOp: undefined,
    sqlState: undefined,
    retryOpByOp: false,
    foldErrorCode: () => '22000',
    errorText: (error) => `text of ${(error as Error).message}`,
    opFailure: (failed: ChangeOp, what, cause, code) =>
      new DestinationApplyError(`op ${failed.kind}: ${what}`, context, code, { cause }),
    batchFailure: (message, cause) => new DestinationApplyError(message, context, undefined, { cause }),
    ...overrides,
  };
}

test('an ApplyError is the failure as it is', () => {
  const error = new ApplyError('already said', context);
  assert.equal(attemptFailure(error, engine({ statementOp: op, retryOpByOp: true })), error);
});

test("an op that cannot be written is that op's failure, with the engine's code", () => {
  const failure = attemptFailure(new FoldError('bad text', op), engine({ foldErrorCode: () => '22003' }));
  assert.ok(failure instanceof DestinationApplyError);
  assert.equal(failure.message, 'op insert: cannot be written: bad text');
  assert.equal(failure.code, '22003');
});

test('a rejected statement: op by op again while folded and the connection works, else its op fails', () => {
  const rejected = Object.assign(new Error('duplicate key'), { code: '23505' });
  assert.ok(
    attemptFailure(rejected, engine({ statementOp: op, sqlState: '23505', retryOpByOp: true })) instanceof RetryOpByOp,
  );
  const failure = attemptFailure(rejected, engine({ statementOp: op, sqlState: '23505' }));
  assert.ok(failure instanceof DestinationApplyError);
  assert.equal(failure.message, 'op insert: rejected by the destination: text of duplicate key');
  assert.equal(failure.code, '23505');
  assert.equal(failure.cause, rejected);
});

test('an error between statements is the batch failure', () => {
  const failure = attemptFailure(new Error('socket closed'), engine({ retryOpByOp: true }));
  assert.ok(failure instanceof DestinationApplyError);
  assert.equal(failure.message, 'batch failed: text of socket closed');
});

test('a sink that cannot be prepared is closed and named in one line', async () => {
  let closed = false;
  const sink = {
    init: () => Promise.reject(new Error('permission denied for schema _cdc')),
    close: async () => {
      closed = true;
    },
    describe: () => 'postgres destination replica (db:5432/shop)',
  };
  await assert.rejects(
    prepareSink(sink, 'replica', (error) => (error as Error).message),
    {
      message:
        'destination replica: cannot prepare postgres destination replica (db:5432/shop): permission denied for schema _cdc',
    },
  );
  assert.ok(closed);
  const ready = { init: async () => undefined, close: async () => undefined, describe: () => 'x' };
  assert.equal(await prepareSink(ready, 'replica', String), ready);
});
