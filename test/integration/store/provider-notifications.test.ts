// The provider-notification dedupe store on the real database: a delivery's ids are written in one unordered batch,
// only unseen ones come back, and ids past their retention are purged although FerretDB ignores TTL indexes.
import { randomUUID } from 'node:crypto';
import { MongoClient, type CommandStartedEvent, type Db } from 'mongodb';
import { ensureIndexes } from '../../../store/database';
import { PROVIDER_NOTIFICATION_RETENTION_MS, ProviderNotificationRepository } from '../../../store/provider-notifications';

describe('provider notification store', () => {
  let client: MongoClient;
  let db: Db;
  const commands: CommandStartedEvent[] = [];
  beforeAll(async () => {
    client = new MongoClient(process.env.MONGODB_URI as string, { monitorCommands: true });
    await client.connect();
    db = client.db(`t_notifications_${randomUUID().slice(0, 8)}`);
    await ensureIndexes(db);
    client.on('commandStarted', (event) => commands.push(event));
  });
  afterAll(async () => {
    await db?.dropDatabase();
    await client?.close();
  });

  const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => `04l${String(from + i).padStart(15, '0')}`);
  const insertsSince = (mark: number) => commands.slice(mark).filter((c) => c.commandName === 'insert');

  it('writes a 100-notification delivery in one unordered insert, and returns only the ids not seen before', async () => {
    const notifications = new ProviderNotificationRepository(db);
    let mark = commands.length;
    expect(await notifications.firstSeen('crm', ids(0, 100))).toEqual(ids(0, 100));
    expect(insertsSince(mark).map((c) => [c.command.documents.length, c.command.ordered])).toEqual([[100, false]]);

    // Half seen before, one repeated within the delivery: the new half comes back once, in one insert again.
    mark = commands.length;
    expect(await notifications.firstSeen('crm', [...ids(50, 100), ids(120, 1)[0]])).toEqual(ids(100, 50));
    expect(insertsSince(mark)).toHaveLength(1);
    // Ids are per integration: another integration's delivery with the same ids is its own.
    expect(await notifications.firstSeen('other-crm', ids(0, 3))).toEqual(ids(0, 3));
  });

  it('purges ids older than the retention when it writes, like connect sessions (FerretDB has no TTL)', async () => {
    const collection = db.collection<{ _id: string; receivedAt: Date }>('provider_notifications');
    const longAgo = new Date(Date.now() - PROVIDER_NOTIFICATION_RETENTION_MS - 60_000);
    await collection.insertMany([{ _id: 'crm:expired-1', receivedAt: longAgo }, { _id: 'crm:expired-2', receivedAt: longAgo }]);
    const recent = await collection.countDocuments({ receivedAt: { $gt: longAgo } });

    await new ProviderNotificationRepository(db).firstSeen('crm', ids(1000, 1));
    expect(await collection.countDocuments({ _id: { $in: ['crm:expired-1', 'crm:expired-2'] } })).toBe(0);
    expect(await collection.countDocuments({ receivedAt: { $gt: longAgo } })).toBe(recent + 1); // nothing recent went
  });
});
