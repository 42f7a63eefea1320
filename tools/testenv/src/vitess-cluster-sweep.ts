// Finding and ending a cluster's processes by its directory: every one of them (etcd, vtctld,
// vtgate, vttablets, mysqld_safe, mariadbd) names it on its command line.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from './proc';

/** Cluster directories are <base>/vtcluster-<name>-<owner pid>-<hex>. */
export const CLUSTER_DIR_PREFIX = 'vtcluster-';

/** Pids whose command line names the directory: every process of a cluster does (flags, my.cnf). */
export function processesUsing(dir: string): number[] {
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return pids;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmdline.split('\0').some((arg) => arg.includes(`${dir}/`) || arg === dir)) {
      if (isAlive(Number(entry))) pids.push(Number(entry));
    }
  }
  return pids;
}

export function killProcessesUsing(dir: string): void {
  for (const pid of processesUsing(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Clusters left behind by test processes that died: their processes are killed, their directories removed. */
export function sweepStaleClusters(base: string): void {
  let entries: string[];
  try {
    entries = readdirSync(base);
  } catch {
    return;
  }
  for (const entry of entries) {
    const match = new RegExp(`^${CLUSTER_DIR_PREFIX}.*-(\\d+)-[0-9a-f]{6}$`).exec(entry);
    if (!match) continue;
    const owner = Number(match[1]);
    if (owner === process.pid || isAlive(owner)) continue;
    const dir = join(base, entry);
    killProcessesUsing(dir);
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort
    }
  }
}
