// A team's own sync, written only against Tributary's public sync API (`sync/index.ts`): Salesforce Opportunities.
// The README's "Write your own sync" section walks through this file; custom-sync.test.ts runs it on the real stack.
import { z } from 'zod';
import { defineSync, paginateByNextUrl, ProviderError, type Checkpoint } from '../../../sync';

const opportunity = z.looseObject({
  Id: z.string(),
  IsDeleted: z.boolean(),
  AccountId: z.string().nullable(),
  Name: z.string(),
  StageName: z.string(),
  // This app books revenue: an opportunity with a negative amount is a data-entry mistake it must not store.
  Amount: z.number().nonnegative().nullable(),
  CloseDate: z.iso.date(),
  SystemModstamp: z.string(),
});

interface QueryResult {
  done: boolean;
  nextRecordsUrl?: string;
  records: { attributes: unknown; Id: string; IsDeleted: boolean; SystemModstamp: string }[];
}

export const opportunitiesSync = defineSync({
  model: 'opportunities',
  description: 'Salesforce Opportunities',
  schema: opportunity,
  idOf: (record) => record.Id,
  defaultFrequency: '15m',
  // Salesforce moves SystemModstamp for changes nobody made (recalculations): not news to the app.
  ignoredFields: ['SystemModstamp'],
  async *fetchPages({ mode, checkpoint, http, pageSize }) {
    // Many records share a SystemModstamp, so the checkpoint is the last (SystemModstamp, Id) stored and the query
    // resumes strictly after it. queryAll includes deleted records (IsDeleted = true): that is how deletes arrive.
    const soql =
      'SELECT Id, IsDeleted, AccountId, Name, StageName, Amount, CloseDate, SystemModstamp FROM Opportunity' +
      (checkpoint ? ` WHERE ${after(checkpoint)}` : '') +
      ' ORDER BY SystemModstamp ASC, Id ASC';
    const pages = paginateByNextUrl<QueryResult>(http, {
      path: `/services/data/v62.0/${mode === 'full' ? 'query' : 'queryAll'}`,
      query: { q: soql },
      headers: { 'Sforce-Query-Options': `batchSize=${pageSize}` },
      nextUrl: ({ body }) => body.nextRecordsUrl,
    });
    let position = checkpoint;
    for await (const { body } of pages) {
      const last = body.records.at(-1);
      if (last) position = { systemModstamp: last.SystemModstamp, id: last.Id };
      yield {
        // Every row carries `attributes` (its type and URL): metadata, not data worth storing.
        records: body.records.filter((record) => !record.IsDeleted).map(({ attributes: _attributes, ...record }) => record),
        deletedIds: body.records.filter((record) => record.IsDeleted).map((record) => record.Id),
        checkpoint: position,
      };
    }
  },
});

/** SOQL wants `2026-01-05T10:00:00.000Z`; Salesforce hands out `2026-01-05T10:00:00.000+0000`. */
function after(checkpoint: Checkpoint): string {
  const stamp = Date.parse(String(checkpoint.systemModstamp).replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  const id = String(checkpoint.id);
  if (Number.isNaN(stamp) || !/^[A-Za-z0-9]{18}$/.test(id)) throw new ProviderError('permanent', `unreadable checkpoint ${JSON.stringify(checkpoint)}`);
  const literal = new Date(stamp).toISOString();
  return `(SystemModstamp > ${literal} OR (SystemModstamp = ${literal} AND Id > '${id}'))`;
}
