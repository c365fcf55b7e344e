// Writers racing on one connection or one OAuth state, on the real database: compare-and-set writes have one winner
// and no write is lost. FerretDB 1.24 runs an update as a read, then a replace by `_id`, outside any transaction, so
// without serialization each race below lost a write in most rounds (measured before the fix: 50–100% of rounds).
import { randomBytes, randomUUID } from 'node:crypto';
import { CredentialCipher } from '../../../security/credential-cipher';
import { ConnectionRepository } from '../../../store/connections';
import { ensureIndexes, openDatabase, type Database } from '../../../store/database';
import { ConnectSessionRepository } from '../../../store/connect-sessions';
import { OAuthStateRepository } from '../../../store/oauth-states';

// Each round is one race; a broken store loses most rounds, so this many make a pass by luck impossible in practice.
const ROUNDS = 15;
const RACERS = 8;

describe('writers racing on the real database', () => {
  let database: Database;
  let connections: ConnectionRepository;
  let states: OAuthStateRepository;
  let sessions: ConnectSessionRepository;

  beforeAll(async () => {
    database = await openDatabase(process.env.MONGODB_URI as string, `t_races_${randomUUID().slice(0, 8)}`);
    await ensureIndexes(database.db);
    const cipher = new CredentialCipher([{ id: 'k1', key: randomBytes(32) }]);
    connections = new ConnectionRepository(database.db, cipher);
    states = new OAuthStateRepository(database.db, cipher);
    sessions = new ConnectSessionRepository(database.db);
  });
  afterAll(async () => {
    await database?.db.dropDatabase();
    await database?.close();
  });

  const credentials = (label: string) => ({ accessToken: `at-${label}`, refreshToken: `rt-${label}`, instanceUrl: null });
  const connect = (connectionId: string, providerAccountId: string | null) =>
    connections.create({
      connectionId,
      integration: 'sf',
      provider: 'salesforce',
      providerAccountId,
      credentials: credentials('first'),
      syncs: { accounts: { frequency: '1h', frequencyMs: 3_600_000 }, contacts: { frequency: '1h', frequencyMs: 3_600_000 } },
    });

  it('hands an OAuth state to exactly one of the callbacks that consume it at once', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const stateHash = `state-${round}-${randomUUID()}`;
      await states.create({
        stateHash,
        connectSessionId: 'session',
        integration: 'sf',
        connectionId: 'c',
        redirectUrl: null,
        allowAccountChange: false,
        connectInputs: {},
        codeVerifier: 'verifier',
        browserBindingHash: 'browser',
        createdAt: new Date(),
        expiresAt: new Date(Date.now() + 60_000),
      });
      const got = await Promise.all(Array.from({ length: RACERS }, () => states.consume(stateHash)));
      expect({ round, winners: got.filter((state) => state !== null).length }).toEqual({ round, winners: 1 });
    }
  });

  it('lets exactly one of the browsers that open one connect link at once start an authorization', async () => {
    const expected = { integration: 'sf', connectionId: 'c' };
    for (let round = 0; round < ROUNDS; round++) {
      const tokenHash = `session-${round}-${randomUUID()}`;
      const now = new Date();
      await sessions.create({ _id: tokenHash, ...expected, redirectUrl: null, allowAccountChange: false, createdAt: now, expiresAt: new Date(now.getTime() + 60_000) });
      const got = await Promise.all(Array.from({ length: RACERS }, () => sessions.use(tokenHash, expected, new Date())));
      expect({ round, winners: got.filter((session) => session !== null).length }).toEqual({ round, winners: 1 });
      expect(await sessions.use(tokenHash, expected, new Date())).toBeNull();
    }
  });

  it('grants a forced refresh to exactly one of the proxied 401s of one generation that claim it at once', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      await connect(`forced-${round}`, null);
      const claims = await Promise.all(
        Array.from({ length: RACERS }, () => connections.claimForcedRefresh(`forced-${round}`, 1, { minIntervalMs: 60_000, pendingForMs: 30_000 })),
      );
      expect({ round, granted: claims.filter((claim) => claim === 'granted').length }).toEqual({ round, granted: 1 });
      expect(claims.filter((claim) => claim !== 'granted').every((claim) => claim === 'pending')).toBe(true);
    }
  });

  it('an allowed account change wins over a refresh of the old account racing it, and nothing the refresh learned overwrites it', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const id = `moved-${round}`;
      await connect(id, '00DORIGINAL0000');
      // The workflow's refresh of the old grant, then the account it learns (as for a connection made without one),
      // and a run finishing, all racing the API's move to another account.
      const refresh = (async () => {
        const generation = await connections.storeRefreshedCredentials(id, 1, credentials('refreshed'), null).catch(() => null);
        if (generation !== null) await connections.setProviderAccountId(id, '00DLEARNED00000', { generation });
      })();
      const run = connections.commitCursor(id, 'accounts', null, 'run-old', new Date(), { incarnation: undefined });
      const move = connections.replaceCredentials(id, credentials('moved'), null, { id: '00DOTHER0000000', expected: '00DORIGINAL0000' }, { models: ['accounts', 'contacts'] });
      const [, , moved] = await Promise.all([refresh, run, move]);

      expect({ round, moved: moved !== null }).toEqual({ round, moved: true });
      const after = await connections.get(id);
      const stored = await connections.readCredentials(id);
      expect({ round, account: after.providerAccountId, generation: after.credentialState.generation }).toEqual({ round, account: '00DOTHER0000000', generation: moved });
      expect({ round, credentials: stored.credentials }).toEqual({ round, credentials: credentials('moved') });
      expect({ round, incarnation: typeof after.incarnation }).toEqual({ round, incarnation: 'string' });
    }
  });

  it('a sign-in naming the account wins over a refresh racing it that learns an account for a connection made without one', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const id = `learned-${round}`;
      await connect(id, null);
      const refresh = (async () => {
        const generation = await connections.storeRefreshedCredentials(id, 1, credentials('refreshed'), null).catch(() => null);
        return generation === null ? false : connections.setProviderAccountId(id, '00DLEARNED00000', { generation });
      })();
      // A browser re-authorisation of a connection whose account was never known binds it (expected: none recorded).
      const signIn = connections.replaceCredentials(id, credentials('signed-in'), null, { id: '00DSIGNEDIN0000', expected: null });
      const [learned, signedIn] = await Promise.all([refresh, signIn]);

      // Learned first, the sign-in into another account is refused (the API's check); otherwise the sign-in's account stays.
      const after = await connections.get(id);
      const expected = learned ? { account: '00DLEARNED00000', signedIn: null } : { account: '00DSIGNEDIN0000', signedIn: after.credentialState.generation };
      expect({ round, account: after.providerAccountId, signedIn }).toEqual({ round, ...expected });
    }
  });

  it('loses none of several writes to different fields of one connection made at once', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const id = `fields-${round}`;
      await connect(id, null);
      const at = new Date(Date.UTC(2026, 0, 1, 0, round));
      await Promise.all([
        connections.setNextRunAt(id, 'accounts', at),
        connections.setLastRun(id, 'contacts', 'run-contacts'),
        connections.recordCredentialError(id, 'refused'),
        connections.setProviderAccountId(id, '00DLEARNED00000'),
        connections.update(id, { metadata: { round } }),
      ]);
      const after = await connections.get(id);
      expect({
        round,
        nextRunAt: after.syncs.accounts.nextRunAt,
        lastRunId: after.syncs.contacts.lastRunId,
        lastError: after.credentialState.lastError,
        account: after.providerAccountId,
        metadata: after.metadata,
      }).toEqual({ round, nextRunAt: at, lastRunId: 'run-contacts', lastError: 'refused', account: '00DLEARNED00000', metadata: { round } });
    }
  });
});
