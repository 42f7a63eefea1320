// CPU and memory of processes, read from /proc (Linux only): what the benchmark reports per process.
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on every Linux we run on). */
const TICKS_PER_SECOND = 100;

interface StatLine {
  readonly ppid: number;
  /** utime + stime, in ticks. */
  readonly ticks: number;
  /** stime alone (time in the kernel), in ticks. */
  readonly sysTicks: number;
  /** Start time after boot, in ticks: tells a recycled pid from the process we saw before. */
  readonly start: number;
}

function readStat(pid: number): StatLine | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces or parentheses itself.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): ppid = field 4, utime = 14, stime = 15, starttime = 22.
  return {
    ppid: Number(fields[1]),
    ticks: Number(fields[11]) + Number(fields[12]),
    sysTicks: Number(fields[12]),
    start: Number(fields[19]),
  };
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+$/, '').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

/** A `/proc/<pid>/status` memory field (VmHWM = peak resident set, VmRSS = current), in KiB. */
export function memoryKb(pid: number, field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Busy and total CPU time of the whole machine (all cores), in ticks, from /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user/nice).
  const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = values[3] + values[4];
  return { busy: total - idle, total };
}

/**
 * Names a process for the report: a label, null to leave it out, or undefined to decide at the
 * next sample (a Postgres backend shows the postmaster's command line until it sets its title).
 */
export type Classifier = (pid: number, ppid: number, cmdline: string) => string | null | undefined;

export interface CpuUsage {
  readonly wallSeconds: number;
  /** CPU seconds per label, largest first. */
  readonly byLabel: ReadonlyArray<{ label: string; cpuSeconds: number; sysSeconds: number }>;
  /** CPU seconds of every process on the machine (including ones not labelled). */
  readonly machineBusySeconds: number;
  readonly machineCores: number;
}

interface Tracked {
  label: string;
  start: number;
  first: number;
  last: number;
  firstSys: number;
  lastSys: number;
}

/**
 * Samples every process's CPU time while it runs (processes may come and go: an exiting
 * process keeps the last value seen, so up to one interval of its time can be missed).
 */
export class CpuMonitor {
  private readonly tracked = new Map<number, Tracked>();
  private readonly ignored = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private machineStart = { busy: 0, total: 0 };

  constructor(
    private readonly classify: Classifier,
    private readonly intervalMs = 500,
  ) {}

  start(): void {
    this.startedAt = performance.now();
    this.machineStart = machineTicks();
    this.sample(true);
    this.timer = setInterval(() => this.sample(false), this.intervalMs);
    this.timer.unref();
  }

  stop(): CpuUsage {
    if (this.timer) clearInterval(this.timer);
    this.sample(false);
    const wallSeconds = (performance.now() - this.startedAt) / 1000;
    const machine = machineTicks();
    const sums = new Map<string, { ticks: number; sys: number }>();
    for (const t of this.tracked.values()) {
      const sum = sums.get(t.label) ?? { ticks: 0, sys: 0 };
      sum.ticks += t.last - t.first;
      sum.sys += t.lastSys - t.firstSys;
      sums.set(t.label, sum);
    }
    const byLabel = [...sums.entries()]
      .map(([label, sum]) => ({
        label,
        cpuSeconds: sum.ticks / TICKS_PER_SECOND,
        sysSeconds: sum.sys / TICKS_PER_SECOND,
      }))
      .sort((a, b) => b.cpuSeconds - a.cpuSeconds);
    const cores = Math.round(
      (machine.total - this.machineStart.total) / TICKS_PER_SECOND / Math.max(wallSeconds, 0.001),
    );
    return {
      wallSeconds,
      byLabel,
      machineBusySeconds: (machine.busy - this.machineStart.busy) / TICKS_PER_SECOND,
      machineCores: cores,
    };
  }

  private sample(initial: boolean): void {
    let entries: string[];
    try {
      entries = readdirSync('/proc');
    } catch {
      return;
    }
    for (const entry of entries) {
      const pid = Number(entry);
      if (!Number.isInteger(pid) || pid <= 0) continue;
      const stat = readStat(pid);
      if (!stat) continue;
      const known = this.tracked.get(pid);
      if (known && known.start === stat.start) {
        known.last = stat.ticks;
        known.lastSys = stat.sysTicks;
        continue;
      }
      if (this.ignored.get(pid) === stat.start) continue;
      const cmdline = commandLine(pid);
      const label = this.classify(pid, stat.ppid, cmdline);
      if (label === null) this.ignored.set(pid, stat.start);
      if (label === null || label === undefined) continue;
      // A process born after the window started counts from zero.
      this.tracked.set(pid, {
        label,
        start: stat.start,
        first: initial ? stat.ticks : 0,
        last: stat.ticks,
        firstSys: initial ? stat.sysTicks : 0,
        lastSys: stat.sysTicks,
      });
    }
  }
}

/** The role of a Postgres server process, from the title it sets (`postgres: walsender ...`). */
export function postgresRole(cmdline: string): string {
  if (cmdline.includes('walsender')) return 'walsender (decoding)';
  if (cmdline.includes('logical replication worker') || cmdline.includes('logical replication apply'))
    return 'apply worker';
  if (
    /checkpointer|background writer|walwriter|autovacuum|logical replication launcher|stats collector|archiver/.test(
      cmdline,
    ) ||
    !cmdline.startsWith('postgres:')
  )
    return 'background (checkpointer, walwriter, autovacuum, ...)';
  return 'client backends';
}
