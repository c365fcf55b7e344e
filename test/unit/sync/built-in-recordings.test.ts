// Each built-in sync replayed offline from its sandbox recording (test/recordings, made by `npm run recordings`):
// the records, deletes and checkpoints a run would store, and a resume from each checkpoint yielding exactly the rest.
import { join } from 'node:path';
import { CLOCK_MARGIN_MS } from '../../../providers/hubspot/crm-object-sync';
import { hubspotCompaniesSync } from '../../../providers/hubspot/companies.sync';
import { hubspotContactsSync } from '../../../providers/hubspot/contacts.sync';
import { hubspot } from '../../../providers/hubspot/hubspot.provider';
import { accountsSync } from '../../../providers/salesforce/accounts.sync';
import { contactsSync } from '../../../providers/salesforce/contacts.sync';
import { salesforce } from '../../../providers/salesforce/salesforce.provider';
import { readRecording, runSyncOffline, type OfflineRun } from '../../../sync';

const recordingPath = (name: string) => join(__dirname, '..', '..', 'recordings', `${name}.recording.json`);

/** After each page but the last (whose checkpoint starts the next run), a resume yields exactly the pages after it. */
async function expectEveryResumeYieldsTheRest(run: OfflineRun) {
  for (let page = 0; page < run.pages.length - 1; page++) {
    const rest = await run.resumeFrom(page);
    expect({ resumedAfter: page, pages: rest.pages }).toEqual({ resumedAfter: page, pages: run.pages.slice(page + 1) });
  }
}

describe.each([
  { name: 'salesforce-contacts', sync: contactsSync, object: 'Contact', visible: ['FirstName', 'Email'] },
  { name: 'salesforce-accounts', sync: accountsSync, object: 'Account', visible: ['Industry', 'Website'] },
])('the Salesforce $name recording', ({ name, sync, object, visible }) => {
  let run: OfflineRun;
  beforeAll(async () => {
    run = await runSyncOffline(sync, recordingPath(name), { errorRules: salesforce.api.errorRules });
  });

  it('reads the fields the account lets it see, then two pages of queryAll: 201 live rows and the deleted one', async () => {
    // Describe lists what is visible; the hidden optional fields are neither asked for nor expected.
    expect(run.fields).toEqual(['Id', 'SystemModstamp', 'IsDeleted', object === 'Contact' ? 'LastName' : 'Name', ...visible]);
    expect(run.requests.map((request) => request.path.replace(/\?q=.*/, '?q=…'))).toEqual([
      `/services/data/v62.0/sobjects/${object}/describe`,
      '/services/data/v62.0/queryAll?q=…',
      expect.stringMatching(/^\/services\/data\/v62\.0\/query\/01g\w+-200$/),
    ]);
    expect(run.pages.map((page) => [page.records.length, page.deletedIds.length])).toEqual([
      [200, 0],
      [1, 1],
    ]);
    expect(run.invalid).toEqual([]);
  });

  it('stores each live row once, by its Id, without Salesforce’s attributes, in (SystemModstamp, Id) order', () => {
    const ids = run.records.map((record) => record.externalId);
    expect(new Set(ids).size).toBe(201);
    for (const record of run.records) {
      expect(record.data.Id).toBe(record.externalId);
      expect(record.data).not.toHaveProperty('attributes');
      expect(record.data.IsDeleted).toBe(false);
    }
    const positions = run.records.map((record) => `${record.data.SystemModstamp as string} ${record.externalId}`);
    expect(positions).toEqual([...positions].sort());
    expect(ids).not.toContain(run.deletedIds[0]);
    expect(run.deletedIds[0]).toMatch(object === 'Contact' ? /^003\w{15}$/ : /^001\w{15}$/);
  });

  it('checkpoints each page at its last row read, the delete included, so a resume starts after it', () => {
    const lastOfFirstPage = run.pages[0].records.at(-1)!;
    expect(run.checkpoints[0]).toEqual({ systemModstamp: lastOfFirstPage.data.SystemModstamp, id: lastOfFirstPage.externalId });
    // The deleted row's SystemModstamp moved when it was deleted: it is the newest row, and the last position.
    expect(run.checkpoints[1]).toMatchObject({ id: run.deletedIds[0] });
    expect(String(run.checkpoints[1]!.systemModstamp) >= String(run.records.at(-1)!.data.SystemModstamp)).toBe(true);
  });

  it('resumed from its first checkpoint, asks a new query from there and yields exactly the second page', async () => {
    const rest = await run.resumeFrom(0);
    expect(rest.pages).toEqual(run.pages.slice(1));
    const query = rest.requests[1].path;
    expect(query).toContain(`WHERE SystemModstamp > ${new Date(String(run.checkpoints[0]!.systemModstamp).replace('+0000', 'Z')).toISOString()}`);
    expect(query).toContain(`Id > '${run.checkpoints[0]!.id}'`);
    await expectEveryResumeYieldsTheRest(run);
  });
});

describe.each([
  { name: 'hubspot-contacts', sync: hubspotContactsSync, modified: 'lastmodifieddate', changed: { jobtitle: 'Recorded change' }, created: { firstname: 'Recorded' } },
  { name: 'hubspot-companies', sync: hubspotCompaniesSync, modified: 'hs_lastmodifieddate', changed: { industry: 'RECORDED_CHANGE' }, created: { name: 'Recorded Newcomer Ltd' } },
])('the HubSpot $name recording', ({ name, sync, modified, changed, created }) => {
  let run: OfflineRun;
  let started: { archivedSince: number; modifiedAt: number };
  beforeAll(async () => {
    const recording = await readRecording(recordingPath(name));
    started = recording.run?.checkpoint as typeof started;
    run = await runSyncOffline(sync, recording, { errorRules: hubspot.api.errorRules });
  });

  it('reads the change and the new record in one search page, then each archived record as a delete, one page each', () => {
    expect(run.pages.map((page) => [page.records.length, page.deletedIds.length])).toEqual([
      [2, 0],
      [0, 1],
      [0, 1],
    ]);
    const properties = run.records.map((record) => record.data.properties as Record<string, unknown>);
    expect(properties).toEqual(expect.arrayContaining([expect.objectContaining(changed), expect.objectContaining(created)]));
    for (const record of run.records) expect(record.externalId).toBe(record.data.id);
    const [first, second] = run.deletedIds;
    expect(first).not.toBe(second);
    expect(run.records.map((record) => record.externalId)).not.toEqual(expect.arrayContaining([first]));
    expect(run.invalid).toEqual([]);
    // The search starts the incremental lookback before the last run's hand-over point.
    expect(run.requests.map((request) => `${request.method} ${request.path.split('?')[0]}`)).toEqual([
      `GET /crm/v3/properties/${sync.model}`,
      `POST /crm/v3/objects/${sync.model}/search`,
      `GET /crm/v3/objects/${sync.model}`,
      `GET /crm/v3/objects/${sync.model}`,
    ]);
  });

  it('checkpoints the search position after the newest change, the archived list’s cursor, then a finished run', () => {
    const newest = Math.max(...run.records.map((record) => Date.parse((record.data.properties as Record<string, string>)[modified])));
    const position = { stage: 'after', modifiedAt: newest, afterId: '' };
    const runStartedAt = run.checkpoints[0]!.runStartedAt as number;
    expect(run.checkpoints).toEqual([
      { phase: 'search', ...position, archivedSince: started.archivedSince, runStartedAt: expect.any(Number) },
      { phase: 'archived', ...position, archivedSince: started.archivedSince, runStartedAt, listAfter: expect.any(String) },
      { phase: 'done', ...position, archivedSince: runStartedAt - CLOCK_MARGIN_MS },
    ]);
  });

  it('resumed from each checkpoint, yields exactly the pages after it', async () => {
    await expectEveryResumeYieldsTheRest(run);
    const fromMiddle = await run.resumeFrom(1);
    expect(fromMiddle.deletedIds).toEqual([run.deletedIds[1]]);
    expect(fromMiddle.requests.at(-1)!.path).toContain(`after=${run.checkpoints[1]!.listAfter as string}`);
  });
});
