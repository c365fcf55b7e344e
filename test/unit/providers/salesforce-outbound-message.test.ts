// Reading Salesforce Outbound Messages: what Salesforce sends is read whatever its prefixes, and anything else (DTDs,
// entities, more than 100 notifications, ids Salesforce never makes, broken XML) is refused naming what is wrong.
import { AppError } from '../../../errors/app-error';
import { MAX_OUTBOUND_NOTIFICATIONS, parseOutboundMessage } from '../../../providers/salesforce/outbound-message';
import { outboundMessageEnvelope } from '../../../sandbox/salesforce/outbound-messages';

const ORG = '00D5g000004ABCDEAA';
const notification = (i: number) => ({ id: `04l5g00000${String(i).padStart(5, '0')}AAA`, object: 'Contact' as const, recordId: `0035g00000${String(i).padStart(5, '0')}AAA` });

/** The field a refusal names, or 'accepted'. */
function refusal(xml: string): string {
  try {
    parseOutboundMessage(xml);
    return 'accepted';
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'validation_failed') throw error;
    return error.details.fields?.[0]?.field ?? 'no field';
  }
}

describe('parseOutboundMessage', () => {
  it('reads the org, and each notification\'s id, object type and record id, from the envelope Salesforce sends', () => {
    const xml = outboundMessageEnvelope(ORG, 'https://acme.my.salesforce.com', [notification(1), { ...notification(2), object: 'Account', recordId: '0015g0000012345' }]);
    expect(parseOutboundMessage(xml)).toEqual({
      organizationId: ORG,
      notifications: [
        { id: notification(1).id, objectType: 'Contact', recordId: notification(1).recordId },
        { id: notification(2).id, objectType: 'Account', recordId: '0015g0000012345' },
      ],
    });
  });

  it('reads any prefix for the outbound namespace and the sObject type', () => {
    const xml =
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><s:Body>' +
      `<om:notifications xmlns:om="http://soap.sforce.com/2005/09/outbound"><om:OrganizationId>${ORG}</om:OrganizationId>` +
      `<om:Notification><om:Id>${notification(1).id}</om:Id><om:sObject i:type="x:Contact" xmlns:x="urn:sobject.enterprise.soap.sforce.com"><x:Id>${notification(1).recordId}</x:Id><x:Title>A &amp; B</x:Title></om:sObject></om:Notification>` +
      '</om:notifications></s:Body></s:Envelope>';
    expect(parseOutboundMessage(xml).notifications).toEqual([{ id: notification(1).id, objectType: 'Contact', recordId: notification(1).recordId }]);
  });

  it(`accepts ${MAX_OUTBOUND_NOTIFICATIONS} notifications and refuses one more`, () => {
    const notifications = Array.from({ length: MAX_OUTBOUND_NOTIFICATIONS + 1 }, (_, i) => notification(i));
    expect(parseOutboundMessage(outboundMessageEnvelope(ORG, 'https://x', notifications.slice(0, -1))).notifications).toHaveLength(100);
    expect(refusal(outboundMessageEnvelope(ORG, 'https://x', notifications))).toBe('body.notifications');
  });

  it('refuses ids Salesforce never makes, naming the field', () => {
    const envelope = (org: string, n: { id: string; recordId: string }) => outboundMessageEnvelope(org, 'https://x', [{ ...n, object: 'Contact' }]);
    expect(refusal(envelope(`${ORG}X`, notification(1)))).toBe('body.OrganizationId');
    expect(refusal(envelope('001000000000000AAA', notification(1)))).toBe('body.OrganizationId');
    expect(refusal(envelope(ORG, { ...notification(1), id: `04l${'A'.repeat(100_000)}` }))).toBe('body.notifications[0].Id');
    expect(refusal(envelope(ORG, { ...notification(1), id: '04l-bad-id-00000AA' }))).toBe('body.notifications[0].Id');
    expect(refusal(envelope(ORG, { ...notification(1), recordId: '003' }))).toBe('body.notifications[0].sObject.Id');
  });

  it('refuses DTDs, entities it does not know and XML that is not well formed', () => {
    const good = outboundMessageEnvelope(ORG, 'https://x', [notification(1)]);
    const withDoctype = good.replace('<soapenv:Envelope', '<!DOCTYPE e [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><soapenv:Envelope');
    expect(refusal(withDoctype)).toBe('body');
    expect(refusal(good.replace(`<Id>${notification(1).id}</Id>`, '<Id>&b;</Id>'))).toBe('body');
    expect(refusal(good.replace('</notifications>', ''))).toBe('body');
    expect(refusal('')).toBe('body');
    expect(refusal('{"not": "xml"}')).toBe('body');
  });

  it('refuses a message that is not a notifications message, or has no notification', () => {
    expect(refusal('<Envelope><Body><somethingElse/></Body></Envelope>')).toBe('body');
    expect(refusal(outboundMessageEnvelope(ORG, 'https://x', []))).toBe('body.notifications');
    expect(refusal(`<notifications xmlns="http://soap.sforce.com/2005/09/outbound"><Notification><Id>${notification(1).id}</Id></Notification></notifications>`)).toBe('body.OrganizationId');
  });

  it('reads the issue\'s crafted body (unclosed tags) as not well formed, in one pass', () => {
    // Linear time is the integration test's to time; here only the verdict.
    expect(refusal(`<notifications>${'<OrganizationId>'.repeat(16_000)}`)).toBe('body');
  });
});
