// Reads a Salesforce Outbound Message (SOAP `notifications`) in one pass, and writes the `Ack` answer Salesforce waits for.
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { AppError } from '../../errors/app-error';

export interface OutboundMessage {
  organizationId: string;
  notifications: { id: string; objectType: string; recordId: string | null }[];
}

/** Salesforce puts at most 100 notifications in one message. */
export const MAX_OUTBOUND_NOTIFICATIONS = 100;

/** An Outbound Message is about 6 elements deep (8 with compound fields): far deeper is not one. */
const MAX_DEPTH = 32;
/** Salesforce ids: 15 characters, or 18 in the case-insensitive form. */
const SALESFORCE_ID = /^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/;
const ORGANIZATION_ID = /^00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/;
/** Longer than any id: text past this in an element we read is cut, so a huge text node costs no copy. */
const MAX_TEXT = 64;

/**
 * A real XML tokenizer (saxes: strict, streaming, one pass) instead of patterns: it never looks back, so no input can
 * make it rescan. It expands only XML's five predefined entities and character references; a DOCTYPE (where entities
 * would be declared) is refused outright, so nothing can expand or fetch. Namespace processing stays off (saxes
 * resolves each prefix by walking the open elements, quadratic in depth) and depth is capped; elements are matched by
 * local name, so any prefix works. Throws a 400 naming what is wrong.
 */
export function parseOutboundMessage(xml: string): OutboundMessage {
  const parser = new SaxesParser({ xmlns: false, position: false });
  const path: string[] = [];
  let sawNotifications = false;
  let organizationId: string | null = null;
  const notifications: { id: string | null; objectType: string | null; recordId: string | null }[] = [];
  /** Which of the three values we read the open element holds, and its text so far. */
  let leaf: Leaf | null = null;
  let text = '';

  parser.on('doctype', () => {
    throw AppError.invalid('body', 'a DOCTYPE is not accepted: an Outbound Message has none');
  });
  parser.on('opentag', (tag: SaxesTagPlain) => {
    const parent = path.at(-1);
    const name = localName(tag.name);
    if (path.length === MAX_DEPTH) throw AppError.invalid('body', `nests elements more than ${MAX_DEPTH} deep: an Outbound Message is about 6 deep`);
    path.push(name);
    if (name === 'notifications') sawNotifications = true;
    if (parent === 'notifications' && name === 'Notification') {
      if (notifications.length === MAX_OUTBOUND_NOTIFICATIONS) {
        throw AppError.invalid('body.notifications', `more than ${MAX_OUTBOUND_NOTIFICATIONS} notifications: Salesforce sends at most ${MAX_OUTBOUND_NOTIFICATIONS} in one message`);
      }
      notifications.push({ id: null, objectType: null, recordId: null });
    }
    if (parent === 'Notification' && name === 'sObject') {
      // `xsi:type="sf:Contact"`: the object type is the value's local name, whatever either prefix is.
      const type = Object.entries(tag.attributes).find(([attribute]) => attribute.includes(':') && localName(attribute) === 'type')?.[1];
      const current = notifications.at(-1);
      if (current && type) current.objectType = localName(type);
    }
    leaf = leafAt(path);
    text = '';
  });
  parser.on('text', (chunk) => {
    if (leaf && text.length <= MAX_TEXT) text += chunk.slice(0, MAX_TEXT + 1 - text.length);
  });
  parser.on('closetag', () => {
    const at = notifications.length - 1;
    if (leaf === 'organizationId') {
      organizationId ??= checked(text.trim(), ORGANIZATION_ID, 'body.OrganizationId', 'a Salesforce organization id (00D…, 15 or 18 characters)');
    } else if (leaf === 'notificationId') {
      notifications[at].id = checked(text.trim(), SALESFORCE_ID, `body.notifications[${at}].Id`, 'a Salesforce id of 15 or 18 letters and digits');
    } else if (leaf === 'recordId') {
      notifications[at].recordId = checked(text.trim(), SALESFORCE_ID, `body.notifications[${at}].sObject.Id`, 'a Salesforce id of 15 or 18 letters and digits');
    }
    leaf = null;
    path.pop();
  });

  try {
    parser.write(xml).close();
  } catch (error) {
    if (error instanceof AppError) throw error;
    // saxes says where and what (e.g. "unclosed tag"); the message names no secret, only the body's own content.
    throw AppError.invalid('body', `is not well-formed XML: ${(error as Error).message.slice(0, 200)}`);
  }

  if (!sawNotifications) throw AppError.invalid('body', 'is not a Salesforce Outbound Message (SOAP notifications)');
  if (!organizationId) throw AppError.invalid('body.OrganizationId', 'is missing');
  if (notifications.length === 0) throw AppError.invalid('body.notifications', 'has no Notification');
  return {
    organizationId,
    notifications: notifications.map((n, i) => {
      if (!n.id) throw AppError.invalid(`body.notifications[${i}].Id`, 'is missing');
      if (!n.objectType) throw AppError.invalid(`body.notifications[${i}].sObject`, 'is missing, or has no xsi:type naming its object');
      return { id: n.id, objectType: n.objectType, recordId: n.recordId };
    }),
  };
}

function localName(qualified: string): string {
  return qualified.slice(qualified.indexOf(':') + 1);
}

type Leaf = 'organizationId' | 'notificationId' | 'recordId';

/** The three elements whose text we read, by where they sit: the org id, a notification's id, its record's id. */
function leafAt(path: readonly string[]): Leaf | null {
  const under = (...names: string[]) => path.length >= names.length && names.every((name, i) => path[path.length - names.length + i] === name);
  if (under('notifications', 'OrganizationId')) return 'organizationId';
  if (under('notifications', 'Notification', 'Id')) return 'notificationId';
  if (under('notifications', 'Notification', 'sObject', 'Id')) return 'recordId';
  return null;
}

function checked(value: string, pattern: RegExp, field: string, what: string): string {
  if (!pattern.test(value)) throw AppError.invalid(field, `must be ${what}`);
  return value;
}

/** `Ack` true tells Salesforce the message is handled; anything else and it redelivers for up to 24 hours. */
export function outboundMessageAck(ack: boolean): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>' +
    `<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>${ack}</Ack></notificationsResponse>` +
    '</soapenv:Body></soapenv:Envelope>'
  );
}
