// Pipedrive's two syncs replayed offline from their sandbox recordings (test/recordings/pipedrive-*, made by `npm run
// recordings`): an incremental run whose later second's tie group is cut by a page boundary, and its resume.
import { join } from 'node:path';
import { pipedriveOrganizationsSync } from '../../../providers/pipedrive/organizations.sync';
import { pipedrivePersonsSync } from '../../../providers/pipedrive/persons.sync';
import { pipedrive } from '../../../providers/pipedrive/pipedrive.provider';
import { readRecording, runSyncOffline, type OfflineRun } from '../../../sync';

const recordingPath = (name: string) => join(__dirname, '..', '..', 'recordings', `${name}.recording.json`);
const secondOf = (record: { data: Record<string, unknown> }) => record.data.update_time as string;

describe.each([
  { name: 'pipedrive-persons', sync: pipedrivePersonsSync, object: 'persons', fieldsPath: 'personFields', created: 'Recorded Newcomer' },
  { name: 'pipedrive-organizations', sync: pipedriveOrganizationsSync, object: 'organizations', fieldsPath: 'organizationFields', created: 'Recorded Newcomer Ltd' },
])('the Pipedrive $name recording', ({ name, sync, object, fieldsPath, created }) => {
  let run: OfflineRun;
  let startedFrom: string;
  beforeAll(async () => {
    const recording = await readRecording(recordingPath(name));
    startedFrom = (recording.run?.checkpoint as { updatedSince: string }).updatedSince;
    run = await runSyncOffline(sync, recording, { errorRules: pipedrive.api.errorRules });
  });

  it('lists the fields, then what changed since the stored second less the lookback, in update_time order, by cursor', () => {
    const since = new Date(Date.parse(startedFrom) - (pipedrive.api.incrementalLookbackMs ?? 0)).toISOString().replace('.000Z', 'Z');
    expect(run.requests.map((request) => `${request.method} ${request.path.replace(/cursor=[\w-]+/, 'cursor=…')}`)).toEqual([
      `GET /api/v2/${fieldsPath}?limit=500`,
      `GET /api/v2/${object}?limit=3&sort_by=update_time&sort_direction=asc&updated_since=${since}`,
      // Recorded queries keep their parameters in sorted order.
      `GET /api/v2/${object}?cursor=…&limit=3&sort_by=update_time&sort_direction=asc&updated_since=${since}`,
    ]);
    // Two bulk-edited, then three in one later second: the page boundary cuts that second's group.
    expect(run.pages.map((page) => [page.records.length, page.deletedIds.length])).toEqual([
      [3, 0],
      [2, 0],
    ]);
    expect(run.records.map((record) => record.data.name)).toEqual(['Recorded Bulk Edit', 'Recorded Bulk Edit', 'Recorded Change', 'Recorded Change Too', created]);
    const seconds = run.records.map(secondOf);
    expect(new Set(seconds.slice(2)).size).toBe(1);
    expect(seconds).toEqual([...seconds].sort());
    for (const record of run.records) {
      expect(record.externalId).toBe(String(record.data.id));
      // No custom field was asked for: none is stored, so editing one is no change.
      expect(record.data.custom_fields).toEqual({});
    }
    expect(run.invalid).toEqual([]);
  });

  it('checkpoints the update second of the last record of each page', () => {
    expect(run.checkpoints).toEqual(run.pages.map((page) => ({ updatedSince: secondOf(page.records.at(-1)!) })));
  });

  it('resumed after the first page, reads that second again and yields the rest, re-reading only records of that second unchanged', async () => {
    const rest = await run.resumeFrom(0);
    const checkpointSecond = String(run.checkpoints[0]!.updatedSince);
    expect(rest.requests.at(-1)?.path).toBe(`/api/v2/${object}?limit=3&sort_by=update_time&sort_direction=asc&updated_since=${checkpointSecond}`);
    const restIds = rest.records.map((record) => record.externalId);
    // Every record after the checkpoint, none lost whatever order ties come in …
    expect(restIds).toEqual(expect.arrayContaining(run.pages[1].records.map((record) => record.externalId)));
    // … and beside them only first-page records of the checkpoint's second, as they were.
    const reread = rest.records.filter((record) => !run.pages[1].records.some((later) => later.externalId === record.externalId));
    expect(reread.length).toBeGreaterThan(0);
    for (const record of reread) {
      expect(secondOf(record)).toBe(checkpointSecond);
      expect(run.pages[0].records).toContainEqual(record);
    }
    expect(rest.deletedIds).toEqual([]);
  });
});
