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
  /**
   * The life of the connection id the action belongs to (see ConnectionDocument.incarnation): null for the id's first
   * life; absent in workflows started before actions knew it. Its webhook is delivered only while that life lasts.
   */
  incarnation?: string | null;
}

export interface ActionOutcome {
  status: 'succeeded' | 'failed';
  errorCode: string | null;
}
