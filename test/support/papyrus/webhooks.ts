// Papyrus webhooks: JSON deliveries carrying the integration's webhook secret as a body token (no signature).
import { z } from 'zod';
import { AppError } from '../../../errors/app-error';
import type { ProviderWebhooks } from '../../../providers/provider-webhooks';
import { webhookUrlSecretMatches } from '../../../security/webhook-url-secret';

const delivery = z.strictObject({
  token: z.string(),
  company_id: z.number().int(),
  events: z.array(z.strictObject({ id: z.string().min(1), object: z.string() })).max(100),
});

function read(rawBody: Buffer) {
  try {
    return delivery.safeParse(JSON.parse(rawBody.toString('utf8')));
  } catch {
    return null;
  }
}

export const papyrusWebhooks: ProviderWebhooks = {
  authentication: {
    by: 'webhook-secret',
    presentedAs: { kind: 'token' },
    authenticate: (received, secrets) => {
      const parsed = read(received.rawBody);
      if (!parsed?.success) return 'the body carries no token';
      return webhookUrlSecretMatches(parsed.data.token, secrets) ? null : 'the token is not the integration\'s webhook secret';
    },
  },
  maxBodyBytes: 64 * 1024,
  parse: (rawBody) => {
    const parsed = read(rawBody);
    if (!parsed) throw AppError.invalid('body', 'is not valid JSON');
    if (!parsed.success) throw AppError.invalid(`body.${parsed.error.issues[0].path.join('.')}`, parsed.error.issues[0].message);
    return parsed.data.events.map((event) => ({ account: String(parsed.data.company_id), objectType: event.object, notificationId: `${parsed.data.company_id}:${event.id}` }));
  },
  accepted: { status: 204 },
  modelsByObjectType: { note: 'notes' },
};
