// Which processes the chaos suite started are still alive, read from /proc, so nothing it spawned can hide from the check.
import { readdirSync, readFileSync } from 'node:fs';

export interface LiveProcess {
  pid: number;
  ppid: number;
  /** Process group: every child the suite spawns leads its own group (detached), and what it starts stays in it. */
  pgrp: number;
  command: string;
}

/** Every live process of the machine (zombies excluded: they hold nothing and vanish once reaped). */
function processTable(): LiveProcess[] {
  const table: LiveProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so read the fields after the last ')'.
      const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z') continue;
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      table.push({ pid: Number(entry), ppid: Number(ppid), pgrp: Number(pgrp), command });
    } catch {
      // Gone between the listing and the read.
    }
  }
  return table;
}

/** Live processes below `rootPid`: its children, their children, and so on. */
export function descendants(rootPid = process.pid): LiveProcess[] {
  const table = processTable();
  const found: LiveProcess[] = [];
  const parents = new Set([rootPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const entry of table) {
      if (parents.has(entry.ppid) && !parents.has(entry.pid)) {
        parents.add(entry.pid);
        found.push(entry);
        grew = true;
      }
    }
  }
  return found;
}

/**
 * What the suite started and is still running: its descendants, less the esbuild service that tsx (which runs the
 * suite) keeps as a child of this very process, which ends with it.
 */
export function suiteProcesses(): LiveProcess[] {
  return descendants().filter((entry) => !/\/esbuild --service=/.test(entry.command));
}

/**
 * Live processes that are one of `pids` or in one of their process groups: a child that died but left a process of
 * its own behind (re-parented away from us, so no longer a descendant) still counts.
 */
export function survivors(pids: Iterable<number>): LiveProcess[] {
  const wanted = new Set(pids);
  return processTable().filter((entry) => entry.pid !== process.pid && (wanted.has(entry.pid) || wanted.has(entry.pgrp)));
}

export function describeProcesses(entries: LiveProcess[]): string {
  return entries.map((entry) => `${entry.pid} (${entry.command.slice(0, 80)})`).join(', ');
}

/** SIGKILL, for what a teardown left behind. */
export function killProcesses(entries: LiveProcess[]): void {
  for (const entry of entries) {
    try {
      process.kill(entry.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
