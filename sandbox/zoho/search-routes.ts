// `GET /crm/v8/{module}/search` by `criteria` (`(Email:equals:x)and(…)`), `email`, `phone` or `word`, against the
// search index, which may lag behind writes (`searchIndexLagMs`): a record written since is found as it was before.
import { Router, type Request } from 'express';
import type { SandboxContext } from './context';
import { invalidParam, requiredParamMissing, zohoError } from './errors';
import { MAX_PER_PAGE, fieldsParam, moduleParam, moduleScope, positiveInt, queryText, requireScope, signedInOrg, visibilityFor } from './api-request';
import { compareIds } from './ids';
import { fieldOf, type ModuleName } from './modules';
import type { StoredRecord } from './org';
import { DISCRETE_PAGING_LIMIT } from './record-routes';
import { recordJson } from './record-json';

type Matcher = (values: Record<string, unknown>) => boolean;

const lower = (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : value);
const digits = (value: unknown) => (typeof value === 'string' ? value.replace(/\D/g, '') : '');

/** `(Field:equals:value)` or `starts_with`, joined by `and` / `or` (evaluated left to right), outer parentheses optional. */
function parseCriteria(module: ModuleName, raw: string): Matcher {
  let rest = raw.trim();
  if (/^\(\(.*\)\)$/.test(rest)) rest = rest.slice(1, -1);
  const terms: { matcher: Matcher; joiner: 'and' | 'or' | null }[] = [];
  const term = /^\(([A-Za-z0-9_]+):(equals|starts_with):((?:\\\)|[^)])*)\)\s*(and|or)?\s*/i;
  while (rest.length > 0) {
    const match = term.exec(rest);
    if (!match) throw invalidParam('criteria', 'invalid query formed', { expected_format: '(Field:equals:value)and(Field:starts_with:value)' });
    const [whole, apiName, operator, rawValue, joiner] = match;
    if (!fieldOf(module, apiName)) throw invalidParam('criteria', 'the field api name given seems to be invalid', { api_name: apiName });
    const wanted = rawValue.replace(/\\([(),\\])/g, '$1').toLowerCase();
    const text = (values: Record<string, unknown>) => String(values[apiName] ?? '').toLowerCase();
    const matcher: Matcher = operator.toLowerCase() === 'equals' ? (values) => text(values) === wanted : (values) => text(values).startsWith(wanted);
    terms.push({ matcher, joiner: (joiner?.toLowerCase() as 'and' | 'or' | undefined) ?? null });
    rest = rest.slice(whole.length);
    if (!joiner && rest.length > 0) throw invalidParam('criteria', 'invalid query formed');
  }
  if (terms.length === 0) throw invalidParam('criteria', 'invalid query formed');
  return (values) => {
    let result = terms[0].matcher(values);
    for (let i = 1; i < terms.length; i++) result = terms[i - 1].joiner === 'and' ? result && terms[i].matcher(values) : result || terms[i].matcher(values);
    return result;
  };
}

function matcherFor(req: Request, module: ModuleName): Matcher {
  const criteria = queryText(req, 'criteria');
  if (criteria !== undefined) return parseCriteria(module, criteria);
  const email = queryText(req, 'email');
  if (email !== undefined) {
    const emailFields = module === 'Contacts' ? ['Email', 'Secondary_Email'] : [];
    return (values) => emailFields.some((field) => lower(values[field]) === email.toLowerCase());
  }
  const phone = queryText(req, 'phone');
  if (phone !== undefined) return (values) => ['Phone', 'Mobile'].some((field) => digits(values[field]) !== '' && digits(values[field]) === digits(phone));
  const word = queryText(req, 'word');
  if (word !== undefined) return (values) => Object.values(values).some((value) => typeof value === 'string' && value.toLowerCase().includes(word.toLowerCase()));
  throw requiredParamMissing('criteria');
}

/** The values the search index holds for a record now: its current ones once the lag has passed, else the previous. */
function indexed(record: StoredRecord, lagMs: number, now: number): Record<string, unknown> | null {
  return now - record.writtenAtMs >= lagMs ? record.values : record.indexedValues;
}

export function searchRoutes(context: SandboxContext): Router {
  const router = Router();
  router.get('/crm/v8/:module/search', (req, res) => {
    const module = moduleParam(req);
    requireScope(res, moduleScope(module), 'READ');
    const org = signedInOrg(res);
    const matcher = matcherFor(req, module);
    const fields = fieldsParam(req, module, false);
    const perPage = positiveInt(req, 'per_page', MAX_PER_PAGE, MAX_PER_PAGE);
    const page = positiveInt(req, 'page', 1);
    if ((page - 1) * perPage >= DISCRETE_PAGING_LIMIT) {
      throw zohoError(400, 'DISCRETE_PAGINATION_LIMIT_EXCEEDED', `You can only get the first ${DISCRETE_PAGING_LIMIT} records`, { limit: DISCRETE_PAGING_LIMIT });
    }
    const now = Date.now();
    const matched = [...org.records(module)]
      .filter((record) => {
        const values = indexed(record, context.options.searchIndexLagMs, now);
        return values !== null && matcher(values);
      })
      .sort((a, b) => compareIds(a.id, b.id))
      .slice(0, DISCRETE_PAGING_LIMIT);
    const slice = matched.slice((page - 1) * perPage, page * perPage);
    if (slice.length === 0) return void res.status(204).end();
    const visibility = visibilityFor(context, module);
    res.json({
      data: slice.map((record) => recordJson(org, module, record, fields, visibility)),
      info: { per_page: perPage, count: slice.length, page, more_records: page * perPage < matched.length },
    });
  });
  return router;
}
