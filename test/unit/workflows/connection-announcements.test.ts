// What a connection owes the app: owed webhooks go out oldest first, including one owed while an earlier is being sent.
import type { AuthWebhookEvent } from '../../../contracts/webhook-events';
import { Announcements, deliveryWorkflowId } from '../../../workflows/connection/announcements';
import type { ConnectionState } from '../../../workflows/connection/connection-state';

const event = (id: string): AuthWebhookEvent => ({
  id,
  type: 'auth',
  connectionId: 'acme',
  integration: 'sf',
  operation: 'reauthorization',
  success: true,
  error: null,
  at: '2026-12-03T12:00:00.000Z',
});

describe('owed announcements', () => {
  it('are handed out oldest first, each once, and one owed meanwhile (a signal during a send) comes in the same round', () => {
    const announcements = new Announcements({} as ConnectionState);
    announcements.owe(event('a'));
    announcements.owe(event('b'));
    const sent: string[] = [];
    for (const owed of announcements.owed()) {
      sent.push(owed.id);
      if (owed.id === 'a') announcements.owe(event('c'));
    }
    expect(sent).toEqual(['a', 'b', 'c']);
    expect([...announcements.owed()]).toEqual([]);
  });

  it('are each delivered by a child workflow named after the event, so a replay or a second start finds the same one', () => {
    expect(deliveryWorkflowId(event('auth:acme:1'))).toBe('webhook:auth:acme:1');
  });
});
