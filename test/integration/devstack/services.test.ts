// The services the suite runs on are real: a MongoDB wire-protocol server and a Temporal server with our search attributes.
import { Connection } from '@temporalio/client';
import { MongoClient } from 'mongodb';
import { SEARCH_ATTRIBUTE_NAMES } from '../../../contracts/search-attributes';

describe('test services', () => {
  it('the database accepts writes, unique indexes and upserts over the MongoDB wire protocol', async () => {
    const client = await new MongoClient(process.env.MONGODB_URI as string).connect();
    try {
      const collection = client.db(`devstack_${Date.now()}`).collection<{ _id: string; n: number }>('probe');
      await collection.createIndex({ n: 1 }, { unique: true });
      await collection.updateOne({ _id: 'a' }, { $inc: { n: 1 } }, { upsert: true });
      await collection.updateOne({ _id: 'a' }, { $inc: { n: 1 } }, { upsert: true });
      expect(await collection.findOne({ _id: 'a' })).toEqual({ _id: 'a', n: 2 });
      await expect(collection.insertOne({ _id: 'b', n: 2 })).rejects.toMatchObject({ code: 11000 });
      await collection.drop();
    } finally {
      await client.close();
    }
  });

  it('Temporal answers and has the Tributary search attributes registered', async () => {
    const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS as string });
    try {
      const response = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
      for (const name of SEARCH_ATTRIBUTE_NAMES) expect(Object.keys(response.customAttributes)).toContain(name);
    } finally {
      await connection.close();
    }
  });
});
