// The connection's "current details" in the Temporal UI: in words, what it is doing and why.
import type { ConnectionState } from '../../contracts/connection-workflow-messages';

export interface ModelProgress {
  pages: number;
  records: number;
  slices: number;
}

export function connectionDetails(
  state: ConnectionState,
  progress: ReadonlyMap<string, ModelProgress>,
  lastOutcome: ReadonlyMap<string, string>,
  refreshing: boolean,
): string {
  const lines = [`**${state.status}**${state.statusReason ? `: ${state.statusReason}` : ''}`, ''];
  if (state.paused) lines.push('paused: no syncs and no credential refreshes until resumed', '');
  for (const [model, schedule] of Object.entries(state.models)) {
    const now = progress.get(model);
    if (schedule.activeRun && now) {
      lines.push(`- ${model}: ${schedule.activeRun.mode} sync running, ${now.pages} pages / ${now.records} records so far`);
    } else if (schedule.activeRun) {
      lines.push(`- ${model}: ${schedule.activeRun.mode} sync ${schedule.paused || state.paused ? 'paused mid-run' : 'starting'}`);
    } else if (schedule.paused) {
      lines.push(`- ${model}: paused`);
    } else {
      lines.push(`- ${model}: next run ${schedule.requestedMode ? 'requested now' : `at ${isoTime(schedule.nextRunAt)}`}`);
    }
    const outcome = lastOutcome.get(model);
    if (outcome) lines.push(`  - last run ${outcome}`);
  }
  if (refreshing) lines.push('', 'refreshing credentials');
  else if (state.credentials.refreshAt !== null) lines.push('', `credentials refresh at ${isoTime(state.credentials.refreshAt)}`);
  return lines.join('\n');
}

export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
