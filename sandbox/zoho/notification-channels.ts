// The Notifications API's channels (`/crm/v8/actions/watch`): subscribe, renew (PUT), add or drop events (PATCH),
// list and disable, per org; channels lapse at `channel_expiry` (1 h by default, a week at most) unless renewed.
import { Router, type Request, type Response } from 'express';
import { formatZohoTime, parseIsoWithOffset } from './datetime';
import { errorBody, requiredParamMissing, zohoError, type ZohoErrorBody } from './errors';
import { queryText, requireScope, signedInOrg } from './api-request';
import { MODULES, isModule, type ModuleName } from './modules';
import type { NotificationSender } from './notification-sender';
import type { Org, RecordChange } from './org';

export interface Channel {
  org: string;
  channelId: string;
  /** `Contacts.create`, `Contacts.edit`, `Contacts.delete` (`.all` is stored as the three). */
  events: Set<string>;
  notifyUrl: string;
  token: string | null;
  expiresAt: number;
  returnAffectedFieldValues: boolean;
}

const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 24 * HOUR_MS;
const MAX_CHANNELS_PER_REQUEST = 50;
const OPERATION_EVENT = { insert: 'create', update: 'edit', delete: 'delete' } as const;

/** The sandbox calls only loopback addresses, whatever a test registers (Zoho itself wants a public https URL). */
function isLoopbackUrl(value: string): boolean {
  if (!/^https?:\/\//i.test(value) || !URL.canParse(value)) return false;
  const host = new URL(value).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function expandEvents(events: unknown): Set<string> | null {
  if (!Array.isArray(events) || events.length === 0) return null;
  const out = new Set<string>();
  for (const event of events) {
    const match = typeof event === 'string' ? /^([A-Za-z]+)\.(all|create|edit|delete)$/.exec(event) : null;
    if (!match || !isModule(match[1])) return null;
    for (const action of match[2] === 'all' ? ['create', 'edit', 'delete'] : [match[2]]) out.add(`${match[1]}.${action}`);
  }
  return out;
}

export class NotificationChannels {
  private readonly channels = new Map<string, Channel>();

  constructor(
    private readonly sender: NotificationSender,
    private readonly apiUrlOf: (org: Org) => string,
  ) {}

  /** Called for every change an org makes: each live channel subscribed to it gets a notification. */
  changed(org: Org, change: RecordChange): void {
    const now = Date.now();
    for (const channel of this.channels.values()) {
      if (channel.org !== org.name || now >= channel.expiresAt || !channel.events.has(`${change.module}.${OPERATION_EVENT[change.operation]}`)) continue;
      this.sender.push({ channelId: channel.channelId, notifyUrl: channel.notifyUrl, token: channel.token, returnAffectedFieldValues: channel.returnAffectedFieldValues, org: org.name, apiUrl: this.apiUrlOf(org), module: change.module, operation: change.operation, id: change.id, values: change.values });
    }
  }

  routes(): Router {
    const router = Router();
    const key = (org: Org, channelId: string) => `${org.name}\u0000${channelId}`;

    const answerEvents = (org: Org, channel: Channel) => {
      const modules = MODULES.filter((module) => [...channel.events].some((event) => event.startsWith(`${module}.`)));
      return modules.map((module: ModuleName) => ({
        channel_expiry: formatZohoTime(Math.floor(channel.expiresAt / 1000), org.offsetMinutes),
        resource_uri: `${this.apiUrlOf(org)}/crm/v8/${module}`,
        resource_id: org.moduleIds[module],
        resource_name: module,
        channel_id: channel.channelId,
      }));
    };

    /** One `watch[i]` checked: a new channel (create), one replacing a channel's details (replace), or its events changed (patch). */
    const parseItem = (org: Org, item: unknown, index: number, mode: 'create' | 'replace' | 'patch'): Channel | ZohoErrorBody => {
      const path = (name: string) => `$.watch[${index}].${name}`;
      const invalid = (name: string) => errorBody('INVALID_DATA', 'invalid data', { api_name: name, json_path: path(name) });
      const missing = (name: string) => errorBody('MANDATORY_NOT_FOUND', 'required field not found', { api_name: name, json_path: path(name) });
      if (typeof item !== 'object' || item === null) return invalid('watch');
      const raw = item as Record<string, unknown>;
      if (raw.channel_id === undefined) return missing('channel_id');
      if ((typeof raw.channel_id !== 'string' && typeof raw.channel_id !== 'number') || !/^\d{1,19}$/.test(String(raw.channel_id))) return invalid('channel_id');
      const channelId = String(raw.channel_id);
      const existing = this.channels.get(key(org, channelId));
      if (mode !== 'create' && !existing) return errorBody('INVALID_DATA', 'the channel_id given seems to be invalid', { api_name: 'channel_id', json_path: path('channel_id') });
      if (raw.events === undefined) return missing('events');
      const events = expandEvents(raw.events);
      if (!events) return invalid('events');
      if (mode === 'patch') {
        const next = new Set(existing!.events);
        for (const event of events) if (raw._delete_events === true) next.delete(event);
        else next.add(event);
        return { ...existing!, events: next };
      }
      if (raw.notify_url === undefined) return missing('notify_url');
      if (typeof raw.notify_url !== 'string' || !isLoopbackUrl(raw.notify_url)) return invalid('notify_url');
      if (raw.token !== undefined && raw.token !== null && (typeof raw.token !== 'string' || raw.token.length > 50)) return invalid('token');
      const now = Date.now();
      let expiresAt = now + HOUR_MS;
      if (raw.channel_expiry !== undefined) {
        const ms = typeof raw.channel_expiry === 'string' ? parseIsoWithOffset(raw.channel_expiry) : Number.NaN;
        if (Number.isNaN(ms) || ms <= now || ms > now + WEEK_MS) return invalid('channel_expiry');
        expiresAt = ms;
      }
      if (raw.return_affected_field_values !== undefined && typeof raw.return_affected_field_values !== 'boolean') return invalid('return_affected_field_values');
      return { org: org.name, channelId, events, notifyUrl: raw.notify_url, token: typeof raw.token === 'string' ? raw.token : null, expiresAt, returnAffectedFieldValues: raw.return_affected_field_values === true };
    };

    const write = (req: Request, res: Response, mode: 'create' | 'replace' | 'patch', allDoneStatus: number, message: string) => {
      const org = signedInOrg(res);
      const watch = (req.body as { watch?: unknown } | undefined)?.watch;
      if (!Array.isArray(watch) || watch.length === 0) throw zohoError(400, 'MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'watch', json_path: '$.watch' });
      if (watch.length > MAX_CHANNELS_PER_REQUEST) throw zohoError(400, 'LIMIT_EXCEEDED', 'limit exceeded', { limit: MAX_CHANNELS_PER_REQUEST, api_name: 'watch', json_path: '$.watch' });
      const outcomes = watch.map((item, index) => {
        const parsed = parseItem(org, item, index, mode);
        if ('status' in parsed) return parsed;
        this.channels.set(key(org, parsed.channelId), parsed);
        return { code: 'SUCCESS', details: { events: answerEvents(org, parsed) }, message, status: 'success' as const };
      });
      const done = outcomes.filter((o) => o.status === 'success').length;
      res.status(done === outcomes.length ? allDoneStatus : done === 0 ? 400 : 207).json({ watch: outcomes });
    };

    router.post('/crm/v8/actions/watch', (req, res) => {
      requireScope(res, 'ZohoCRM.notifications', 'CREATE');
      write(req, res, 'create', 201, 'Successfully subscribed for actions-watch of the given module');
    });
    router.put('/crm/v8/actions/watch', (req, res) => {
      requireScope(res, 'ZohoCRM.notifications', 'UPDATE');
      write(req, res, 'replace', 200, 'Successfully updated the subscribe details');
    });
    router.patch('/crm/v8/actions/watch', (req, res) => {
      requireScope(res, 'ZohoCRM.notifications', 'UPDATE');
      write(req, res, 'patch', 200, 'Successfully updated the subscribe details');
    });
    router.get('/crm/v8/actions/watch', (_req, res) => {
      requireScope(res, 'ZohoCRM.notifications', 'READ');
      const org = signedInOrg(res);
      const now = Date.now();
      const live = [...this.channels.values()].filter((channel) => channel.org === org.name && now < channel.expiresAt);
      if (live.length === 0) return void res.status(204).end();
      res.json({
        watch: live.map((channel) => ({
          channel_id: channel.channelId,
          events: [...channel.events],
          notify_url: channel.notifyUrl,
          channel_expiry: formatZohoTime(Math.floor(channel.expiresAt / 1000), org.offsetMinutes),
          return_affected_field_values: channel.returnAffectedFieldValues,
        })),
      });
    });
    router.delete('/crm/v8/actions/watch', (req, res) => {
      requireScope(res, 'ZohoCRM.notifications', 'DELETE');
      const org = signedInOrg(res);
      const raw = queryText(req, 'channel_ids');
      if (!raw) throw requiredParamMissing('channel_ids');
      const outcomes = raw.split(',').map((id) => {
        const deleted = this.channels.delete(key(org, id.trim()));
        return deleted
          ? { code: 'SUCCESS', details: { channel_id: id.trim() }, message: 'Successfully unsubscribed from actions-watch', status: 'success' as const }
          : errorBody('INVALID_DATA', 'the channel_id given seems to be invalid', { api_name: 'channel_ids', channel_id: id.trim() });
      });
      const done = outcomes.filter((o) => o.status === 'success').length;
      res.status(done === outcomes.length ? 200 : done === 0 ? 400 : 207).json({ watch: outcomes });
    });
    return router;
  }
}
