// Reads CPU time and memory of the processes the bench cares about from /proc (Linux), so each figure can say
// which component was busy: the worker, the Temporal server, the database, the bench process itself, or others.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';

const hasProc = (() => {
  try {
    readFileSync('/proc/self/stat', 'utf8');
    return true;
  } catch {
    return false;
  }
})();

const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export interface ProcessSample {
  /** User + system CPU seconds, including reaped children (postgres backends are children of the postmaster). */
  cpuSeconds: number;
  rssBytes: number;
}

interface ProcStat {
  pid: number;
  ppid: number;
  selfTicks: number;
  childTicks: number;
}

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces; fields are counted after its closing one.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return {
      pid,
      ppid: Number(fields[1]),
      selfTicks: Number(fields[11]) + Number(fields[12]),
      childTicks: Number(fields[13]) + Number(fields[14]),
    };
  } catch {
    return null;
  }
}

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

function allPids(): number[] {
  if (!hasProc) return [];
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
}

export function rssOf(pid: number): number | null {
  return statusField(pid, 'VmRSS');
}

/** Peak RSS since start or since the last resetPeakRss. */
export function peakRssOf(pid: number): number | null {
  return statusField(pid, 'VmHWM');
}

/** Writing 5 to clear_refs resets VmHWM to the current RSS, so one long-lived worker gives a peak per run. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** A set of processes measured as one: e.g. FerretDB plus its PostgreSQL postmaster and backends. */
export interface ProcessGroup {
  name: string;
  roots: number[];
  /** Also count live descendants, found at each sample (postgres starts a backend per client connection). */
  descendants: boolean;
}

/** Samples several groups from one pass over /proc. */
export function sampleGroups(groups: readonly ProcessGroup[]): Map<string, ProcessSample | null> {
  const result = new Map<string, ProcessSample | null>();
  if (!hasProc) {
    for (const group of groups) result.set(group.name, null);
    return result;
  }
  const stats = new Map<number, ProcStat>();
  const children = new Map<number, number[]>();
  for (const pid of allPids()) {
    const stat = readStat(pid);
    if (!stat) continue;
    stats.set(pid, stat);
    children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
  }
  for (const group of groups) {
    const members = new Set<number>();
    const visit = (pid: number) => {
      if (members.has(pid) || !stats.has(pid)) return;
      members.add(pid);
      if (group.descendants) for (const child of children.get(pid) ?? []) visit(child);
    };
    group.roots.forEach(visit);
    if (members.size === 0) {
      result.set(group.name, null);
      continue;
    }
    let ticks = 0;
    let rss = 0;
    for (const pid of members) {
      const stat = stats.get(pid) as ProcStat;
      // Reaped children's time is in childTicks; count it only where those children were members (descendants).
      ticks += stat.selfTicks + (group.descendants ? stat.childTicks : 0);
      rss += rssOf(pid) ?? 0;
    }
    result.set(group.name, { cpuSeconds: ticks / clockTicks, rssBytes: rss });
  }
  return result;
}

/** The `temporal server start-dev` serving this address, when it runs on this machine. */
export function findTemporalServer(address: string): number | null {
  const port = /:(\d+)$/.exec(address)?.[1];
  if (!port) return null;
  return (
    allPids().find((pid) => {
      const args = commandLine(pid);
      return args.includes('start-dev') && args.some((arg, i) => (arg === '--port' && args[i + 1] === port) || arg === `--port=${port}`);
    }) ?? null
  );
}

/** FerretDB (and the PostgreSQL cluster behind it) or mongod listening on the URI's port, when local. */
export function findDatabaseServer(uri: string): number[] {
  const port = /:\/\/[^/]*:(\d+)/.exec(uri)?.[1];
  if (!port) return [];
  const pids = allPids();
  const roots: number[] = [];
  for (const pid of pids) {
    const args = commandLine(pid);
    if (args.some((arg) => arg === `--listen-addr=127.0.0.1:${port}`)) {
      roots.push(pid);
      const pgPort = args.map((arg) => /^--postgresql-url=.*:(\d+)\//.exec(arg)?.[1]).find(Boolean);
      const postmaster = pgPort
        ? pids.find((candidate) => {
            const pgArgs = commandLine(candidate);
            return /postgres$/.test(pgArgs[0] ?? '') && pgArgs.some((arg, i) => arg === '-p' && pgArgs[i + 1] === pgPort);
          })
        : undefined;
      if (postmaster) roots.push(postmaster);
    } else if (/mongod$/.test(args[0] ?? '') && args.some((arg, i) => arg === '--port' && args[i + 1] === port)) {
      roots.push(pid);
    }
  }
  return roots;
}

/** Busy CPU seconds of the whole machine, to tell our load from other processes'. */
export function machineBusySeconds(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return (user + nice + system + irq + softirq + steal) / clockTicks;
  } catch {
    return null;
  }
}

export const machineCores = cpus().length;
