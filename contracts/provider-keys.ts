// The providers the catalog holds, by key, as plain data: the API's schemas and the OpenAPI document name them
// (an enum a client can check) without loading the catalog's sync code. A unit test keeps it equal to the catalog.

export const PROVIDER_KEYS = ['salesforce', 'hubspot'] as const;

export type ProviderKey = (typeof PROVIDER_KEYS)[number];
