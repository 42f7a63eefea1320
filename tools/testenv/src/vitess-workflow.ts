// VReplication workflows (Reshard, MoveTables) of a real Vitess cluster, driven through
// vtctldclient: create, wait for the copy, SwitchTraffic, Complete.
import { setTimeout as sleep } from 'node:timers/promises';

/** Runs `vtctldclient --server <vtctld> ...args` and returns its stdout; throws with its output on failure. */
export type VtctldClient = (args: readonly string[], timeoutMs?: number) => Promise<string>;

export type WorkflowKind = 'Reshard' | 'MoveTables';

export interface VitessWorkflow {
  readonly kind: WorkflowKind;
  readonly name: string;
  readonly targetKeyspace: string;
  /** `<kind> create`: the target streams start copying (the workflow's VReplication streams). */
  create(): Promise<void>;
  /** Resolves once every target stream has finished its copy phase and is streaming (Running). */
  waitForCopy(timeoutMs?: number): Promise<void>;
  /**
   * `<kind> switchtraffic` for every tablet type: reads, then writes (the journal is written
   * here). `reverseReplication: false` passes `--enable-reverse-replication=false`: no reverse
   * workflow copies the target's writes back to the source (and none is there for ReverseTraffic).
   */
  switchTraffic(options?: { readonly reverseReplication?: boolean }): Promise<void>;
  /** `<kind> reversetraffic`: traffic back to the source, as long as the workflow is not completed. */
  reverseTraffic(): Promise<void>;
  /** `<kind> complete`: the workflow ends and the source shards (Reshard) or tables (MoveTables) are dropped. */
  complete(): Promise<void>;
  /** `<kind> status --format json`, parsed. */
  status(): Promise<WorkflowStatus>;
}

export interface WorkflowStatus {
  readonly traffic_state?: string;
  readonly table_copy_state?: Record<string, unknown>;
  readonly shard_streams?: Record<string, { streams?: { status?: string; info?: string }[] }>;
}

export interface ReshardSpec {
  readonly keyspace: string;
  readonly workflow: string;
  readonly sourceShards: readonly string[];
  readonly targetShards: readonly string[];
}

export interface MoveTablesSpec {
  readonly workflow: string;
  readonly sourceKeyspace: string;
  readonly targetKeyspace: string;
  readonly tables: readonly string[];
}

/** A workflow handle; `createArgs` are the arguments of `<kind> ... create` after the common ones. */
export function workflowOf(
  vtctld: VtctldClient,
  kind: WorkflowKind,
  name: string,
  targetKeyspace: string,
  createArgs: readonly string[],
): VitessWorkflow {
  const run = (action: string, args: readonly string[] = [], timeoutMs?: number) =>
    vtctld([kind, '--workflow', name, '--target-keyspace', targetKeyspace, action, ...args], timeoutMs);
  const status = async (): Promise<WorkflowStatus> =>
    JSON.parse(await run('status', ['--format', 'json'])) as WorkflowStatus;
  return {
    kind,
    name,
    targetKeyspace,
    async create() {
      await run('create', createArgs);
    },
    async waitForCopy(timeoutMs = 180_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const current = await status();
        const streams = Object.values(current.shard_streams ?? {}).flatMap((shard) => shard.streams ?? []);
        const copying = Object.keys(current.table_copy_state ?? {});
        const last = `${streams.map((stream) => `${stream.status} (${stream.info ?? ''})`).join(', ')}; copying ${copying.join(', ') || 'nothing'}`;
        // "VStream Lag" is reported once a stream is past its copy phase and replicating.
        const copied =
          streams.length > 0 &&
          copying.length === 0 &&
          streams.every((stream) => stream.status === 'Running' && /VStream Lag/.test(stream.info ?? ''));
        if (copied) return;
        if (Date.now() > deadline)
          throw new Error(`${kind} ${targetKeyspace}.${name}: copy not done in ${timeoutMs} ms: ${last}`);
        await sleep(500);
      }
    },
    async switchTraffic(options = {}) {
      const args = options.reverseReplication === false ? ['--enable-reverse-replication=false'] : [];
      // vtctld refuses while the target lags (e.g. right after the copy): retried for a while.
      await retried(() => run('switchtraffic', args, 120_000), `${kind} ${targetKeyspace}.${name} switchtraffic`);
    },
    async reverseTraffic() {
      await retried(() => run('reversetraffic', [], 120_000), `${kind} ${targetKeyspace}.${name} reversetraffic`);
    },
    async complete() {
      await run('complete', [], 120_000);
    },
    status,
  };
}

async function retried(action: () => Promise<unknown>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await action();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${what}: still failing after ${timeoutMs} ms`, { cause: error });
      await sleep(1000);
    }
  }
}
