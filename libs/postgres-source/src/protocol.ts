/**
 * What the reader asks pgoutput for, by server version. Each major adds to the protocol
 * (https://www.postgresql.org/docs/current/protocol-logical-replication.html):
 *
 * - 10-13: proto_version 1 only.
 * - 14: proto_version 2 adds streaming of in-progress transactions (`streaming 'on'`: Stream
 *   Start/Stop/Commit/Abort, and an xid in every data message inside a stream block) and
 *   logical decoding messages (`messages`), which the live backfill's watermarks use.
 * - 15: proto_version 3 adds two-phase commit messages, only with `two_phase`, which we never
 *   ask for (a prepared transaction reaches us at COMMIT PREPARED, as an ordinary one).
 * - 16+: proto_version 4 adds `streaming 'parallel'`, whose only difference on the wire for a
 *   reader like ours is the abort LSN and time in Stream Abort.
 *
 * We ask for the highest version the server speaks, so every server exercises its own format.
 */
export interface PgOutputProtocol {
  readonly protoVersion: 1 | 2 | 3 | 4;
  /** Streaming of in-progress transactions: 'off', or 'on' / 'parallel' (same messages, parallel adds abort info). */
  readonly streaming: 'off' | 'on' | 'parallel';
  /** Logical decoding messages (pg_logical_emit_message) in the stream. */
  readonly messages: boolean;
}

export interface ProtocolChoice {
  /** Stream large transactions while they run (needs 14+); off: they arrive whole at their commit. */
  readonly streamInProgress: boolean;
}

/** `server_version_num` (e.g. 160004) to the protocol the reader speaks with that server. */
export function pgoutputProtocol(serverVersionNum: number, choice: ProtocolChoice): PgOutputProtocol {
  const major = Math.floor(serverVersionNum / 10_000);
  if (major < 14) return { protoVersion: 1, streaming: 'off', messages: false };
  const protoVersion = major >= 16 ? 4 : major === 15 ? 3 : 2;
  const streaming = !choice.streamInProgress ? 'off' : major >= 16 ? 'parallel' : 'on';
  return { protoVersion, streaming, messages: true };
}

/**
 * START_REPLICATION's option list. Values are literals built here from the enumerations above;
 * the publication name arrives already quoted (an identifier inside a string literal).
 */
export function startReplicationOptions(protocol: PgOutputProtocol, quotedPublicationNames: string): string {
  const options = [`proto_version '${protocol.protoVersion}'`, `publication_names ${quotedPublicationNames}`];
  if (protocol.messages) options.push(`messages 'true'`);
  // Before 16, streaming is a boolean option; 'on' is accepted by every version that streams.
  if (protocol.streaming !== 'off') options.push(`streaming '${protocol.streaming}'`);
  return options.join(', ');
}

/** Stream Abort carries the abort LSN and timestamp only when streaming is 'parallel'. */
export function streamAbortCarriesLsn(protocol: PgOutputProtocol): boolean {
  return protocol.streaming === 'parallel';
}
