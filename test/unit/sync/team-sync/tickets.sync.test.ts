// A team tests its own sync the way docs/write-a-sync.md shows: the public sync kit only, a recording of the helpdesk's
// answers, no provider, Temporal or database. Two pages with a refused record and a delete, then a resume.
import { RecordingMismatchError, runSyncOffline } from '../../../../sync';
import recording from './tickets.recording.json';
import { ticketsSync } from './tickets.sync';

describe('the tickets sync', () => {
  it('stores the valid tickets, reports the one without a subject and deletes the deleted one', async () => {
    const run = await runSyncOffline(ticketsSync, recording);

    expect(run.records).toEqual([
      { externalId: 'T-101', data: { id: 'T-101', subject: 'Cannot log in', status: 'open', updated_at: '2026-03-02T09:00:00.000Z' } },
      { externalId: 'T-103', data: { id: 'T-103', subject: 'Invoice is wrong', status: 'pending', updated_at: '2026-03-03T11:00:00.000Z' } },
    ]);
    expect(run.invalid).toEqual([{ externalId: 'T-102', problems: [expect.stringMatching(/^subject: /)] }]);
    expect(run.deletedIds).toEqual(['T-099']);
  });

  it('checkpoints the next page’s cursor mid-run, and the newest change read at the end', async () => {
    const run = await runSyncOffline(ticketsSync, recording);

    expect(run.checkpoints).toEqual([
      { since: '2026-03-01T00:00:00.000Z', cursor: 'page-2', newest: '2026-03-02T09:30:00.000Z' },
      { since: '2026-03-03T12:00:00.000Z', cursor: null, newest: '2026-03-03T12:00:00.000Z' },
    ]);
  });

  it('resumed from the middle checkpoint, reads exactly the second page', async () => {
    const run = await runSyncOffline(ticketsSync, recording);

    const rest = await run.resumeFrom(0);
    expect(rest.pages).toEqual(run.pages.slice(1));
    expect(rest.requests.map((request) => request.path)).toEqual(['/api/v2/tickets?changed_since=2026-03-01T00:00:00.000Z&cursor=page-2&per_page=2']);
  });

  it('fails, naming the request, when the sync asks for something the recording does not hold', async () => {
    const asking = runSyncOffline(ticketsSync, recording, { pageSize: 50 });

    await expect(asking).rejects.toThrow(RecordingMismatchError);
    await expect(asking).rejects.toThrow(/GET \/api\/v2\/tickets\?changed_since=2026-03-01T00:00:00.000Z&per_page=50.*\n {2}#0 GET \/api\/v2\/tickets\?changed_since=2026-03-01T00:00:00.000Z&per_page=2/s);
  });
});
