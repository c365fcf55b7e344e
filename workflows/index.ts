// Every workflow the worker registers; bundled for the Temporal sandbox, so only deterministic code below.
export { connectionWorkflow, syncRequestedSignal, reauthorizedSignal, connectionStateQuery } from './connection-workflow';
export { actionWorkflow } from './action-workflow';
export { credentialsExpiredSignal } from './credentials-expired-signal';
export { webhookDeliveryWorkflow } from './webhook-delivery-workflow';
