// What a connection id's earlier life ran says nothing about its current one: the version its records were last all
// read with (which decides whether the next run must read everything) is of the current life only.
import { startTestStack, type TestStack } from '../../support/test-stack';

describe("the version a life's records were last all read with", () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ name: 'run-lives', inProcessWorker: false });
  });
  afterAll(() => stack?.close());

  async function succeededFullRun(runId: string, incarnation: string, syncVersion: string) {
    await stack.store.runs.begin({
      runId,
      connectionId: 'reborn',
      incarnation,
      integration: 'salesforce-test',
      provider: 'salesforce',
      model: 'contacts',
      mode: 'full',
      startCursor: null,
      feedSeqAtStart: 0,
      syncVersion,
    });
    await stack.store.runs.collection.updateOne({ _id: runId }, { $set: { status: 'succeeded', finishedAt: new Date() } });
  }

  it('ignores the runs of an earlier life of the same connection id', async () => {
    await succeededFullRun('old-life-run', 'life-1', '2');
    expect(await stack.store.runs.lastCompleteVersion({ connectionId: 'reborn', incarnation: 'life-1' }, 'contacts')).toBe('2');
    // The id deleted and created again (or moved to another account): nothing of the new life has been read yet.
    expect(await stack.store.runs.lastCompleteVersion({ connectionId: 'reborn', incarnation: 'life-2' }, 'contacts')).toBeNull();

    await succeededFullRun('new-life-run', 'life-2', '3');
    expect(await stack.store.runs.lastCompleteVersion({ connectionId: 'reborn', incarnation: 'life-2' }, 'contacts')).toBe('3');
    expect(await stack.store.runs.lastCompleteVersion({ connectionId: 'reborn', incarnation: 'life-1' }, 'contacts')).toBe('2');
  });
});
