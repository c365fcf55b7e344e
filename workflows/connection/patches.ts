// The connection workflow's patches: each decided once per run, at a fixed point, so a history replays the way it was written.
//
// `patched(id)` is true for a run this code starts, and on replay only if the history was written by code that made
// the same call at the same point: each call records a marker, so neither their order nor their place may change.
// See README "Changing workflow code" for how a patch is later deprecated and removed.
import { patched } from '@temporalio/workflow';

export interface ConnectionPatches {
  /** The worker's settings replace the ones a run started with (at the start and before each continue-as-new). */
  settingsFromWorker: boolean;
  /** A long history continues as new even while the connection waits, and a rate-limit wait survives it. */
  continueAsNewWhileWaiting: boolean;
  /** A failing token endpoint degrades the connection and is retried; only a refused grant parks it in auth_error. */
  degradedNotParked: boolean;
  /** Refreshes and bookkeeping go to the control task queue, whose slots sync slices can never fill. */
  controlTaskQueue: boolean;
}

/** The patches decided at the very top of a run, before any handler or command. */
export function decidePatches(): ConnectionPatches {
  // One statement per call, in this order: the markers are recorded in call order.
  const settingsFromWorker = patched('settings-from-worker');
  const continueAsNewWhileWaiting = patched('continue-as-new-while-waiting');
  const degradedNotParked = patched('degraded-not-parked');
  const controlTaskQueue = patched('control-task-queue');
  return { settingsFromWorker, continueAsNewWhileWaiting, degradedNotParked, controlTaskQueue };
}

/**
 * A fresh start (not a continue-as-new) tells the app the connection is authorised. Decided after the worker's settings
 * arrived, where it was added: workflows started before it existed replay without the extra child workflow.
 */
export function announcesAuthOnStart(): boolean {
  return patched('announce-auth-on-start');
}
