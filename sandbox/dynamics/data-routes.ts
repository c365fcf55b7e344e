// The Web API's reads on one environment: WhoAmI, table metadata, one row by key, and entity-set queries: plain
// pages (`Prefer: odata.maxpagesize`, `@odata.nextLink`) or change tracking (`odata.track-changes`, delta links).
import { Router, type Request, type Response } from 'express';
import type { SandboxContext } from './context';
import { formatDeltaToken, readDeltaToken, trackingPage, type TrackedItem } from './change-tracking';
import type { Environment } from './environment';
import { dataverseError, recordNotFound } from './errors';
import { answerMetadata } from './metadata-routes';
import { parseFilter } from './odata-filter';
import { MAX_PAGE_SIZE, contextUrl, linkWith, parseOrderBy, parsePrefer, parseSelect, parseTop, projectRow, queryOptions, refuseWithTracking } from './odata-request';
import type { TrackingPosition } from './paging-cookies';
import { queryPage } from './query-pages';
import { TABLES, type EntitySet } from './tables';
import { API_PATH, parseTarget, resourceNotFound } from './web-api-paths';

export function dataRoutes(context: SandboxContext, environment: Environment): Router {
  const router = Router();

  router.get(API_PATH, (req, res) => {
    const match = API_PATH.exec(req.path)!;
    const apiUrl = `${environment.url}/api/data/${match[1]}`;
    const target = parseTarget(match[2] ?? '');
    switch (target.kind) {
      case 'whoami':
        res.json({
          '@odata.context': `${apiUrl}/$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
          BusinessUnitId: environment.businessUnitId,
          UserId: environment.userId,
          OrganizationId: environment.organizationId,
        });
        return;
      case 'metadata':
        answerMetadata(req, res, environment, apiUrl, target.rest);
        return;
      case 'row': {
        const row = environment.get(target.entitySet, target.id);
        if (!row) throw recordNotFound(TABLES[target.entitySet].logicalName, target.id);
        const select = parseSelect(queryOptions(req.query).$select, target.entitySet);
        res.json({ '@odata.context': contextUrl(apiUrl, target.entitySet, select, '/$entity'), ...projectRow(row, target.entitySet, select, context.options.secureColumnsReadable) });
        return;
      }
      case 'collection':
        listRows(context, environment, apiUrl, target.entitySet, req, res);
        return;
      default:
        throw resourceNotFound(target.segment);
    }
  });
  return router;
}

function listRows(context: SandboxContext, environment: Environment, apiUrl: string, entitySet: EntitySet, req: Request, res: Response): void {
  const options = queryOptions(req.query);
  const prefer = parsePrefer(req.get('prefer'));
  const select = parseSelect(options.$select, entitySet);
  const pageSize = prefer.maxPageSize ?? MAX_PAGE_SIZE;
  const applied: string[] = prefer.maxPageSize !== undefined ? [`odata.maxpagesize=${pageSize}`] : [];
  const { $skiptoken: skipToken, ...linkOptions } = options;
  const queryIdentity = JSON.stringify([entitySet, options.$select ?? '', options.$filter ?? '', options.$orderby ?? '', options.$deltatoken ?? '']);
  const cookie = skipToken !== undefined ? context.pagingCookies.decode(skipToken, queryIdentity) : null;
  const logicalName = TABLES[entitySet].logicalName;
  const tracked = environment.changeTracking[entitySet];
  const notTracked = () => dataverseError(400, '0x80040203', `Change tracking is not enabled for the '${logicalName}' table.`);

  const send = (value: Record<string, unknown>[], links: { nextLink?: string; deltaLink?: string }, suffix = '') => {
    if (applied.length > 0) res.set('Preference-Applied', applied.join(','));
    res.json({
      '@odata.context': contextUrl(apiUrl, entitySet, select, suffix),
      value,
      ...(links.nextLink ? { '@odata.nextLink': links.nextLink } : {}),
      ...(links.deltaLink ? { '@odata.deltaLink': links.deltaLink } : {}),
    });
  };

  // Change tracking: a delta link, a next page of a tracked read, or the first tracked read.
  const deltaToken = options.$deltatoken;
  const trackingRequested = prefer.trackChanges && (tracked || context.options.untrackedTablePreference === 'error');
  if (deltaToken !== undefined || (cookie && cookie.position.kind !== 'query') || (trackingRequested && !cookie)) {
    refuseWithTracking(options);
    if (!tracked) throw notTracked();
    let position: TrackingPosition;
    if (cookie) position = cookie.position as TrackingPosition;
    else if (deltaToken !== undefined) {
      const fromVersion = readDeltaToken(environment, deltaToken, context.options.deltaTokenLifetimeMs, context.options.expiredDeltaTokenStatus);
      position = { kind: 'delta', fromVersion, toVersion: environment.currentVersion, phase: 'rows', lastKey: '', lastVersion: fromVersion };
    } else position = { kind: 'initial', fromVersion: 0, toVersion: environment.currentVersion, phase: 'rows', lastKey: '', lastVersion: 0 };
    if (prefer.trackChanges) applied.push('odata.track-changes');
    const { items, next } = trackingPage(environment, entitySet, position, pageSize);
    const value = items.map((item) => trackedItem(item, apiUrl, entitySet, select, context.options.secureColumnsReadable));
    const page = cookie ? cookie.page + 1 : 2;
    const deltaOptions = { ...(options.$select !== undefined ? { $select: options.$select } : {}) };
    const links = next
      ? { nextLink: linkWith(`${apiUrl}/${entitySet}`, { ...linkOptions, $skiptoken: context.pagingCookies.encode({ query: queryIdentity, page, position: next }) }) }
      : { deltaLink: linkWith(`${apiUrl}/${entitySet}`, { ...deltaOptions, $deltatoken: formatDeltaToken(position.toVersion, environment.clock.now()) }) };
    send(value, links, position.kind === 'delta' ? '/$delta' : '');
    return;
  }

  // A plain query (also what track-changes becomes on a table without change tracking, as configured).
  const filter = options.$filter !== undefined ? parseFilter(options.$filter, entitySet) : null;
  const orderBy = parseOrderBy(options.$orderby, entitySet);
  const top = parseTop(options.$top);
  // With both, $top is ignored (MS page-results.md); alone, it caps the answer and no next link is offered.
  const limit = top !== null && prefer.maxPageSize === undefined ? Math.min(top, MAX_PAGE_SIZE) : pageSize;
  const plan = { entitySet, filter, orderBy, secureColumnsReadable: context.options.secureColumnsReadable };
  const { rows, next } = queryPage(environment, plan, cookie ? (cookie.position as Extract<typeof cookie.position, { kind: 'query' }>) : null, limit);
  const value = rows.map((row) => projectRow(row, entitySet, select, context.options.secureColumnsReadable));
  const offerNext = next && !(top !== null && prefer.maxPageSize === undefined);
  send(value, offerNext ? { nextLink: linkWith(`${apiUrl}/${entitySet}`, { ...linkOptions, $skiptoken: context.pagingCookies.encode({ query: queryIdentity, page: cookie ? cookie.page + 1 : 2, position: next }) }) } : {});
}

function trackedItem(item: TrackedItem, apiUrl: string, entitySet: EntitySet, select: string[] | null, secureColumnsReadable: boolean): Record<string, unknown> {
  if (item.kind === 'row') return projectRow(item.row, entitySet, select, secureColumnsReadable);
  return { '@odata.context': `${apiUrl}/$metadata#${entitySet}/$deletedEntity`, id: item.tombstone.id, reason: 'deleted' };
}
