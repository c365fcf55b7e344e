// Section 8: what a recording test of a 2-page sync costs, in process: read the recording, replay it, resume halfway.
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { contactsSync } from '../providers/salesforce/contacts.sync';
import { salesforce } from '../providers/salesforce/salesforce.provider';
import { runSyncOffline } from '../sync';
import type { Row, SectionResult } from './rows';

/** The built-in Salesforce contacts recording: two pages (200 rows and 2), a delete, a resume query. */
const RECORDING = join(__dirname, '..', 'test', 'recordings', 'salesforce-contacts.recording.json');

/**
 * What test/unit/sync/built-in-recordings.test.ts does per recording, timed: the first time in this process (the
 * replay code and the recording's schema not yet warm, as in a fresh jest worker) and then `runs` times more.
 */
export async function benchRecordingTest({ runs, log }: { runs: number; log: (message: string) => void }): Promise<SectionResult> {
  const once = async () => {
    const started = performance.now();
    const run = await runSyncOffline(contactsSync, RECORDING, { errorRules: salesforce.api.errorRules });
    const rest = await run.resumeFrom(0);
    const ms = performance.now() - started;
    // A replay that read less than the recording holds would be fast for the wrong reason.
    if (run.pages.length !== 2 || run.records.length !== 201 || run.deletedIds.length !== 1 || rest.pages.length !== 1) {
      throw new Error(`the recording test read ${run.pages.length} pages, ${run.records.length} records, ${run.deletedIds.length} deletes; expected 2, 201, 1`);
    }
    return ms;
  };
  const first = await once();
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) warm.push(await once());
  log(`recording test of a 2-page sync: first ${first.toFixed(1)} ms, then ${warm.map((ms) => ms.toFixed(1)).join(', ')} ms`);
  const row = (measure: string, values: number[]): Row => ({ section: 8, measure, size: '201 contacts', values, decimals: 1, limitedBy: 'one core (no I/O but the file)' });
  return {
    rows: [row('recording test of a 2-page sync, first in the process (ms)', [first]), row('recording test of a 2-page sync, again (ms)', warm)],
    notes: [
      'Recording test (8): runSyncOffline of test/recordings/salesforce-contacts.recording.json (62 KB: a describe, two ' +
        'queryAll pages, a resume query) with the contacts sync, then resumeFrom(0); no Temporal, database or provider. ' +
        "Jest's own start-up (a second or so per process) is not counted.",
    ],
  };
}
