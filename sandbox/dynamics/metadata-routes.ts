// Table definitions as the Web API lists them: `EntityDefinitions` (which tables track changes) and a table's
// `Attributes` (custom columns with the publisher prefix, IsCustomAttribute, IsValidForRead, IsSecured, …).
import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import type { Environment } from './environment';
import { odataError } from './errors';
import { ENTITY_SETS, TABLES, tableByLogicalName, type ColumnDefinition, type TableDefinition } from './tables';

const METADATA_TYPE: Record<string, string> = {
  Uniqueidentifier: 'UniqueIdentifierAttributeMetadata', String: 'StringAttributeMetadata', Memo: 'MemoAttributeMetadata', Integer: 'IntegerAttributeMetadata', BigInt: 'BigIntAttributeMetadata',
  Money: 'MoneyAttributeMetadata', Picklist: 'PicklistAttributeMetadata', State: 'StateAttributeMetadata', Status: 'StatusAttributeMetadata', DateTime: 'DateTimeAttributeMetadata',
  Lookup: 'LookupAttributeMetadata', Customer: 'LookupAttributeMetadata', Owner: 'LookupAttributeMetadata',
};

/** Metadata ids are GUIDs fixed per table and column (the same in every environment, as for system columns). */
const metadataId = (name: string): string => {
  const hex = createHash('sha1').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

const schemaName = (logicalName: string) => logicalName.replace(/(^|_)([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase());

function attributeMetadata(table: TableDefinition, column: ColumnDefinition): Record<string, unknown> {
  return {
    '@odata.type': `#Microsoft.Dynamics.CRM.${METADATA_TYPE[column.type]}`,
    MetadataId: metadataId(`${table.logicalName}.${column.logicalName}`),
    LogicalName: column.logicalName,
    SchemaName: column.custom ? `new_${schemaName(column.logicalName.slice(4))}` : schemaName(column.logicalName),
    EntityLogicalName: table.logicalName,
    AttributeType: column.type,
    AttributeTypeName: { Value: `${column.type}Type` },
    IsCustomAttribute: column.custom === true,
    IsValidForRead: true,
    IsValidForCreate: !column.system,
    IsValidForUpdate: !column.system,
    IsSecured: column.secured === true,
    IsPrimaryId: column.logicalName === table.primaryKey,
    IsPrimaryName: column.logicalName === table.primaryName,
    RequiredLevel: { Value: column.logicalName === table.primaryKey ? 'SystemRequired' : column.logicalName === 'lastname' || (table.logicalName === 'account' && column.logicalName === 'name') ? 'ApplicationRequired' : 'None', CanBeChanged: !column.system, ManagedPropertyLogicalName: 'canmodifyrequirementlevelsettings' },
    DisplayName: { UserLocalizedLabel: { Label: column.logicalName, LanguageCode: 1033 } },
    ...(column.maxLength !== undefined ? { MaxLength: column.maxLength } : {}),
    ...(column.targets ? { Targets: column.targets.map((t) => TABLES[t.entitySet].logicalName) } : {}),
  };
}

function entityMetadata(table: TableDefinition, environment: Environment): Record<string, unknown> {
  return {
    MetadataId: metadataId(table.logicalName),
    LogicalName: table.logicalName,
    SchemaName: table.schemaName,
    EntitySetName: table.entitySet,
    PrimaryIdAttribute: table.primaryKey,
    PrimaryNameAttribute: table.primaryName,
    ChangeTrackingEnabled: environment.changeTracking[table.entitySet],
    IsCustomEntity: false,
    ObjectTypeCode: table.logicalName === 'account' ? 1 : 2,
  };
}

/** `$select` on metadata: only the named properties (MetadataId always), an unknown one refused as OData does. */
function project(item: Record<string, unknown>, select: string | undefined, type: string): Record<string, unknown> {
  if (!select) return item;
  const out: Record<string, unknown> = {};
  if (item['@odata.type']) out['@odata.type'] = item['@odata.type'];
  for (const name of select.split(',').map((s) => s.trim())) {
    if (!(name in item)) throw odataError(400, `Could not find a property named '${name}' on type 'Microsoft.Dynamics.CRM.${type}'.`);
    out[name] = item[name];
  }
  out.MetadataId = item.MetadataId;
  return out;
}

/** The few `$filter`s on EntityDefinitions a sync needs: `ChangeTrackingEnabled eq true|false`, `LogicalName eq '…'`. */
function entityFilter(filter: string | undefined): (item: Record<string, unknown>) => boolean {
  if (!filter) return () => true;
  const tracking = /^ChangeTrackingEnabled eq (true|false)$/.exec(filter.trim());
  if (tracking) return (item) => item.ChangeTrackingEnabled === (tracking[1] === 'true');
  const name = /^LogicalName eq '([a-z_]+)'$/.exec(filter.trim());
  if (name) return (item) => item.LogicalName === name[1];
  throw odataError(400, `The sandbox evaluates only "ChangeTrackingEnabled eq true|false" or "LogicalName eq '…'" on EntityDefinitions, not '${filter}'.`);
}

export function answerMetadata(req: Request, res: Response, environment: Environment, apiUrl: string, rest: string): void {
  const select = typeof req.query.$select === 'string' ? req.query.$select : undefined;
  const filter = typeof req.query.$filter === 'string' ? req.query.$filter : undefined;
  if (rest === 'EntityDefinitions') {
    const value = ENTITY_SETS.map((set) => entityMetadata(TABLES[set], environment)).filter(entityFilter(filter)).map((item) => project(item, select, 'EntityMetadata'));
    res.json({ '@odata.context': `${apiUrl}/$metadata#EntityDefinitions${select ? `(${select})` : ''}`, value });
    return;
  }
  const match = /^EntityDefinitions\(LogicalName='([^']*)'\)(\/Attributes)?$/.exec(rest);
  const table = match ? tableByLogicalName(match[1]) : undefined;
  if (!match || !table) throw odataError(404, `Could not find entity definition for '${match?.[1] ?? rest}'.`);
  if (!match[2]) {
    res.json({ '@odata.context': `${apiUrl}/$metadata#EntityDefinitions${select ? `(${select})` : ''}/$entity`, ...project(entityMetadata(table, environment), select, 'EntityMetadata') });
    return;
  }
  if (filter) throw odataError(400, 'The sandbox does not evaluate $filter on Attributes: select the columns and filter them yourself.');
  // Metadata is not paged (MS query-metadata-web-api.md).
  const value = table.columns.map((column) => project(attributeMetadata(table, column), select, 'AttributeMetadata'));
  res.json({ '@odata.context': `${apiUrl}/$metadata#EntityDefinitions('${table.logicalName}')/Attributes${select ? `(${select})` : ''}`, value });
}
