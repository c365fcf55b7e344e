// What every Dataverse Web API request of the syncs and actions shares: its OData headers and the codes they act on.

/**
 * OData 4.0 (MS compose-http-requests-handle-errors.md; the client sends `Accept: application/json` already);
 * `If-None-Match: null` asks no cache for an answer.
 */
export const ODATA_HEADERS: Readonly<Record<string, string>> = {
  'OData-MaxVersion': '4.0',
  'OData-Version': '4.0',
  'If-None-Match': 'null',
};

/** "Version stamp associated with the client has expired. Please perform a full sync." (ExpiredVersionStamp). */
export const EXPIRED_DELTA_TOKEN = '0x80044352';

/** An OData string literal: single quotes doubled. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Dataverse row keys are GUIDs; its answers write them in lower case. */
export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
