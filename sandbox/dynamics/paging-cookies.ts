// The `$skiptoken` of a next link: a paging cookie shaped like Dataverse's (`<cookie pagenumber=… pagingcookie=…
// istracking=…/>`) whose content is signed, so a link that was edited, or reused on another query, is refused.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { dataverseError } from './errors';

/** Where a plain query stopped: the last row's sort values and primary key, as the real cookie keeps them. */
export interface QueryPosition {
  kind: 'query';
  sortValues: (number | string | null)[];
  lastKey: string;
}

/** Where a change-tracking read stopped: its version range, the phase (changed rows, then deletes) and the last one. */
export interface TrackingPosition {
  kind: 'initial' | 'delta';
  fromVersion: number;
  toVersion: number;
  phase: 'rows' | 'deletes';
  lastKey: string;
  lastVersion: number;
}

interface CookieContent {
  /** Which query the cookie belongs to (entity set and options): a cookie moved to another query is refused. */
  query: string;
  page: number;
  position: QueryPosition | TrackingPosition;
}

export const invalidSkipToken = () =>
  dataverseError(400, '0x80040203', 'Invalid argument: the paging cookie in $skiptoken is not valid. Call the @odata.nextLink exactly as it was returned.');

export class PagingCookies {
  private readonly key = randomBytes(32);

  encode(content: CookieContent): string {
    const payload = Buffer.from(JSON.stringify(content)).toString('base64url');
    const tracking = content.position.kind === 'query' ? 'False' : 'True';
    return `<cookie pagenumber="${content.page}" pagingcookie="${payload}.${this.sign(payload)}" istracking="${tracking}" />`;
  }

  decode(skipToken: string, query: string): CookieContent {
    const match = /pagingcookie="([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)"/.exec(skipToken);
    if (!match) throw invalidSkipToken();
    const expected = Buffer.from(this.sign(match[1]));
    const given = Buffer.from(match[2]);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalidSkipToken();
    const content = JSON.parse(Buffer.from(match[1], 'base64url').toString('utf8')) as CookieContent;
    const page = /pagenumber="(\d+)"/.exec(skipToken)?.[1];
    if (content.query !== query || String(content.page) !== page) throw invalidSkipToken();
    return content;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url').slice(0, 22);
  }
}
