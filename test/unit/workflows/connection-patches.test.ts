// The connection workflow's patches: decided in the order running histories recorded their markers.
const decided: string[] = [];
jest.mock('@temporalio/workflow', () => ({
  patched: (id: string) => {
    decided.push(id);
    return id !== 'degraded-not-parked';
  },
}));

import { announcesAuthOnStart, decidePatches } from '../../../workflows/connection/patches';

describe('the patches of a run', () => {
  beforeEach(() => decided.splice(0));

  it('are decided at the top in the order their markers were recorded, each answer where its name says', () => {
    expect(decidePatches()).toEqual({ settingsFromWorker: true, continueAsNewWhileWaiting: true, degradedNotParked: false, controlTaskQueue: true });
    expect(decided).toEqual(['settings-from-worker', 'continue-as-new-while-waiting', 'degraded-not-parked', 'control-task-queue']);
  });

  it('keep the auth announcement on start a patch of its own, decided later', () => {
    expect(announcesAuthOnStart()).toBe(true);
    expect(decided).toEqual(['announce-auth-on-start']);
  });
});
