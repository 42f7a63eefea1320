/** Stream and subject naming, message headers: the contract between readers and appliers. */

export const HEADER_KIND = 'Cdc-Kind';
export const HEADER_MSG_ID = 'Nats-Msg-Id';
export type MessageKind = 'data' | 'watermark';

const SOURCE_NAME = /^[A-Za-z0-9_-]+$/;

export function assertSourceName(source: string): void {
  if (!SOURCE_NAME.test(source)) {
    throw new Error(
      `source name ${JSON.stringify(source)} must match ${SOURCE_NAME} (it is used in stream and subject names)`,
    );
  }
}

export function streamName(source: string): string {
  assertSourceName(source);
  return `CDC_${source}`;
}

export function partitionSubject(source: string, partition: number): string {
  return `cdc.${source}.${partition}`;
}

export function sourceSubjects(source: string): string {
  return `cdc.${source}.*`;
}

/**
 * Deterministic message id: a reader that re-reads the same changes after a restart and
 * cuts the same chunk produces the same id, so JetStream drops the duplicate. A chunk cut
 * differently is caught by the applier's checkpoint instead.
 */
export function dataMessageId(
  source: string,
  partition: number,
  first: { commit: bigint; index: number; lane?: string },
  last: { commit: bigint; index: number; lane?: string },
): string {
  // Positions only identify an op within its lane: two Vitess shards can be at the same GTID
  // ordinal (one server-wide GTID, or coincidence), so the lanes are part of the id.
  const at = (position: { commit: bigint; index: number; lane?: string }) =>
    `${position.lane ? `${position.lane}@` : ''}${position.commit.toString(16)}.${position.index}`;
  return `${source}.${partition}.${at(first)}-${at(last)}`;
}

export function watermarkMessageId(source: string, partition: number, seq: number): string {
  return `${source}.${partition}.w${seq}`;
}
