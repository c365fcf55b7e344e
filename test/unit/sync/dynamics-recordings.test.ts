// The Dynamics syncs replayed offline from their sandbox recordings (test/recordings, made by `npm run recordings`): a
// change-tracking run's changes and deletes, its checkpoints (the next link, then a new delta link), and resumes.
import { join } from 'node:path';
import { dynamicsAccountsSync } from '../../../providers/dynamics/accounts.sync';
import { dynamicsContactsSync } from '../../../providers/dynamics/contacts.sync';
import { dynamics } from '../../../providers/dynamics/dynamics.provider';
import { readRecording, runSyncOffline, type OfflineRun } from '../../../sync';

const recordingPath = (name: string) => join(__dirname, '..', '..', 'recordings', `${name}.recording.json`);

describe.each([
  { name: 'dynamics-contacts', sync: dynamicsContactsSync, entitySet: 'contacts', key: 'contactid', changed: { jobtitle: 'Recorded change' }, created: { lastname: 'Newcomer' } },
  { name: 'dynamics-accounts', sync: dynamicsAccountsSync, entitySet: 'accounts', key: 'accountid', changed: { websiteurl: 'https://recorded.example' }, created: { name: 'Recorded Newcomer Ltd' } },
])('the Dynamics $name recording', ({ name, sync, entitySet, key, changed, created }) => {
  let run: OfflineRun;
  let startedFrom: string;
  beforeAll(async () => {
    const recording = await readRecording(recordingPath(name));
    startedFrom = String((recording.run?.checkpoint as { deltaLink: string }).deltaLink);
    run = await runSyncOffline(sync, recording, { errorRules: dynamics.api.errorRules });
  });

  it('reads the columns, then the delta link: the changed and created rows on one page, the two deletes on the next', () => {
    expect(run.requests.map((request) => `${request.method} ${request.path.split('?')[0]}`)).toEqual([
      `GET /api/data/v9.2/EntityDefinitions(LogicalName='${entitySet.slice(0, -1)}')/Attributes`,
      `GET /api/data/v9.2/${entitySet}`,
      `GET /api/data/v9.2/${entitySet}`,
    ]);
    // The delta link the last run handed out, then its next link.
    expect(run.requests[1].path).toContain(`$deltatoken=${decodeURIComponent(new URL(startedFrom).searchParams.get('$deltatoken')!)}`);
    expect(run.requests[2].path).toContain('$skiptoken=');
    expect(run.pages.map((page) => [page.records.length, page.deletedIds.length])).toEqual([
      [2, 0],
      [0, 2],
    ]);
    expect(run.records.map((record) => record.data)).toEqual(expect.arrayContaining([expect.objectContaining(changed), expect.objectContaining(created)]));
    for (const record of run.records) {
      expect(record.externalId).toBe(record.data[key]);
      // Stored without OData's dotted annotations: the concurrency tag as `etag`.
      expect(Object.keys(record.data).filter((column) => column.includes('.') || column.includes('@'))).toEqual([]);
      expect(record.data.etag).toMatch(/^W\/"\d+"$/);
    }
    const [first, second] = run.deletedIds;
    expect(first).not.toBe(second);
    expect(run.records.map((record) => record.externalId)).not.toEqual(expect.arrayContaining([first, second]));
    expect(run.invalid).toEqual([]);
  });

  it('checkpoints the next link while reading, then the new delta link the last page handed out', () => {
    expect(run.checkpoints).toEqual([
      { phase: 'delta-read', next: expect.stringMatching(/^https:\/\/provider\.invalid\/api\/data\/v9\.2\/.*\$skiptoken=/), deltaLink: startedFrom },
      { phase: 'delta', deltaLink: expect.stringContaining('$deltatoken=') },
    ]);
    expect(run.checkpoints[1]!.deltaLink).not.toBe(startedFrom);
  });

  it('resumed from its first checkpoint, reads only the next link and yields exactly the deletes', async () => {
    const rest = await run.resumeFrom(0);
    expect(rest.pages).toEqual(run.pages.slice(1));
    expect(rest.requests.map((request) => request.path)).toEqual([run.requests[0].path, run.requests[2].path]);
  });
});
