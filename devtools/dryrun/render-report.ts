// A dry run's report as a person reads it in a terminal: what was read, what the store would get, what would change.
import type { DryRunReport } from './dry-run';

export interface RenderOptions {
  /** Records printed in full; the rest are counted. */
  recordsShown?: number;
  /** Ids listed per kind of change; the rest are counted. */
  idsShown?: number;
}

const WIDTH = 160;

export function renderReport(report: DryRunReport, { recordsShown = 3, idsShown = 10 }: RenderOptions = {}): string {
  const { connection, sync, run } = report;
  const lines: string[] = [];
  const section = (title: string) => lines.push('', title);
  const json = (value: unknown) => JSON.stringify(value);

  lines.push(`Dry run of ${sync.model} on connection ${connection.connectionId} (${connection.integration}, ${connection.provider}): nothing was written`);
  lines.push(`  sync     ${sync.source}, version ${sync.version}${sync.extraFields.length > 0 ? `; extra fields ${sync.extraFields.join(', ')}` : ''}`);
  lines.push(`  mode     ${run.mode}${run.fullReason ? ` (${run.fullReason})` : ''}, from ${run.startsFrom}${run.checkpoint ? ` ${json(run.checkpoint)}` : ''}`);
  lines.push(`           page size asked: ${run.pageSize}${run.lookbackMs > 0 ? `; re-reading the last ${run.lookbackMs / 1000} s (the provider's lookback)` : ''}`);
  if (report.fields) {
    lines.push(`  fields   ${report.fields.selected.join(', ')}`);
    if (report.fields.missing.length > 0) lines.push(`           not readable in this account, skipped: ${report.fields.missing.join(', ')}`);
  }

  section(`Pages read: ${report.pages.length}`);
  report.pages.forEach((page, index) => {
    lines.push(`  ${String(index + 1).padStart(3)}  ${page.records} valid, ${page.invalid} invalid, ${page.deletedIds} deleted  → checkpoint ${json(page.checkpoint)}`);
  });

  const shown = Math.min(recordsShown, report.records.length);
  section(`Records the store would receive: ${report.records.length}${report.records.length > 0 ? ` (the first ${shown} in full)` : ''}`);
  for (const record of report.records.slice(0, shown)) lines.push(`  ${record.externalId}  ${json(record.data)}`);
  if (report.records.length > shown) lines.push(`  … and ${report.records.length - shown} more (--json prints them all)`);

  if (report.invalid.length > 0) {
    section(`Invalid records (not stored, counted on the run): ${report.invalid.length}`);
    for (const record of report.invalid) lines.push(`  ${record.externalId ?? '(no id)'}  ${record.problems.join('; ')}`);
  }
  if (report.deletedIds.length > 0) {
    section(`Deletes the provider reported: ${report.deletedIds.length} (news only for records stored and not deleted yet)`);
    lines.push(`  ${report.deletedIds.slice(0, idsShown).join(', ')}${report.deletedIds.length > idsShown ? ` … and ${report.deletedIds.length - idsShown} more` : ''}`);
  }

  section('Against what is stored, storing these pages would make');
  const { changes } = report;
  for (const kind of ['added', 'updated', 'unchanged', 'deleted'] as const) {
    const ids = changes[kind];
    const listed = kind === 'unchanged' ? [] : ids.slice(0, idsShown);
    const rest = ids.length - listed.length;
    lines.push(`  ${kind.padEnd(9)} ${String(ids.length).padStart(6)}${listed.length > 0 ? `  ${listed.join(', ')}${rest > 0 ? ` … and ${rest} more` : ''}` : ''}`);
  }
  if (run.mode === 'full' && !changes.unseenChecked) lines.push('  (records it did not reach are not counted as deleted: the full read did not reach the end)');

  section(`Requests: ${report.requests.length}`);
  for (const request of report.requests) lines.push(clip(`  ${request.method} ${readable(request.path)} → ${request.status ?? 'no answer'}`));
  lines.push(
    `  rate-limit waits: ${report.rateLimitWaits.length === 0 ? 'none' : report.rateLimitWaits.map((wait) => `${(wait.waitMs / 1000).toFixed(1)} s (${wait.reason})`).join('; ')}`,
  );
  if (report.credentialRefreshes > 0) lines.push(`  credentials renewed by the connection's workflow: ${report.credentialRefreshes} time(s)`);
  if (report.recording) lines.push('', `Recording written to ${report.recording.file} (${report.recording.exchanges} exchanges, scrubbed)`);

  lines.push('', outcomeLine(report));
  return `${lines.join('\n')}\n`;
}

function outcomeLine(report: DryRunReport): string {
  const seconds = (report.durationMs / 1000).toFixed(1);
  switch (report.stopped) {
    case 'end':
      return `Done in ${seconds} s: the sync read to the end.`;
    case 'limit':
      return `Done in ${seconds} s: stopped at the --limit after ${report.pages.length} page(s); the sync was not asked for more.`;
    case 'error':
      return `FAILED after ${seconds} s (${report.error?.kind}): ${report.error?.message}`;
  }
}

/** A query string as a person reads it: `q=SELECT Id, Name FROM …` rather than `q=SELECT+Id%2C+Name+FROM+…`. */
function readable(path: string): string {
  try {
    return decodeURIComponent(path.replace(/\+/g, ' '));
  } catch {
    return path;
  }
}

function clip(line: string): string {
  return line.length > WIDTH ? `${line.slice(0, WIDTH - 1)}…` : line;
}
