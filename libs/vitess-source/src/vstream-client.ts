import * as grpc from '@grpc/grpc-js';
import { query, topodata, vtgate, type binlogdata } from './generated/vitess';
import { decodeVStreamResponse } from './vstream-wire';

export type VEvent = binlogdata.IVEvent;

export interface VStreamRequest {
  readonly tabletType: 'primary' | 'replica' | 'rdonly';
  readonly vgtid: binlogdata.IVGtid;
  readonly rules: ReadonlyArray<{ match: string; filter?: string }>;
  readonly heartbeatIntervalS: number;
  readonly stopOnReshard: boolean;
}

const TABLET_TYPES = {
  primary: topodata.TabletType.PRIMARY,
  replica: topodata.TabletType.REPLICA,
  rdonly: topodata.TabletType.RDONLY,
} as const;

const METHOD = '/vtgateservice.Vitess/VStream';
const EXECUTE = '/vtgateservice.Vitess/Execute';

/** vtgate's answer (FAILED_PRECONDITION) when a VGtid names a shard its keyspace no longer has. */
const MISSING_SHARD = /shard provided in VGTID, ([^,\s]+), not found in the (\S+) keyspace/;

/**
 * MySQL's and MariaDB's refusals (error 1236, through vttablet and vtgate) to stream from a GTID
 * position the binlog no longer holds: purged, or lost with the binlog's tail when a server that
 * does not sync its binlog (sync_binlog=0) crashed. The same answer comes back on every retry
 * unless another tablet of the shard still has the position.
 */
const POSITION_LOST =
  /\b(?:errno|error) 1236\b|purged (?:required )?binary logs|not in the master's binlog|Could not find GTID state requested/i;

/** A gRPC error from vtgate with its status code name, for logs and retry decisions. */
export class VStreamError extends Error {
  /**
   * The shard vtgate says the keyspace no longer has (its reshard was completed, the old shards
   * deleted): streaming from a VGtid that names it cannot succeed, however often it is retried.
   */
  readonly missingShard: { readonly keyspace: string; readonly shard: string } | undefined;
  /** The source's binlog no longer holds the position asked for (MySQL/MariaDB error 1236). */
  readonly positionLost: boolean;

  constructor(
    message: string,
    readonly code: grpc.status | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'VStreamError';
    const missing = code === grpc.status.FAILED_PRECONDITION ? MISSING_SHARD.exec(message) : null;
    this.missingShard = missing ? { keyspace: missing[2], shard: missing[1] } : undefined;
    this.positionLost = POSITION_LOST.test(message);
  }
}

/**
 * A VStream call to vtgate (`vtgateservice.Vitess/VStream`), read as an async iterable of
 * response batches. Iteration pauses the HTTP/2 stream, so a slow consumer applies
 * back-pressure to vtgate instead of buffering without bound.
 */
export class VStreamClient {
  private readonly client: grpc.Client;

  constructor(readonly address: string) {
    this.client = new grpc.Client(address, grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': 256 * 1024 * 1024,
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5_000,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.initial_reconnect_backoff_ms': 200,
    });
  }

  async *stream(request: VStreamRequest, signal: AbortSignal): AsyncGenerator<VEvent[]> {
    const message = vstreamRequestMessage(request);
    const call = this.client.makeServerStreamRequest<vtgate.VStreamRequest, VEvent[]>(
      METHOD,
      (value) => Buffer.from(vtgate.VStreamRequest.encode(value).finish()),
      // ROW events without an object per row and a Long per column (vstream-wire.ts).
      (bytes) => decodeVStreamResponse(bytes),
      message,
      new grpc.Metadata(),
      {},
    );
    const cancel = () => call.cancel();
    signal.addEventListener('abort', cancel, { once: true });
    if (signal.aborted) cancel();
    try {
      for await (const events of call as AsyncIterable<VEvent[]>) yield events;
    } catch (error) {
      if (signal.aborted) return;
      const status = error as Partial<grpc.StatusObject>;
      const code = typeof status.code === 'number' ? status.code : undefined;
      const name = code !== undefined ? grpc.status[code] : 'ERROR';
      const details = status.details || (error instanceof Error ? error.message : String(error));
      throw new VStreamError(`VStream from vtgate ${this.address} failed: ${name}: ${details}`, code, { cause: error });
    } finally {
      signal.removeEventListener('abort', cancel);
      call.cancel();
    }
  }

  /**
   * One statement through vtgate's gRPC API (`vtgateservice.Vitess/Execute`), on `target`
   * ("keyspace@primary"), with bind variables (`:name` in the SQL; see BindValue). The rows
   * come as query.Rows with query.Fields, as VStream's do, so they decode the same way; the
   * fields carry flags and charsets (IncludedFields ALL).
   */
  async execute(
    target: string,
    sql: string,
    bindVariables: Readonly<Record<string, BindValue>>,
    timeoutMs = 30_000,
  ): Promise<query.IQueryResult> {
    const bind: Record<string, query.IBindVariable> = {};
    for (const [name, value] of Object.entries(bindVariables)) bind[name] = bindVariable(value);
    const request = new vtgate.ExecuteRequest({
      callerId: { principal: 'cdc', component: 'reader-vitess' },
      session: {
        autocommit: true,
        targetString: target,
        options: { includedFields: query.ExecuteOptions.IncludedFields.ALL },
        // TIMESTAMP values in UTC, as VStream sends them (its copy phase reads in UTC too).
        systemVariables: { time_zone: "'+00:00'" },
        enableSystemSettings: true,
      },
      query: { sql, bindVariables: bind },
    });
    const response = await new Promise<vtgate.ExecuteResponse>((resolve, reject) => {
      this.client.makeUnaryRequest<vtgate.ExecuteRequest, vtgate.ExecuteResponse>(
        EXECUTE,
        (value) => Buffer.from(vtgate.ExecuteRequest.encode(value).finish()),
        (bytes) => vtgate.ExecuteResponse.decode(bytes),
        request,
        new grpc.Metadata(),
        { deadline: Date.now() + timeoutMs },
        (error, value) => {
          if (error) {
            const name = grpc.status[error.code] ?? 'ERROR';
            reject(
              new VStreamError(`query through vtgate ${this.address} failed: ${name}: ${error.details}`, error.code),
            );
          } else resolve(value!);
        },
      );
    });
    if (response.error?.message)
      throw new VStreamError(`query through vtgate ${this.address} failed: ${response.error.message}`, undefined);
    return response.result ?? { fields: [], rows: [] };
  }

  close(): void {
    this.client.close();
  }
}

/** A bind variable's value: text (VARCHAR), an integer's digits, or NULL. */
export type BindValue = string | null | { readonly signed: string } | { readonly unsigned: string };

function bindVariable(value: BindValue): query.IBindVariable {
  if (value === null) return { type: query.Type.NULL_TYPE };
  if (typeof value === 'string') return { type: query.Type.VARCHAR, value: Buffer.from(value, 'utf8') };
  if ('signed' in value) return { type: query.Type.INT64, value: Buffer.from(value.signed, 'latin1') };
  return { type: query.Type.UINT64, value: Buffer.from(value.unsigned, 'latin1') };
}

/** The VStreamRequest message vtgate gets for a request. */
export function vstreamRequestMessage(request: VStreamRequest): vtgate.VStreamRequest {
  return new vtgate.VStreamRequest({
    callerId: { principal: 'cdc', component: 'reader-vitess' },
    tabletType: TABLET_TYPES[request.tabletType],
    vgtid: request.vgtid,
    filter: { rules: request.rules.map((rule) => ({ match: rule.match, filter: rule.filter ?? '' })) },
    // Journal events always, not only with stop_on_reshard: the reader logs each reshard it passes.
    flags: {
      heartbeatInterval: request.heartbeatIntervalS,
      stopOnReshard: request.stopOnReshard,
      includeReshardJournalEvents: true,
    },
  });
}
