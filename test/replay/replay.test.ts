// Every stored history of every release replays against the current workflow code: a change that would break a
// running connection (an activity added, removed or reordered without a patch) fails here, not in production.
import { DefaultLogger, Runtime, type ReplayWorkerOptions } from '@temporalio/worker';
import { join } from 'node:path';
import { readCorpus, replayCorpus } from '../../devstack/replay-corpus';

/** The states the corpus must hold, per release (what `npm run replay:capture` drives). */
const STATES = [
  'first-sync',
  'incremental-sync',
  'full-resync',
  'rate-limited-wait',
  'auth-error-parked',
  'auth-error-reconnected',
  'webhook-retries',
  'deleted',
  'continue-as-new-first-run',
  'continue-as-new-next-run',
  // Action workflows (write-back): each action is its own short workflow.
  'action-succeeded',
  'action-refused',
  'action-rate-limited',
  'action-connection-deleted',
];

function replayOptions(): ReplayWorkerOptions {
  // The bundle global setup built from the current code, when there is one: bundling again is the slow part.
  const bundle = process.env.TRIBUTARY_TEST_WORKFLOW_BUNDLE;
  return bundle ? { workflowBundle: { codePath: bundle } } : { workflowsPath: require.resolve(join('..', '..', 'workflows')) };
}

describe('replay corpus', () => {
  const corpus = readCorpus();
  // Each replay starts a worker that logs its state changes; only problems belong in test output.
  beforeAll(() => Runtime.install({ logger: new DefaultLogger('WARN') }));

  it('holds a history of every state for at least one release', () => {
    const releases = new Map<string, string[]>();
    for (const { file } of corpus) {
      const [release, name] = file.split('/');
      releases.set(release, [...(releases.get(release) ?? []), name.replace(/\.json$/, '')]);
    }
    const complete = [...releases].filter(([, states]) => STATES.every((state) => states.includes(state)));
    expect(complete.map(([release]) => release)).not.toEqual([]);
  });

  it('replays every stored history against the current workflow code without a failure', async () => {
    const failures = await replayCorpus(replayOptions(), corpus);
    expect(failures.map(({ file, workflowId, message }) => `${file} (${workflowId}): ${message}`)).toEqual([]);
  });
});
