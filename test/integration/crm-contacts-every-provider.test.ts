// One contact from each provider through GET /records?model=crm.contacts, every one parsed with the same zod schema
// (crmContact, the kit's): the unified model is one shape whichever CRM a connection syncs from.
import { providerCatalog } from '../../providers/catalog';
import { crmContact } from '../../sync';
import { waitForRunAfter } from '../support/assertions';
import { sandboxedHubSpot, sandboxedSalesforce, type SandboxedAccount, type SandboxedProvider } from '../support/sandboxed-providers';
import { startTestStack, type TestStack } from '../support/test-stack';
import { sandboxedDynamics } from '../support/dynamics-stack';
import { sandboxedPipedrive } from '../support/pipedrive-stack';
import { sandboxedZoho } from '../support/zoho-stack';

/** Every provider in the catalog: a new one adds its entry (from its test support) here, one line. */
const PROVIDERS: SandboxedProvider[] = [sandboxedSalesforce, sandboxedHubSpot, sandboxedZoho, sandboxedDynamics, sandboxedPipedrive];

/** The provider model crm.contacts is read from (`contacts`, Pipedrive's `persons`), as its mapping says. */
const contactsModel = (provider: string) => providerCatalog.get(provider).unifiedModels?.find((mapping) => mapping.model === 'crm.contacts')?.from ?? 'contacts';

describe('a contact of every provider as crm.contacts', () => {
  let stack: TestStack;
  const accounts: SandboxedAccount[] = [];
  beforeAll(async () => {
    stack = await startTestStack({ name: 'crm-every-provider' });
    for (const { provider, start } of PROVIDERS) {
      const account = await start(stack, 2);
      accounts.push(account);
      expect((await stack.api('POST', '/integrations', account.integration)).status).toBe(201);
      const connection = { connectionId: provider, integration: account.integration.key, credentials: account.credentials(), ...(account.connectInputs ? { connectInputs: account.connectInputs } : {}), syncs: { [contactsModel(provider)]: { frequency: '1h' } } };
      expect((await stack.api('POST', '/connections', connection)).status).toBe(201);
    }
    for (const { provider } of PROVIDERS) expect(await waitForRunAfter(stack, provider, contactsModel(provider), null)).toMatchObject({ status: 'succeeded', added: 2 });
  });
  afterAll(async () => {
    await stack?.close();
    for (const account of accounts) await account.close();
  });

  it('reads one contact of each through the same endpoint and parses every one with the same schema', async () => {
    const read = await Promise.all(
      PROVIDERS.map(async ({ provider }) => {
        const answer = await stack.api('GET', `/records?${new URLSearchParams({ connectionId: provider, model: 'crm.contacts', limit: '1' })}`);
        expect([provider, answer.status, answer.body.records.length]).toEqual([provider, 200, 1]);
        return answer.body.records[0].data;
      }),
    );
    const contacts = read.map((data) => crmContact.parse(data));
    expect(contacts.map((contact) => contact.provider)).toEqual(PROVIDERS.map(({ provider }) => provider));
    for (const contact of contacts) {
      // Every provider's own spelling of time (Salesforce's +0000, Zoho's org offset) arrives as UTC.
      expect(contact.updatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    // Nothing beyond the schema either: a field one provider's mapping added and the others lack would show here.
    for (const data of read) expect(Object.keys(data).filter((key) => !(key in crmContact.shape))).toEqual([]);
  });
});
