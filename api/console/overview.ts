// The console's overview: connections by status and health with the problems first, runs and records changed per
// hour, and webhook deliveries failing now; answered from the connection directory and small summaries, never a scan.
import type { z } from 'zod';
import type { Store } from '../../store/store';
import type { overview as overviewSchema } from '../schemas';
import type { ConnectionDirectory, ListedStatus } from './connection-directory';
import type { RunStatistics } from './run-statistics';

export type OverviewView = z.output<typeof overviewSchema>;

const MAX_PROBLEMS = 20;
const RECENT_FAILING_DELIVERIES = 10;
/** What counts as a problem on the overview: a stuck workflow, or a status someone must look at. */
const PROBLEM_STATUSES = new Set<ListedStatus>(['auth_error', 'degraded', 'rate_limited']);

export async function overviewOf(
  { directory, statistics, store }: { directory: ConnectionDirectory; statistics: RunStatistics; store: Store },
  hours: number,
  now = new Date(),
): Promise<OverviewView> {
  const [entries, perHour, failing] = await Promise.all([
    directory.ordered(),
    statistics.lastHours(hours),
    store.webhookDeliveries.failingNow(new Date(now.getTime() - hours * 3_600_000), RECENT_FAILING_DELIVERIES),
  ]);
  const byStatus = { active: 0, rate_limited: 0, degraded: 0, auth_error: 0, paused: 0 };
  const byHealth = { ok: 0, stuck: 0, unknown: 0 };
  const runningByHour = new Map<number, number>();
  const windowStart = perHour[0]?.hour.getTime() ?? now.getTime();
  for (const entry of entries) {
    byStatus[entry.status]++;
    byHealth[entry.health]++;
    for (const since of entry.runningSince) {
      if (since.getTime() < windowStart) continue;
      const hour = Math.floor(since.getTime() / 3_600_000) * 3_600_000;
      runningByHour.set(hour, (runningByHour.get(hour) ?? 0) + 1);
    }
  }
  // The directory is ordered problems first, so the first entries that are problems are the ones to show.
  const problems = entries.filter((entry) => entry.health === 'stuck' || PROBLEM_STATUSES.has(entry.status)).slice(0, MAX_PROBLEMS);
  return {
    connections: { total: entries.length, byStatus, byHealth },
    problems: problems.map(({ connectionId, integration, status, statusReason, health }) => ({ connectionId, integration, status, statusReason, health })),
    runs: {
      byHour: perHour.map(({ hour, stats }) => ({ hour, succeeded: stats.succeeded, failed: stats.failed, running: runningByHour.get(hour.getTime()) ?? 0 })),
    },
    recordsChanged: { byHour: perHour.map(({ hour, stats }) => ({ hour, added: stats.added, updated: stats.updated, deleted: stats.deleted })) },
    failingDeliveries: {
      count: failing.count,
      recent: failing.recent.map(({ _id, type, connectionId, attempt, status, error, attemptedAt }) => ({ eventId: _id, type, connectionId, attempt, status, error, attemptedAt })),
    },
  };
}
