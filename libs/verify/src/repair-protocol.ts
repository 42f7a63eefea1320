/**
 * `--repair` asks the running reader of a source to send rows again through the pipeline:
 * a NATS request on `cdc.repair.<source>`. The reader reads the keys while its stream flows
 * (Postgres: between backfill markers, as a live backfill chunk; Vitess: from a position every
 * delivered change is visible at, through vtgate), publishes the rows it finds as snapshot rows
 * and a delete for each key the source no longer has, leaving out keys the stream changed
 * meanwhile (settleRead in @cdc/change-envelope), and replies once they are stored in
 * JetStream. Nothing is ever written to a destination directly.
 */
export function repairSubject(source: string): string {
  return `cdc.repair.${source}`;
}

export interface RepairRequest {
  readonly schema: string;
  readonly table: string;
  /**
   * Key column values in key order: Postgres, as the source prints them (its output text);
   * Vitess, verify's canonical texts, which for the key kinds it repairs are MySQL's own.
   */
  readonly keys: ReadonlyArray<ReadonlyArray<string | null>>;
}

export interface RepairReply {
  readonly ok: boolean;
  /** On failure: why, in one line. */
  readonly detail: string;
  /** Rows sent again as snapshot rows. */
  readonly resent: number;
  /** Deletes sent for keys the source does not have. */
  readonly deleted: number;
  /** Keys changed by the stream while they were read: the stream carries them. */
  readonly changedMeanwhile: number;
}
