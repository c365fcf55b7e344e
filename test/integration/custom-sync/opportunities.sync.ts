// A team's own sync of Salesforce Opportunities: the public sync API (`sync/index.ts`) and the Salesforce kit's query
// reader. docs/write-a-sync.md walks through this file; custom-sync.test.ts runs it.
import { z } from 'zod';
import { defineSync } from '../../../sync';
import { buildQuery, queryAllPages } from '../../../providers/salesforce/soql-sync';

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

const FIELDS = ['Id', 'IsDeleted', 'AccountId', 'Name', 'StageName', 'Amount', 'CloseDate', 'SystemModstamp'];

export const opportunitiesSync = defineSync({
  model: 'opportunities',
  description: 'Salesforce Opportunities',
  schema: opportunity,
  idOf: (record) => record.Id,
  defaultFrequency: '15m',
  // Salesforce moves SystemModstamp for changes nobody made (recalculations): not news to the app.
  ignoredFields: ['SystemModstamp'],
  async *fetchPages({ checkpoint, http, pageSize }) {
    // Many records share a SystemModstamp, so the query resumes strictly after the last (SystemModstamp, Id) stored.
    // queryAllPages reads with queryAll in every mode, a full resync included: deleted rows (IsDeleted = true) are
    // how deletes arrive, even those made while a resync restarted from its checkpoint.
    yield* queryAllPages(http, buildQuery('Opportunity', FIELDS, checkpoint), { checkpoint, pageSize });
  },
});
