// What a run reads with (a sync's version and the extra fields asked for) and whether, and why, it reads everything.
import type { SyncMode } from '../contracts/sync-mode';
import { parseDuration } from '../contracts/duration';
import type { SyncDefinition } from '../sync/sync-definition';

/**
 * What a run reads with, as one comparable string: the sync's version, then the extra fields (the integration's and
 * the connection's together). Version 1 without extra fields is `1`, what runs from before versions existed read with.
 */
export function syncVersionOf(sync: Pick<SyncDefinition, 'version'>, extraFields: readonly string[]): string {
  const version = String(sync.version ?? 1);
  const extra = [...new Set(extraFields)].sort();
  return extra.length === 0 ? version : `${version}+${extra.join(',')}`;
}

/** Why records read with `before` must all be read again to have `now`'s shape: `version 1 → 2; fields added: Tier__c`. */
export function whatChanged(before: string, now: string): string {
  const [versionBefore, fieldsBefore = ''] = splitVersion(before);
  const [versionNow, fieldsNow = ''] = splitVersion(now);
  const reasons: string[] = [];
  if (versionBefore !== versionNow) reasons.push(`version ${versionBefore} → ${versionNow}`);
  const had = new Set(fieldsBefore.split(',').filter(Boolean));
  const has = new Set(fieldsNow.split(',').filter(Boolean));
  const added = [...has].filter((field) => !had.has(field));
  const removed = [...had].filter((field) => !has.has(field));
  if (added.length > 0) reasons.push(`fields added: ${added.join(', ')}`);
  if (removed.length > 0) reasons.push(`fields removed: ${removed.join(', ')}`);
  return reasons.join('; ') || 'what the sync stores changed';
}

function splitVersion(value: string): [string, string?] {
  const plus = value.indexOf('+');
  return plus < 0 ? [value] : [value.slice(0, plus), value.slice(plus + 1)];
}

export interface RunModeDecision {
  mode: SyncMode;
  /** Why the run reads everything (`initial`, `requested`, what changed); null for an incremental run. */
  fullReason: string | null;
}

/** A sync's `fullResyncEvery`, and when the model's last run that read everything began (null: none is known). */
export interface ScheduledFullResync {
  every: string;
  lastCompleteReadAt: Date | null;
  now: Date;
}

/**
 * How a run reads: as asked, except that an incremental run of a model whose records were last all read with another
 * version (`lastComplete`) than the current one reads everything once, so every record gets the new shape, and that
 * one whose sync reads everything every so often (`fullResyncEvery`) does when that much time has passed. A model
 * never synced has no cursor: its first run reads everything anyway, and neither is owed.
 */
export function decideRunMode(input: {
  requested: SyncMode;
  hasCursor: boolean;
  lastComplete: string | null;
  current: string;
  scheduled?: ScheduledFullResync;
}): RunModeDecision {
  const changed = input.hasCursor && input.lastComplete !== null && input.lastComplete !== input.current;
  if (input.requested === 'full') {
    if (!input.hasCursor) return { mode: 'full', fullReason: 'initial' };
    return { mode: 'full', fullReason: changed ? `requested; ${whatChanged(input.lastComplete as string, input.current)}` : 'requested' };
  }
  if (changed) return { mode: 'full', fullReason: whatChanged(input.lastComplete as string, input.current) };
  if (input.hasCursor && input.scheduled && fullResyncDue(input.scheduled)) {
    return { mode: 'full', fullReason: `scheduled every ${input.scheduled.every}: finds deletes the provider does not report` };
  }
  return { mode: 'incremental', fullReason: null };
}

/** Due when the last complete read began `every` ago or longer, or none is known. */
function fullResyncDue({ every, lastCompleteReadAt, now }: ScheduledFullResync): boolean {
  const everyMs = parseDuration(every);
  if (everyMs === null) return false;
  return lastCompleteReadAt === null || now.getTime() - lastCompleteReadAt.getTime() >= everyMs;
}
