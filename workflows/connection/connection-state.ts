// The connection workflow's state: the plain JSON a run starts from and continues as new with, and the one way its status changes.
import type {
  ConnectionState as ConnectionStateJSON,
  ConnectionWorkflowStatus,
  ModelState,
  WorkflowSettings,
} from '../../contracts/connection-workflow-messages';

/** Where a status change is recorded besides the state itself. */
export interface StatusRecorder {
  /** The search attribute operators filter on (a workflow command). */
  showStatus(status: ConnectionWorkflowStatus): void;
  /** The UI's current details, rebuilt from the state. */
  showDetails(): void;
  /** The stored status the API answers with: an activity, whose promise is returned as it is. */
  storeStatus(change: { status: ConnectionWorkflowStatus; reason: string | null; until: number | null }): Promise<void>;
}

/** A change the workflow makes itself; `until` is when a rate-limit wait ends. */
export interface OwnStatusChange {
  until?: number | null;
  /** The app paused the connection: it keeps showing `paused`; only the store records the status underneath. */
  keepPaused?: boolean;
}

/** A change a signal brought: the API stored it before signalling, and a signal handler starts no activity. */
export interface StatusStoredByTheApi {
  storedBy: 'api';
}

/**
 * Its own fields are exactly the JSON (`toJSON()` copies them, keys in the order they arrived, so a continued run gets
 * the same input it would have got before this class existed); the recorder is private and never carried.
 */
export class ConnectionState implements ConnectionStateJSON {
  declare readonly connectionId: string;
  declare readonly integration: string;
  declare readonly provider: string;
  declare models: Record<string, ModelState>;
  declare credentials: ConnectionStateJSON['credentials'];
  declare status: ConnectionWorkflowStatus;
  declare statusReason: string | null;
  declare settings: WorkflowSettings;
  declare announceAuth?: ConnectionStateJSON['announceAuth'];
  declare paused?: boolean;
  declare degraded?: ConnectionStateJSON['degraded'];
  readonly #recorder: StatusRecorder;

  private constructor(input: ConnectionStateJSON, recorder: StatusRecorder) {
    Object.assign(this, input);
    this.#recorder = recorder;
  }

  static fromInput(input: ConnectionStateJSON, recorder: StatusRecorder): ConnectionState {
    return new ConnectionState(input, recorder);
  }

  /** What continue-as-new carries and the query answers: never this instance itself. */
  toJSON(): ConnectionStateJSON {
    return { ...this };
  }

  /**
   * The one way the status changes: in this state, its search attribute and the UI at once, then in the store through
   * the returned activity (awaited by the caller, so the commands stay where they always were).
   */
  setStatus(status: ConnectionWorkflowStatus, reason: string | null, change: StatusStoredByTheApi): void;
  setStatus(status: ConnectionWorkflowStatus, reason: string | null, change?: OwnStatusChange): Promise<void>;
  setStatus(status: ConnectionWorkflowStatus, reason: string | null, change: OwnStatusChange | StatusStoredByTheApi = {}): Promise<void> | void {
    const storedByTheApi = 'storedBy' in change;
    if (storedByTheApi || !(change.keepPaused && this.paused)) {
      this.status = status;
      this.statusReason = reason;
      this.#recorder.showStatus(status);
      this.#recorder.showDetails();
    }
    if (storedByTheApi) return;
    return this.#recorder.storeStatus({ status, reason, until: change.until ?? null });
  }

  /**
   * The `auth` webhook this run owes the app, handed out once: `creation` for a workflow started fresh without saying
   * (inputs from before the field existed), else what the input says; a continued run owes only what its input still does.
   */
  takeAuthOwedAtStart(continuedAsNew: boolean): 'creation' | 'reauthorization' | null {
    const owed = this.announceAuth === undefined && !continuedAsNew ? 'creation' : this.announceAuth;
    this.announceAuth = null;
    return owed ?? null;
  }
}
