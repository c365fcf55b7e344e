// Every workflow the worker registers; bundled for the Temporal sandbox, so only deterministic code below.
export {
  connectionWorkflow,
  syncRequestedSignal,
  reauthorizedSignal,
  credentialsExpiredSignal,
  connectionChangedSignal,
  deleteRequestedSignal,
  connectionStateQuery,
} from './connection-workflow';
export { actionWorkflow } from './action-workflow';
export { webhookDeliveryWorkflow } from './webhook-delivery-workflow';
