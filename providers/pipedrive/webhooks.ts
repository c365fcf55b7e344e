// Pipedrive's webhooks (v2) as the engine receives them: one event per delivery, proven by the HTTP Basic credentials
// registered with the webhook, which are the integration's user name and webhook secret.
import type { ProviderWebhooks } from '../provider-webhooks';
import { basicCredentialsProblem, parsePipedriveEvent } from './webhook-events';

/** The user name every integration's webhooks are registered with; the password is the integration's secret. */
export const PIPEDRIVE_WEBHOOK_USERNAME = 'tributary';

export const pipedriveWebhooks: ProviderWebhooks = {
  authentication: {
    by: 'webhook-secret',
    presentedAs: { kind: 'http-basic', username: PIPEDRIVE_WEBHOOK_USERNAME },
    authenticate: (delivery, secrets) => basicCredentialsProblem(delivery, PIPEDRIVE_WEBHOOK_USERNAME, secrets),
  },
  // One event with the record after the change and the previous values: a few KB, tens with many custom fields.
  maxBodyBytes: 256 * 1024,
  parse: parsePipedriveEvent,
  // Any 2xx within 10 s; anything else is retried (3, 30, 150 s) and counts towards a 30-minute ban.
  accepted: { status: 200 },
  modelsByObjectType: { person: 'persons', organization: 'organizations' },
};
