// One long-running workflow per connection: it owns the schedule and the credentials, runs syncs and announces changes.
//
// This code replays the histories of connections that have been running for months. Before changing the sequence of
// commands it issues (activities, timers, children, signals sent), read docs/releasing-workflow-changes.md: the
// change goes behind a `patched()` id (connection/patches.ts), and `npm test` replays the corpus in test/replay against it.
import { allHandlersFinished, condition, continueAsNew, log, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { ConnectionState as ConnectionStateJSON } from '../contracts/connection-workflow-messages';
import { StatusAttribute } from '../contracts/search-attributes';
import { Announcements } from './connection/announcements';
import { connectionActivities } from './connection/connection-activities';
import { ConnectionState } from './connection/connection-state';
import { Credentials } from './connection/credentials';
import { connectionDetails } from './connection/details';
import { registerHandlers } from './connection/handlers';
import { Lifecycle } from './connection/lifecycle';
import { ModelRuns } from './connection/model-runs';
import { announcesAuthOnStart, decidePatches, type ConnectionPatches } from './connection/patches';
import { launchesDue, nextWakeAt } from './connection/schedule';

export {
  connectionChangedSignal,
  connectionStateQuery,
  credentialsExpiredSignal,
  deleteRequestedSignal,
  reauthorizedSignal,
  syncRequestedSignal,
} from './connection/handlers';

export async function connectionWorkflow(input: ConnectionStateJSON): Promise<void> {
  const patches = decidePatches();
  const connection = assemble(input, patches);
  const { state, lifecycle, activities, announcements, credentials, runs, showDetails } = connection;
  registerHandlers(connection);

  if (patches.settingsFromWorker) state.settings = await activities.bookkeeping.currentWorkflowSettings(state.settings);
  if (announcesAuthOnStart()) {
    const owed = state.takeAuthOwedAtStart(Boolean(workflowInfo().continuedFromExecutionRunId));
    if (owed) announcements.owe(announcements.auth(owed, null));
  }
  runs.resumeInterrupted();

  // Each turn: send what handlers owed the app, end for a delete, continue as new when the history is long, refresh
  // the token if due, launch the runs that are due, then sleep until the next is due or a message wakes the loop.
  for (;;) {
    for (const event of announcements.owed()) await announcements.send(event);
    if (lifecycle.deleting) return endForDelete();
    if (historyIsLong()) return continueAsNewOnceIdle();

    const now = Date.now();
    credentials.refreshIfDue(now);
    for (const due of launchesDue(state, runs.inFlight(), now)) runs.launch(due.model, due.mode, due.resumeRunId);

    const wakeAt = nextWakeAt(state, runs.inFlight());
    showDetails();
    lifecycle.wake = false;
    if (wakeAt === undefined) await condition(wakeUp);
    else await condition(wakeUp, Math.max(1, wakeAt - Date.now()));
  }

  function historyIsLong(): boolean {
    return workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= state.settings.continueAsNewAfterEvents;
  }

  function wakeUp(): boolean {
    return lifecycle.wake || (patches.continueAsNewWhileWaiting && historyIsLong());
  }

  /** Nothing in flight that could still write or refresh. */
  function idle(): boolean {
    return runs.count === 0 && !credentials.refreshing;
  }

  /** Runs stop at their next slice boundary and resume in the next run from their checkpoints; the state goes as JSON. */
  async function continueAsNewOnceIdle(): Promise<void> {
    lifecycle.draining = true;
    await condition(idle);
    await condition(allHandlersFinished);
    for (const event of announcements.owed()) await announcements.send(event);
    if (lifecycle.deleting) return endForDelete();
    if (patches.settingsFromWorker) state.settings = await activities.bookkeeping.currentWorkflowSettings(state.settings);
    return continueAsNew<typeof connectionWorkflow>(state.toJSON());
  }

  /** Every run was cancelled by the signal; the workflow ends once none is left writing, and the API removes the data. */
  async function endForDelete(): Promise<void> {
    await condition(idle);
    log.info('connection workflow ended for delete', { connectionId: state.connectionId });
  }
}

/** The parts of one run, wired to each other; building them issues no command. */
function assemble(input: ConnectionStateJSON, patches: ConnectionPatches) {
  const lifecycle = new Lifecycle();
  const activities = connectionActivities(patches.controlTaskQueue, () => state.settings);
  const state = ConnectionState.fromInput(input, {
    showStatus: (status) => upsertSearchAttributes([{ key: StatusAttribute, value: status }]),
    showDetails: () => showDetails(),
    storeStatus: (change) => activities.bookkeeping.setConnectionStatus({ connectionId: state.connectionId, ...change }),
  });
  const announcements = new Announcements(state);
  const credentials = new Credentials({ state, lifecycle, activities, announcements, degradedNotParked: patches.degradedNotParked });
  const runs: ModelRuns = new ModelRuns({
    state,
    lifecycle,
    activities,
    credentials,
    announcements,
    continueAsNewWhileWaiting: patches.continueAsNewWhileWaiting,
    degradedNotParked: patches.degradedNotParked,
    showDetails: () => showDetails(),
  });
  const showDetails = () => setCurrentDetails(connectionDetails(state, runs.progress, runs.lastOutcome, credentials.refreshing));
  return { state, lifecycle, activities, announcements, credentials, runs, showDetails };
}
