// Where this run of a connection workflow is in its life: running, draining before continue-as-new, or ending for a delete.

export class Lifecycle {
  /** A delete was asked for: every run is cancelled and the workflow ends once none of them writes any more. */
  deleting = false;
  /** The history is long: runs stop at their next slice boundary so the workflow can continue as new. */
  draining = false;
  /** A message or a finished run wants the main loop to look again before its timer fires. */
  wake = false;

  /** Runs and refreshes stop at their next safe point (a checkpoint, a backoff) and leave the rest to what follows. */
  get stopping(): boolean {
    return this.deleting || this.draining;
  }
}
