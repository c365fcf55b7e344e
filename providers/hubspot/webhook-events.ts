// Reads a HubSpot webhook delivery (a JSON array of subscription events) into the changes it announces.
import { z } from 'zod';
import { AppError } from '../../errors/app-error';
import type { ChangeNotice } from '../provider-webhooks';

const hubSpotEvents = z
  .array(
    z.looseObject({
      eventId: z.number().int(),
      portalId: z.number().int(),
      subscriptionType: z.string().regex(/^\w+\.\w+$/),
      subscriptionId: z.number().int().optional(),
      objectId: z.number().int().optional(),
      occurredAt: z.number().int().optional(),
    }),
  )
  .max(1000);

/** Throws a 400 naming the field. */
export function parseHubSpotEvents(rawBody: Buffer): ChangeNotice[] {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw AppError.invalid('body', 'is not valid JSON');
  }
  const parsed = hubSpotEvents.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw AppError.invalid(`body${issue.path.length ? `.${issue.path.join('.')}` : ''}`, issue.message);
  }
  return parsed.data.map((event) => ({
    account: String(event.portalId),
    objectType: event.subscriptionType.split('.')[0],
    // HubSpot does not promise eventId alone is unique: with the subscription, object and time it names one event,
    // and leaves out attemptNumber, which is all that changes when HubSpot retries it.
    notificationId: [event.portalId, event.eventId, event.subscriptionId ?? '', event.objectId ?? '', event.occurredAt ?? ''].join(':'),
  }));
}
