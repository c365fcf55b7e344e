// Zoho's two syncs replayed offline from their sandbox recordings (test/recordings/zoho-*, made by `npm run
// recordings`): an incremental run's records, deletes and checkpoints, and a resume from each checkpoint.
import { join } from 'node:path';
import { zohoAccountsSync } from '../../../providers/zoho/accounts.sync';
import { zohoContactsSync } from '../../../providers/zoho/contacts.sync';
import { zoho } from '../../../providers/zoho/zoho.provider';
import { readRecording, runSyncOffline, type OfflineRun } from '../../../sync';

const recordingPath = (name: string) => join(__dirname, '..', '..', 'recordings', `${name}.recording.json`);

describe.each([
  { name: 'zoho-contacts', sync: zohoContactsSync, module: 'Contacts', changed: { Title: 'Recorded change' }, created: { Last_Name: 'Newcomer' } },
  { name: 'zoho-accounts', sync: zohoAccountsSync, module: 'Accounts', changed: { Industry: 'Retail' }, created: { Account_Name: 'Recorded Newcomer GmbH' } },
])('the Zoho $name recording', ({ name, sync, module, changed, created }) => {
  let run: OfflineRun;
  let started: { cursor: number; deletesSince: number };
  beforeAll(async () => {
    const recording = await readRecording(recordingPath(name));
    started = recording.run?.checkpoint as typeof started;
    run = await runSyncOffline(sync, recording, { errorRules: zoho.api.errorRules });
  });

  it('lists the fields the profile sees, then the changes since the last second read, by page token, then the deletes', () => {
    // Recorded queries keep their parameters in sorted order.
    expect(run.requests.map((request) => `${request.method} ${request.path.replace(/page_token=\w+/, 'page_token=…').replace(/fields=[^&]*/, 'fields=…')}`)).toEqual([
      `GET /crm/v8/settings/fields?module=${module}`,
      'GET /crm/v8/users?type=CurrentUser',
      `GET /crm/v8/${module}?fields=…&per_page=1&sort_by=Modified_Time&sort_order=asc`,
      `GET /crm/v8/${module}?fields=…&page_token=…&per_page=1&sort_by=Modified_Time&sort_order=asc`,
      `GET /crm/v8/${module}?fields=…&page_token=…&per_page=1&sort_by=Modified_Time&sort_order=asc`,
      `GET /crm/v8/${module}/deleted?page=1&per_page=200&type=all`,
    ]);
    // The newest record of the first sync is read again (its second may have gained a change), unchanged.
    expect(run.pages.map((page) => [page.records.length, page.deletedIds.length])).toEqual([
      [1, 0],
      [1, 0],
      [1, 0],
      [0, 2],
    ]);
    const data = run.records.map((record) => record.data);
    expect(data).toEqual(expect.arrayContaining([expect.objectContaining(changed), expect.objectContaining(created)]));
    for (const record of run.records) expect(record.externalId).toBe(record.data.id);
    expect(run.records.map((record) => record.externalId)).not.toEqual(expect.arrayContaining(run.deletedIds));
    expect(run.invalid).toEqual([]);
  });

  it("reads times in the org's offset, and checkpoints the newest whole second read", () => {
    const seconds = run.records.map((record) => Date.parse(record.data.Modified_Time as string) / 1000);
    for (const record of run.records) expect(record.data.Modified_Time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+02:00$/);
    expect(run.checkpoints.at(-1)).toEqual({ phase: 'done', cursor: Math.max(...seconds), deletesSince: expect.any(Number) });
    expect(run.checkpoints[0]).toMatchObject({ phase: 'records', cursor: Math.max(started.cursor, seconds[0]), deletesSince: started.deletesSince, pageToken: expect.any(String) });
    expect(run.checkpoints[2]).toMatchObject({ phase: 'deleted', page: 1 });
  });

  it('resumed from each checkpoint, yields exactly the pages after it', async () => {
    for (let page = 0; page < run.pages.length - 1; page++) {
      const rest = await run.resumeFrom(page);
      expect({ resumedAfter: page, pages: rest.pages }).toEqual({ resumedAfter: page, pages: run.pages.slice(page + 1) });
    }
  });
});
