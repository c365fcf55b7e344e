// Search attributes operators filter by in the Temporal UI; Keyword, registered on the server (see README).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const ConnectionIdAttribute = defineSearchAttributeKey('TributaryConnectionId', SearchAttributeType.KEYWORD);
export const IntegrationAttribute = defineSearchAttributeKey('TributaryIntegration', SearchAttributeType.KEYWORD);
export const ProviderAttribute = defineSearchAttributeKey('TributaryProvider', SearchAttributeType.KEYWORD);
export const StatusAttribute = defineSearchAttributeKey('TributaryStatus', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTE_NAMES = ['TributaryConnectionId', 'TributaryIntegration', 'TributaryProvider', 'TributaryStatus'];
