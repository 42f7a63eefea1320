import { JetStreamApiError, jetstreamManager, type JetStreamManager, type StreamInfo } from '@nats-io/jetstream';
import { Kvm, type KV, type KvOptions } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from '@cdc/service-runtime';

const STREAM_NOT_FOUND = 10059;
/** JetStream's answers to a stream it cannot place: no peers for placement, not clustered, insufficient resources. */
const CANNOT_PLACE = new Set([10005, 10074, 10023]);

/** The cluster cannot hold the configured number of copies: nothing was created. */
export class ReplicasUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplicasUnavailableError';
  }
}

/** What a service knows of the NATS cluster it talks to: the server INFO of its connection. */
interface ServerView {
  readonly server: string;
  readonly cluster?: string;
  /** Client URLs of the cluster's servers that the connected server routes to (itself included); absent with no_advertise. */
  readonly connectUrls?: readonly string[];
}

function viewOf(nc: NatsConnection): ServerView {
  const info = nc.info;
  return {
    server: nc.getServer(),
    ...(info?.cluster ? { cluster: info.cluster } : {}),
    ...(info?.connect_urls?.length ? { connectUrls: info.connect_urls } : {}),
  };
}

/** A cluster member whose INFO lists fewer servers than asked (a server outside a cluster never joins one). */
function tooSmall(view: ServerView, replicas: number): boolean {
  return view.cluster !== undefined && view.connectUrls !== undefined && view.connectUrls.length < replicas;
}

/**
 * How many copies JetStream keeps of what the pipeline creates (`nats.replicas`), checked
 * against the cluster before the first thing is created, and applied to what exists already.
 */
export class Replication {
  private constructor(
    readonly replicas: number,
    private readonly view: (() => ServerView) | undefined,
    private readonly log: Logger | undefined,
    /** How long a cluster that looks too small is watched before the refusal (routes still forming). */
    private readonly graceMs = 3_000,
  ) {}

  /** One copy, no check: a single server (and the default of tests that do not ask for more). */
  static single(): Replication {
    return new Replication(1, undefined, undefined);
  }

  /** `graceMs`: how long a cluster that looks too small is watched before the refusal (default 3 s). */
  static of(nc: NatsConnection, replicas: number | undefined, log: Logger, graceMs?: number): Replication {
    return new Replication(replicas ?? 1, () => viewOf(nc), log, graceMs);
  }

  /** For tests: a fixed view of the cluster. */
  static withView(replicas: number, view: ServerView, log?: Logger): Replication {
    return new Replication(replicas, () => view, log, 0);
  }

  /**
   * Throws ReplicasUnavailableError when the cluster the client sees cannot hold `replicas`
   * copies. Only asked before creating or scaling something: a running cluster with a server
   * down still serves what exists (a majority of its copies is up), so a restart then must work.
   * A server learns of its peers as their routes connect, and tells the client in a later INFO:
   * a cluster that looks too small is looked at again for a few seconds before the refusal.
   */
  async assertPlaceable(what: string): Promise<void> {
    if (this.replicas <= 1 || !this.view) return;
    let view = this.view();
    for (const deadline = Date.now() + this.graceMs; tooSmall(view, this.replicas) && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      view = this.view();
    }
    const asked = `nats.replicas is ${this.replicas}`;
    if (!view.cluster)
      throw new ReplicasUnavailableError(
        `${asked} but the NATS server at ${view.server} is not part of a cluster, so ${what} cannot have ${this.replicas} copies: ` +
          `run a JetStream cluster of at least ${this.replicas} servers, or set nats.replicas: 1`,
      );
    const servers = view.connectUrls?.length;
    if (servers !== undefined && servers < this.replicas)
      throw new ReplicasUnavailableError(
        `${asked} but the NATS cluster "${view.cluster}" has ${servers} server${servers === 1 ? '' : 's'} reachable ` +
          `(${view.connectUrls!.join(', ')}), so ${what} cannot have ${this.replicas} copies: ` +
          `start the missing servers, or lower nats.replicas`,
      );
  }

  /** A JetStream refusal to place a stream, as the one line above (other errors unchanged). */
  explain(error: unknown, what: string): unknown {
    if (!(error instanceof JetStreamApiError) || !CANNOT_PLACE.has(error.code)) return error;
    return new ReplicasUnavailableError(
      `nats.replicas is ${this.replicas} but JetStream cannot place ${what} on that many servers (${error.message}): ` +
        `check that the cluster has ${this.replicas} JetStream servers up, or lower nats.replicas`,
    );
  }

  /**
   * Creates a stream with `replicas` copies, after the check above. Exported so every stream
   * the pipeline creates goes through one place.
   */
  async addStream(
    jsm: JetStreamManager,
    config: Parameters<JetStreamManager['streams']['add']>[0],
  ): Promise<StreamInfo> {
    const what = `stream ${config.name}`;
    await this.assertPlaceable(what);
    try {
      return await jsm.streams.add({ ...config, num_replicas: this.replicas });
    } catch (error) {
      throw this.explain(error, what);
    }
  }

  /**
   * Scales an existing stream to `replicas` (its consumers follow, as they inherit the count).
   * JetStream adds or removes copies online; a new copy catches up from the leader.
   */
  async reconcile(jsm: JetStreamManager, info: StreamInfo): Promise<StreamInfo> {
    const current = info.config.num_replicas || 1;
    if (current === this.replicas) return info;
    const what = `stream ${info.config.name}`;
    if (this.replicas > current) await this.assertPlaceable(what);
    let updated: StreamInfo;
    try {
      updated = await jsm.streams.update(info.config.name, { ...info.config, num_replicas: this.replicas });
    } catch (error) {
      throw this.explain(error, what);
    }
    this.log?.info(
      { stream: info.config.name, from: current, to: this.replicas },
      `scaled stream ${info.config.name} from ${current} to ${this.replicas} replicas`,
    );
    return updated;
  }
}

/**
 * Opens a KV bucket, creating it with `replicas` copies when absent (after the cluster check)
 * and scaling it when it exists with another count.
 */
export async function openBucket(
  nc: NatsConnection,
  bucket: string,
  options: Partial<KvOptions>,
  replication: Replication = Replication.single(),
): Promise<KV> {
  const jsm = await jetstreamManager(nc);
  const stream = `KV_${bucket}`;
  try {
    await replication.reconcile(jsm, await jsm.streams.info(stream));
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== STREAM_NOT_FOUND) throw error;
    await replication.assertPlaceable(`KV bucket ${bucket}`);
  }
  try {
    return await new Kvm(nc).create(bucket, { ...options, replicas: replication.replicas });
  } catch (error) {
    throw replication.explain(error, `KV bucket ${bucket}`);
  }
}
