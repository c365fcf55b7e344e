// The action workflow's input and result: ids only, never the action's input or a secret.

export const actionWorkflowId = (actionId: string, prefix = '') => `${prefix}action:${actionId}`;

export interface ActionWorkflowInput {
  actionId: string;
  connectionId: string;
  integration: string;
  action: string;
  /** Where to ask for a refresh: the connection's own workflow. */
  connectionWorkflowId: string;
  /** How long the webhook announcing the outcome is redelivered. */
  webhookRetryForMs: number;
}

export interface ActionOutcome {
  status: 'succeeded' | 'failed';
  errorCode: string | null;
}
