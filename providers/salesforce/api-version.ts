// The one Salesforce REST API version Tributary speaks: every path under /services/data is built from here.

/** Bump it here and nowhere else: syncs, field discovery and actions then move together. */
export const SALESFORCE_API_VERSION = 'v62.0';

/** `/services/data/v62.0`: where the REST API's paths start. */
export const SALESFORCE_API_PATH = `/services/data/${SALESFORCE_API_VERSION}`;
