// Over 400 lines on purpose: one cluster's lifecycle (etcd, vtctld, vtgate, a MariaDB and vttablet per shard, their ports and the workflows' commands), whose steps depend on each other's state.
// A real multi-process Vitess cluster on loopback (tools/vitess-testenv/README.md, "Multi-process
// cluster"): etcd (topology), vtctld, vtgate, and per shard one MariaDB (through mysqlctl) with its
// vttablet. Unlike vttestserver it can reshard and move tables. Binaries: tools/vitess-testenv/install.sh.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { ServerStartError } from './errors';
import { mariadbRunAs } from './mariadb';
import { findFreePort, LOOPBACK, portAnswers, waitUntil } from './net';
import { baseDir, type RunAs } from './paths';
import { ownProcess, runCommand, serverEnv, spawnServer, tailFile, terminate, type SpawnedServer } from './proc';
import { MARIADB_EXTRA_CNF, clusterBinaries, initDbSql, type ClusterBinaries } from './vitess-cluster-setup';
import { CLUSTER_DIR_PREFIX, killProcessesUsing, processesUsing, sweepStaleClusters } from './vitess-cluster-sweep';
import {
  workflowOf,
  type MoveTablesSpec,
  type ReshardSpec,
  type VitessWorkflow,
  type VtctldClient,
} from './vitess-workflow';

const CELL = 'zone1';
const START_TIMEOUT_MS = 120_000;

export interface VitessClusterOptions {
  /** Shows up in the directory name. */
  readonly name?: string;
}

export interface VitessTablet {
  /** `zone1-0000000100` */
  readonly alias: string;
  readonly uid: number;
  readonly keyspace: string;
  readonly shard: string;
  readonly mysqlPort: number;
  /** The MariaDB socket (user vt_dba, no password): direct access to the shard's database `vt_<keyspace>`. */
  readonly socket: string;
}

/** The cluster's public surface: vtgate's addresses, topology changes, workflows. */
export interface VitessRealCluster {
  /** vtgate gRPC, host:port (VStream). */
  readonly grpcAddress: string;
  /** vtgate's MySQL protocol, host:port (user root, no password). */
  readonly mysqlAddress: string;
  readonly dir: string;
  mysqlUrl(keyspace: string): string;
  /** `vtctldclient --server <vtctld> ...args`: stdout, or an error with the output. */
  vtctld: VtctldClient;
  /** CreateKeyspace, one primary tablet per shard, the VSchema when given; waits until vtgate serves it. */
  createKeyspace(keyspace: string, options: { shards: readonly string[]; vschema?: unknown }): Promise<VitessTablet[]>;
  /** New shards of a keyspace (not serving until a Reshard switches traffic to them), one primary tablet each. */
  addShards(keyspace: string, shards: readonly string[]): Promise<VitessTablet[]>;
  applyVSchema(keyspace: string, vschema: unknown): Promise<void>;
  tablets(keyspace?: string): VitessTablet[];
  reshard(spec: ReshardSpec): VitessWorkflow;
  moveTables(spec: MoveTablesSpec): VitessWorkflow;
  /** Stops (SIGTERM) the vttablet process of a tablet; its MariaDB keeps running. */
  stopTablet(alias: string): Promise<void>;
  /** Starts a stopped tablet's vttablet again, same ports. */
  startTablet(alias: string): Promise<void>;
  /** Stops the tablets of shards that no longer exist (after a Reshard's Complete) and their MariaDBs. */
  removeShardTablets(keyspace: string, shards: readonly string[]): Promise<void>;
  /** Stops vtgate and starts it again on the same ports. */
  restartVtgate(): Promise<void>;
  /** Kills every process of the cluster and removes its directory. */
  destroy(): Promise<void>;
}

interface TabletProcess extends VitessTablet {
  readonly webPort: number;
  readonly grpcPort: number;
  vttablet: SpawnedServer | undefined;
}

let swept = false;

/**
 * Starts etcd, vtctld and vtgate in a fresh directory under the test environment's base directory
 * (keyspaces come with createKeyspace). As root every process runs as the `mysql` OS user
 * (mysqlctl refuses root). All its processes are SIGKILLed when this node process exits.
 */
export async function startVitessCluster(options: VitessClusterOptions = {}): Promise<VitessRealCluster> {
  const binaries = clusterBinaries();
  const base = baseDir();
  if (!swept) {
    swept = true;
    sweepStaleClusters(base);
  }
  const safe = (options.name ?? 'cluster').replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 30);
  const dir = join(base, `${CLUSTER_DIR_PREFIX}${safe}-${process.pid}-${randomBytes(3).toString('hex')}`);
  const cluster = new VitessClusterProcesses(dir, binaries, mariadbRunAs());
  try {
    await cluster.start();
  } catch (error) {
    await cluster.destroy(false);
    throw error;
  }
  return cluster;
}

class VitessClusterProcesses implements VitessRealCluster {
  private readonly logs: string;
  private readonly env: NodeJS.ProcessEnv;
  private etcdPort = 0;
  private vtctldGrpcPort = 0;
  private vtgateWebPort = 0;
  private vtgateGrpcPort = 0;
  private vtgateMysqlPort = 0;
  private vtgate: SpawnedServer | undefined;
  private readonly tabletsByAlias = new Map<string, TabletProcess>();
  private nextUid = 100;

  constructor(
    readonly dir: string,
    private readonly binaries: ClusterBinaries,
    private readonly runAs: RunAs | undefined,
  ) {
    this.logs = join(dir, 'logs');
    this.env = {
      ...serverEnv(runAs),
      HOME: dir,
      VTDATAROOT: dir,
      VT_MYSQL_ROOT: '/usr',
      EXTRA_MY_CNF: join(dir, 'mariadb-extra.cnf'),
    };
  }

  get grpcAddress(): string {
    return `${LOOPBACK}:${this.vtgateGrpcPort}`;
  }

  get mysqlAddress(): string {
    return `${LOOPBACK}:${this.vtgateMysqlPort}`;
  }

  mysqlUrl(keyspace: string): string {
    return `mysql://root@${this.mysqlAddress}/${encodeURIComponent(keyspace)}`;
  }

  async start(): Promise<void> {
    mkdirSync(this.logs, { recursive: true });
    mkdirSync(join(this.dir, 'etcd'));
    writeFileSync(join(this.dir, 'mariadb-extra.cnf'), MARIADB_EXTRA_CNF);
    writeFileSync(join(this.dir, 'init_db.sql'), initDbSql());
    this.chown(
      this.dir,
      this.logs,
      join(this.dir, 'etcd'),
      join(this.dir, 'mariadb-extra.cnf'),
      join(this.dir, 'init_db.sql'),
    );

    this.etcdPort = await findFreePort();
    const etcdPeerPort = await findFreePort();
    const peer = `http://${LOOPBACK}:${etcdPeerPort}`;
    const client = `http://${LOOPBACK}:${this.etcdPort}`;
    const etcd = this.spawn('etcd', this.binaries.etcd, [
      '--name=vtcluster',
      `--data-dir=${join(this.dir, 'etcd')}`,
      `--listen-client-urls=${client}`,
      `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=vtcluster=${peer}`,
      '--log-level=warn',
    ]);
    await this.waitForPort(etcd, 'etcd', this.etcdPort);

    const vtctldWebPort = await findFreePort();
    this.vtctldGrpcPort = await findFreePort();
    const vtctld = this.spawn('vtctld', this.binaries.vtctld, [
      ...this.topoFlags(),
      ...this.serverFlags(vtctldWebPort, this.vtctldGrpcPort),
      `--cell=${CELL}`,
      '--service_map=grpc-vtctl,grpc-vtctld',
    ]);
    await this.waitForPort(vtctld, 'vtctld', this.vtctldGrpcPort);
    await this.vtctld([
      'AddCellInfo',
      '--root',
      `/vitess/${CELL}`,
      '--server-address',
      `${LOOPBACK}:${this.etcdPort}`,
      CELL,
    ]);

    this.vtgateWebPort = await findFreePort();
    this.vtgateGrpcPort = await findFreePort();
    this.vtgateMysqlPort = await findFreePort();
    await this.startVtgate();
  }

  vtctld: VtctldClient = (args, timeoutMs = 60_000) =>
    new Promise((resolve, reject) => {
      execFile(
        this.binaries.vtctldclient,
        ['--server', `${LOOPBACK}:${this.vtctldGrpcPort}`, ...args],
        { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: this.env, cwd: this.dir },
        (error, stdout, stderr) => {
          if (error) {
            const output = `${stderr}\n${stdout}`.trim().split('\n').slice(-15).join('\n');
            reject(new Error(`vtctldclient ${args.join(' ')} failed: ${output}`, { cause: error }));
          } else resolve(stdout);
        },
      );
    });

  async createKeyspace(
    keyspace: string,
    options: { shards: readonly string[]; vschema?: unknown },
  ): Promise<VitessTablet[]> {
    await this.vtctld(['CreateKeyspace', '--durability-policy=none', '--sidecar-db-name=_vt', keyspace]);
    const tablets = await this.addShards(keyspace, options.shards);
    if (options.vschema !== undefined) await this.applyVSchema(keyspace, options.vschema);
    await this.waitForVtgate(
      tablets.map((tablet) => tablet.alias),
      true,
    );
    return tablets;
  }

  async addShards(keyspace: string, shards: readonly string[]): Promise<VitessTablet[]> {
    const tablets = await Promise.all(shards.map((shard) => this.newTablet(keyspace, shard)));
    // One tablet per shard: PlannedReparentShard makes it the primary (vttablet starts as a
    // replica). A second tablet per shard cannot join on MariaDB with Vitess v22 (README).
    for (const tablet of tablets) {
      await this.vtctld(
        ['PlannedReparentShard', `${keyspace}/${tablet.shard}`, '--new-primary', tablet.alias],
        120_000,
      );
    }
    await this.waitForVtgate(
      tablets.map((tablet) => tablet.alias),
      false,
    );
    return tablets;
  }

  async applyVSchema(keyspace: string, vschema: unknown): Promise<void> {
    await this.vtctld(['ApplyVSchema', '--vschema', JSON.stringify(vschema), keyspace]);
  }

  tablets(keyspace?: string): VitessTablet[] {
    return [...this.tabletsByAlias.values()].filter((tablet) => keyspace === undefined || tablet.keyspace === keyspace);
  }

  reshard(spec: ReshardSpec): VitessWorkflow {
    return workflowOf(this.vtctld, 'Reshard', spec.workflow, spec.keyspace, [
      '--source-shards',
      spec.sourceShards.join(','),
      '--target-shards',
      spec.targetShards.join(','),
    ]);
  }

  moveTables(spec: MoveTablesSpec): VitessWorkflow {
    return workflowOf(this.vtctld, 'MoveTables', spec.workflow, spec.targetKeyspace, [
      '--source-keyspace',
      spec.sourceKeyspace,
      '--tables',
      spec.tables.join(','),
    ]);
  }

  async stopTablet(alias: string): Promise<void> {
    const tablet = this.tablet(alias);
    const spawned = tablet.vttablet;
    tablet.vttablet = undefined;
    if (spawned !== undefined) await terminate(spawned, 30_000);
  }

  async startTablet(alias: string): Promise<void> {
    const tablet = this.tablet(alias);
    if (tablet.vttablet !== undefined && tablet.vttablet.exitStatus() === undefined) return;
    await this.startVttablet(tablet);
  }

  async removeShardTablets(keyspace: string, shards: readonly string[]): Promise<void> {
    const removed = [...this.tabletsByAlias.values()].filter(
      (t) => t.keyspace === keyspace && shards.includes(t.shard),
    );
    for (const tablet of removed) {
      await this.stopTablet(tablet.alias);
      await this.mysqlctl(tablet, ['shutdown']);
      this.tabletsByAlias.delete(tablet.alias);
    }
  }

  async restartVtgate(): Promise<void> {
    if (this.vtgate !== undefined) await terminate(this.vtgate, 30_000);
    await this.startVtgate();
    await this.waitForVtgate(
      this.tablets().map((tablet) => tablet.alias),
      false,
    );
  }

  async destroy(remove = true): Promise<void> {
    killProcessesUsing(this.dir);
    await waitUntil(() => processesUsing(this.dir).length === 0, {
      timeoutMs: 15_000,
      timeoutMessage: `processes of ${this.dir} still alive after SIGKILL`,
    });
    if (remove) rmSync(this.dir, { recursive: true, force: true, maxRetries: 3 });
  }

  // ---------------------------------------------------------------- processes

  private async startVtgate(): Promise<void> {
    const vtgate = this.spawn('vtgate', this.binaries.vtgate, [
      ...this.topoFlags(),
      ...this.serverFlags(this.vtgateWebPort, this.vtgateGrpcPort),
      `--cell=${CELL}`,
      `--cells_to_watch=${CELL}`,
      '--service_map=grpc-vtgateservice',
      '--tablet_types_to_wait=PRIMARY',
      `--mysql_server_port=${this.vtgateMysqlPort}`,
      `--mysql_server_bind_address=${LOOPBACK}`,
      '--mysql_auth_server_impl=none',
      '--vschema_ddl_authorized_users=%',
      // New tablets (shards added for a Reshard) are found in the topology this often (default 1m).
      '--tablet_refresh_interval=2s',
      // Writes to a shard whose primary is switching are held (up to 10 s) rather than failed.
      '--enable_buffer',
    ]);
    this.vtgate = vtgate;
    await this.waitForPort(vtgate, 'vtgate', this.vtgateMysqlPort);
    await this.waitForPort(vtgate, 'vtgate', this.vtgateGrpcPort);
  }

  private async newTablet(keyspace: string, shard: string): Promise<TabletProcess> {
    const uid = this.nextUid;
    this.nextUid += 1;
    const tablet: TabletProcess = {
      alias: `${CELL}-${String(uid).padStart(10, '0')}`,
      uid,
      keyspace,
      shard,
      mysqlPort: await findFreePort(),
      webPort: await findFreePort(),
      grpcPort: await findFreePort(),
      socket: join(this.dir, `vt_${String(uid).padStart(10, '0')}`, 'mysql.sock'),
      vttablet: undefined,
    };
    this.tabletsByAlias.set(tablet.alias, tablet);
    await this.mysqlctl(tablet, ['init', `--init_db_sql_file=${join(this.dir, 'init_db.sql')}`]);
    await this.startVttablet(tablet);
    return tablet;
  }

  private async mysqlctl(tablet: TabletProcess, args: readonly string[]): Promise<void> {
    const result = await runCommand(
      this.binaries.mysqlctl,
      [
        `--log_dir=${this.logs}`,
        `--tablet_uid=${tablet.uid}`,
        `--mysql_port=${tablet.mysqlPort}`,
        '--config-file-not-found-handling=ignore',
        ...args,
      ],
      { cwd: this.dir, env: this.env, runAs: this.runAs, timeoutMs: START_TIMEOUT_MS },
    );
    if (result.code !== 0) {
      throw new ServerStartError(
        `mysqlctl ${args[0]} of tablet ${tablet.alias} (${tablet.keyspace}/${tablet.shard}) failed`,
        join(this.logs, 'mysqlctl.INFO'),
        result.output.split('\n').slice(-30).join('\n'),
      );
    }
    // mysqld_safe and mariadbd outlive mysqlctl: they die with this node process too.
    for (const pid of processesUsing(join(this.dir, `vt_${String(tablet.uid).padStart(10, '0')}`))) ownProcess(pid);
  }

  private async startVttablet(tablet: TabletProcess): Promise<void> {
    const spawned = this.spawn(`vttablet-${tablet.uid}`, this.binaries.vttablet, [
      ...this.topoFlags(),
      ...this.serverFlags(tablet.webPort, tablet.grpcPort),
      `--tablet-path=${tablet.alias}`,
      `--tablet_hostname=${LOOPBACK}`,
      `--init_keyspace=${tablet.keyspace}`,
      `--init_shard=${tablet.shard}`,
      '--init_tablet_type=replica',
      '--service_map=grpc-queryservice,grpc-tabletmanager,grpc-updatestream',
      '--db_charset=utf8mb4_general_ci',
      '--health_check_interval=2s',
    ]);
    tablet.vttablet = spawned;
    await this.waitForPort(spawned, `vttablet-${tablet.uid}`, tablet.grpcPort);
  }

  private topoFlags(): string[] {
    return [
      '--topo_implementation=etcd2',
      `--topo_global_server_address=${LOOPBACK}:${this.etcdPort}`,
      '--topo_global_root=/vitess/global',
    ];
  }

  private serverFlags(webPort: number, grpcPort: number): string[] {
    return [
      `--port=${webPort}`,
      `--grpc_port=${grpcPort}`,
      `--bind-address=${LOOPBACK}`,
      `--grpc_bind_address=${LOOPBACK}`,
      `--log_dir=${this.logs}`,
      '--config-file-not-found-handling=ignore',
    ];
  }

  private spawn(name: string, command: string, args: string[]): SpawnedServer {
    const spawned = spawnServer({
      command,
      args,
      cwd: this.dir,
      logFile: join(this.logs, `${name}.out`),
      detached: false,
      env: this.env,
      ...(this.runAs ? { runAs: this.runAs } : {}),
    });
    if (spawned.pid > 0) ownProcess(spawned.pid);
    return spawned;
  }

  /** Until the process accepts connections on the port; `name` is its log's (`logs/<name>.out`). */
  private async waitForPort(spawned: SpawnedServer, name: string, port: number): Promise<void> {
    const logFile = join(this.logs, `${name}.out`);
    const what = `${name} (${this.dir})`;
    try {
      await waitUntil(() => portAnswers(port), {
        timeoutMs: START_TIMEOUT_MS,
        intervalMs: 100,
        check: () => {
          const status = spawned.exitStatus();
          if (status !== undefined) throw new Error(`${what} ${status}`);
        },
        timeoutMessage: `${what} does not answer on port ${port} after ${START_TIMEOUT_MS} ms`,
      });
    } catch (error) {
      throw new ServerStartError((error as Error).message, logFile, tailFile(logFile, 30));
    }
  }

  /** Until vtgate lists every tablet (serving, when `serving`): it finds new tablets by polling the topology. */
  private async waitForVtgate(aliases: readonly string[], serving: boolean): Promise<void> {
    let seen = '';
    try {
      await waitUntil(
        async () => {
          const connection = await mysql.createConnection({
            uri: `mysql://root@${this.mysqlAddress}/`,
            connectTimeout: 5000,
          });
          try {
            const [rows] = await connection.query<mysql.RowDataPacket[]>('SHOW VITESS_TABLETS');
            seen = rows.map((row) => `${row.Alias} ${row.TabletType} ${row.State}`).join(', ');
            return aliases.every((alias) =>
              rows.some((row) => row.Alias === alias && (!serving || row.State === 'SERVING')),
            );
          } finally {
            await connection.end().catch(() => undefined);
          }
        },
        { timeoutMs: START_TIMEOUT_MS, intervalMs: 250, timeoutMessage: '' },
      );
    } catch (error) {
      throw new Error(`vtgate does not list ${aliases.join(', ')}${serving ? ' as serving' : ''}; it lists: ${seen}`, {
        cause: error,
      });
    }
  }

  private tablet(alias: string): TabletProcess {
    const tablet = this.tabletsByAlias.get(alias);
    if (tablet === undefined) throw new Error(`no tablet ${alias} in this cluster`);
    return tablet;
  }

  private chown(...paths: string[]): void {
    if (this.runAs === undefined) return;
    for (const path of paths) chownSync(path, this.runAs.uid, this.runAs.gid);
  }
}
