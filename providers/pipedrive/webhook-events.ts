// Reads a Pipedrive webhook (v2) delivery, `{meta, data, previous}` for one event, into the change it announces, and
// checks the HTTP Basic credentials it carries.
import { z } from 'zod';
import { AppError } from '../../errors/app-error';
import { webhookUrlSecretMatches } from '../../security/webhook-url-secret';
import type { ChangeNotice, WebhookDelivery } from '../provider-webhooks';

/** Pipedrive sends some ids as strings and some as numbers (which ones is not documented): both are read. */
const numericId = z.union([z.string().regex(/^\d{1,15}$/, 'must be a Pipedrive id'), z.number().int().positive()]).transform(String);

const eventV2 = z.looseObject({
  meta: z.looseObject({
    action: z.string().min(1).max(40),
    entity: z.string().min(1).max(40),
    entity_id: numericId,
    // The event's id: a retry (meta.attempt 2–4) repeats it.
    id: z.string().min(1).max(100),
    company_id: numericId,
    version: z.literal('2.0', { error: 'must be "2.0": register the webhook with version 2.0' }).optional(),
  }),
});

/** One event per delivery. Throws a 400 naming the field. */
export function parsePipedriveEvent(rawBody: Buffer): ChangeNotice[] {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw AppError.invalid('body', 'is not valid JSON');
  }
  const parsed = eventV2.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw AppError.invalid(`body${issue.path.length ? `.${issue.path.join('.')}` : ''}`, issue.message);
  }
  const { meta } = parsed.data;
  return [
    {
      account: meta.company_id,
      objectType: meta.entity,
      notificationId: `${meta.company_id}:${meta.id}`,
      // A delete (a merge's loser included) leaves no trace in the lists the run reads: its id is kept for that run.
      ...(meta.action === 'delete' ? { deletedId: meta.entity_id } : {}),
    },
  ];
}

/**
 * Null when the delivery carries `username` and one of the accepted secrets as HTTP Basic credentials (the ones
 * registered with the webhook); otherwise why not, naming no secret. The password is compared in constant time.
 */
export function basicCredentialsProblem(delivery: WebhookDelivery, username: string, secrets: readonly string[]): string | null {
  const header = delivery.header('authorization');
  const encoded = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header)?.[1] : undefined;
  if (!encoded) return 'no HTTP Basic credentials: register the webhook with http_auth_user and http_auth_password';
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon < 0 ? decoded : decoded.slice(0, colon);
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  // Both are compared whatever the user name, so the time taken says nothing of the password.
  const passwordMatches = webhookUrlSecretMatches(password, secrets);
  return user === username && passwordMatches ? null : 'the HTTP Basic credentials are not the integration\'s';
}
