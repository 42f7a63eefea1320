import type { ChangeOp } from '@cdc/change-envelope';
import { RetryOpByOp } from './batch-transaction';
import { FoldError } from './fold';
import { ApplyError } from './sink';

// How an engine's failed attempt at a batch reads (TransactionAttempt.abort), and how an engine
// opens: one rule for every destination; an engine adds only its error codes and its driver's
// error text.

/**
 * An ApplyError with the destination's error code (a SQLSTATE): the server's, or for errors
 * found before any statement ran, the one the engine uses for the same problem. Exposed as
 * `code`, like the drivers' own errors, so a retry policy reading `code` classifies it without
 * guessing from the message. Connection failures have none; their `cause` tells.
 */
export class DestinationApplyError extends ApplyError {
  constructor(
    message: string,
    context: ApplyError['context'],
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, context, options);
    this.name = 'ApplyError';
  }
}

/** What an engine tells attemptFailure about a failed attempt. */
export interface AttemptFailureOf {
  /** The op of the statement that was running when the error came; undefined between statements. */
  readonly statementOp: ChangeOp | undefined;
  /** The driver error's SQLSTATE, when it has one. */
  readonly sqlState: string | undefined;
  /**
   * The ops were folded, the destination itself rejected the statement, and the connection
   * still works: the batch may run again op by op (RetryOpByOp).
   */
  readonly retryOpByOp: boolean;
  /** The engine's code for an op that cannot be written (FoldError). */
  readonly foldErrorCode: (error: FoldError) => string;
  /** The engine's error text of a driver error (message and what the driver adds). */
  readonly errorText: (error: unknown) => string;
  /** The engine's ApplyError for one op (sink-messages opFailure, with its code). */
  readonly opFailure: (op: ChangeOp, what: string, cause: unknown, code: string | undefined) => ApplyError;
  /** The engine's ApplyError for the batch as a whole. */
  readonly batchFailure: (message: string, cause: unknown) => ApplyError;
}

/**
 * What a failed attempt is, once rolled back: an ApplyError as it was; an op that cannot be
 * written, that op's failure; a statement the destination rejected, RetryOpByOp while folded
 * (and the connection works), else the failure of the statement's (first) op; anything else,
 * the batch's failure.
 */
export function attemptFailure(error: unknown, of: AttemptFailureOf): Error {
  if (error instanceof ApplyError) return error;
  if (error instanceof FoldError)
    return of.opFailure(error.op, `cannot be written: ${error.message}`, error, of.foldErrorCode(error));
  if (of.statementOp !== undefined) {
    if (of.retryOpByOp) return new RetryOpByOp(error);
    return of.opFailure(of.statementOp, `rejected by the destination: ${of.errorText(error)}`, error, of.sqlState);
  }
  return of.batchFailure(`batch failed: ${of.errorText(error)}`, error);
}

/**
 * Prepares a sink (its checkpoint tables, its session checks); on failure closes it and throws
 * one line: `destination <name>: cannot prepare <describe>: <error>`.
 */
export async function prepareSink<S extends { init(): Promise<void>; close(): Promise<void>; describe(): string }>(
  sink: S,
  destination: string,
  errorText: (error: unknown) => string,
): Promise<S> {
  try {
    await sink.init();
  } catch (error) {
    await sink.close().catch(() => undefined);
    throw new Error(`destination ${destination}: cannot prepare ${sink.describe()}: ${errorText(error)}`, {
      cause: error,
    });
  }
  return sink;
}
