// The unified CRM models: one shape for a contact and one for a company, whichever CRM a connection syncs from.
import { z } from 'zod';

/** The unified models and the provider-model records they are read from (see each provider's crm-mappings.ts). */
export const UNIFIED_MODELS = ['crm.contacts', 'crm.companies'] as const;
export type UnifiedModelName = (typeof UNIFIED_MODELS)[number];

export const isUnifiedModel = (model: string): model is UnifiedModelName => (UNIFIED_MODELS as readonly string[]).includes(model);

const text = z.string().min(1).nullable();
/** ISO 8601 in UTC (`2026-01-05T10:00:00.000Z`), whatever the provider's own spelling; null when it did not say. */
const instant = z.iso.datetime().nullable();

export const crmEmail = z.object({
  email: z.string().min(1),
  /** The first address the CRM holds is `primary`; any further ones (HubSpot's additional emails) `other`. */
  type: z.enum(['primary', 'other']),
});

export const crmPhone = z.object({ number: z.string().min(1), type: z.enum(['work', 'mobile', 'other']) });

export const crmContact = z
  .object({
    /** The provider's id of the record (a Salesforce Contact Id, a HubSpot contact id): the same as the feed's `id`. */
    id: z.string().min(1),
    provider: z.string(),
    firstName: text,
    lastName: text,
    emails: z.array(crmEmail),
    phones: z.array(crmPhone),
    /** The company the contact works for, as the CRM links it; null when it links none. */
    company: z.object({ id: text, name: text }).nullable(),
    /** The CRM user who owns the record (a Salesforce User Id, a HubSpot owner id). */
    ownerId: text,
    createdAt: instant,
    updatedAt: instant,
    /** The record in the CRM's own web app; absent when the connection does not know enough to build it. */
    recordUrl: z.url().optional(),
  })
  .meta({ id: 'CrmContact', description: 'A contact in the unified CRM model (`crm.contacts`), the same shape for every CRM.' });

export const crmCompany = z
  .object({
    id: z.string().min(1),
    provider: z.string(),
    name: text,
    /** The company's web domain, `acme.example.com`, without scheme or `www.` (Salesforce keeps a Website URL). */
    domain: text,
    industry: text,
    phones: z.array(crmPhone),
    ownerId: text,
    createdAt: instant,
    updatedAt: instant,
    recordUrl: z.url().optional(),
  })
  .meta({ id: 'CrmCompany', description: 'A company in the unified CRM model (`crm.companies`), the same shape for every CRM.' });

export type CrmContact = z.infer<typeof crmContact>;
export type CrmCompany = z.infer<typeof crmCompany>;
export type CrmEmail = z.infer<typeof crmEmail>;
export type CrmPhone = z.infer<typeof crmPhone>;

/** Each unified model's schema, by name. */
export const UNIFIED_SCHEMAS = { 'crm.contacts': crmContact, 'crm.companies': crmCompany } satisfies Record<UnifiedModelName, z.ZodType>;
