// `npm run dev`'s terminal lines: each event the developer watches for in one readable line, and never a secret.
import pino from 'pino';
import { Writable } from 'node:stream';
import { readableLog } from '../../../devstack/readable-log';
import { createLogger } from '../../../observability/logger';

/** What the product's own logger writes for these calls: the lines the dev stack reads from its children. */
function jsonLines(write: (logger: pino.Logger) => void): string[] {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  write(pino({ name: 'worker' }, stream));
  return lines;
}

const plain = readableLog({ colour: false });
const SECRETS = {
  accessToken: 'at-0123456789-secret',
  refreshToken: 'rt-0123456789-secret',
  clientSecret: 'cs-0123456789-secret',
  authorization: 'Bearer sk-0123456789-secret',
  secretKey: 'sk-0123456789-secret',
  password: 'pw-0123456789-secret',
  token: 'tk-0123456789-secret',
};

describe('the dev terminal line of a log line', () => {
  it('renders a finished run with its added, updated and deleted counts', () => {
    const [line] = jsonLines((log) =>
      log.child({ connectionId: 'acme', model: 'contacts', runId: 'r1' }).info({ mode: 'full', added: 5, updated: 10, deleted: 3, durationMs: 1234 }, 'sync run succeeded'),
    );
    expect(plain.format(line)).toBe('run finished acme/contacts full: +5 ~10 -3 in 1.2 s');
  });

  it('renders a request, a started run, a refresh and a delivered webhook each in one line', () => {
    const lines = jsonLines((log) => {
      log.info({ method: 'POST', route: '/connections/:connectionId/sync', status: 202, secretKeyName: 'default', ms: 7 }, 'request');
      log.child({ connectionId: 'acme', model: 'contacts' }).info({ mode: 'full', fullReason: 'version 2 → 3' }, 'sync run started');
      log.child({ connectionId: 'acme' }).info({ generation: 4, rotated: false }, 'credentials refreshed');
      log.child({ eventId: 'e1', type: 'sync', connectionId: 'acme' }).info({ status: 204 }, 'webhook delivered');
    });
    expect(lines.map((line) => plain.format(line))).toEqual([
      'POST /connections/:connectionId/sync 202 7 ms key default',
      'run started  acme/contacts full (version 2 → 3)',
      'refreshed    credentials of acme (generation 4)',
      'webhook      sync event e1 delivered (204)',
    ]);
  });

  it('renders an error with its reason, from a serialised Error or a message, and marks its level', () => {
    const lines = jsonLines((log) => {
      log.child({ connectionId: 'acme', model: 'contacts' }).warn({ code: 'provider_error', message: 'Salesforce answered 500\nbody…' }, 'sync run failed');
      log.error({ err: new Error('database unreachable\n    at stack'), method: 'GET', path: '/records' }, 'unexpected error');
      log.child({ connectionId: 'acme' }).warn({ kind: 'invalid_grant', err: 'refresh token revoked' }, 'credential refresh failed');
    });
    expect(lines.map((line) => plain.format(line))).toEqual([
      'warn  run failed   acme/contacts: provider_error: Salesforce answered 500',
      'error unexpected error: database unreachable',
      'warn  refresh failed of acme: invalid_grant: refresh token revoked',
    ]);
  });

  it("leaves out the Temporal SDK's routine lines and keeps its warnings", () => {
    const sdk = jsonLines((log) => {
      const child = log.child({ component: 'temporal-sdk' });
      child.info({ sdkComponent: 'worker', taskQueue: 'tributary', state: 'RUNNING' }, 'Worker state changed');
      child.warn({ sdkComponent: 'worker', taskQueue: 'tributary-control' }, 'No workflows registered, not polling for workflow tasks');
      child.warn({ activityType: 'runSyncSlice', error: { message: 'connect ECONNREFUSED 127.0.0.1:4010' } }, 'Activity failed');
    });
    expect(sdk.map((line) => plain.format(line))).toEqual([null, null, 'warn  Activity failed: connect ECONNREFUSED 127.0.0.1:4010  activityType=runSyncSlice']);
  });

  it("shows the reason of a failure the Temporal SDK logs through the worker's logger", () => {
    const lines: string[] = [];
    const logger = createLogger('worker', 'info', { write: (line: string) => lines.push(line.trim()) });
    logger.child({ component: 'temporal-sdk' }).warn({ activityType: 'syncModelSlice', error: new Error('token expired') }, 'Activity failed');
    expect(lines.map((line) => plain.format(line))).toEqual(['warn  Activity failed: token expired  activityType=syncModelSlice']);
  });

  it('shows a line that is not a log line as it was written (a crash, a stack trace)', () => {
    expect(plain.format('Error: Cannot find module ./contacts.sync')).toBe('Error: Cannot find module ./contacts.sync');
    expect(plain.format('{not json')).toBe('{not json');
  });

  it('never prints a secret field, whatever event carries it, even one the redaction list does not name', () => {
    const messages = ['request', 'sync run started', 'sync run succeeded', 'sync run failed', 'credentials refreshed', 'credential refresh failed', 'webhook delivered', 'something else'];
    const lines = jsonLines((log) => {
      for (const message of messages) {
        log.info({ ...SECRETS, connectionId: 'acme', model: 'contacts', credentials: { ...SECRETS }, headers: { authorization: SECRETS.authorization } }, message);
        log.error({ err: { ...SECRETS }, reason: { ...SECRETS } }, message);
      }
    });
    const shown = lines.map((line) => plain.format(line) ?? '').join('\n');
    expect(lines).toHaveLength(messages.length * 2);
    for (const secret of Object.values(SECRETS)) expect(shown).not.toContain(secret.replace(/^Bearer /, ''));
    // Any other event shows its message and where it happened, nothing else.
    const [other] = jsonLines((log) => log.info({ connectionId: 'acme', integration: 'sf', ...SECRETS }, 'connection created'));
    expect(plain.format(other)).toBe('connection created  integration=sf connectionId=acme');
  });

  it('colours the event when asked, and only then', () => {
    const [line] = jsonLines((log) => log.info({ method: 'GET', route: '/records', status: 500, ms: 1 }, 'request'));
    expect(readableLog({ colour: true }).format(line)).toContain('\u001b[31m500');
    expect(plain.format(line)).not.toContain('\u001b[');
  });
});
