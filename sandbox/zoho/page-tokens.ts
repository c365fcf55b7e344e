// `page_token`s: short opaque strings (at most 96 characters per ZOAS) kept server-side, each bound to one org and
// one query (its parameters and If-Modified-Since), resuming after the last record of the page that issued it.
import { randomBytes } from 'node:crypto';
import { zohoError } from './errors';

/** Where a page ended, in the query's order: the last record's sort value, tie rank and id. */
export interface PagePosition {
  sortValue: number | string;
  tieRank: string;
  id: string;
}

export interface PageTokenEntry {
  org: string;
  /** The request's parameters apart from page_token (and the header), normalised. */
  query: string;
  /** The page the token leads to. */
  page: number;
  /** Records already served by the pages before it (page_token reaches 100,000 at most). */
  served: number;
  position: PagePosition;
  expiresAt: number;
}

/** Old tokens are forgotten beyond this many, so a long bench does not grow memory without bound. */
const MAX_TOKENS = 200_000;

export const tokenMismatch = () =>
  zohoError(400, 'TOKEN_BOUND_DATA_MISMATCH', 'The page_token given seems to be invalid or input param is added or altered or deleted', { param_name: 'page_token' });

export class PageTokens {
  private readonly entries = new Map<string, PageTokenEntry>();

  issue(entry: PageTokenEntry): string {
    const token = randomBytes(24).toString('hex');
    this.entries.set(token, entry);
    if (this.entries.size > MAX_TOKENS) this.entries.delete(this.entries.keys().next().value!);
    return token;
  }

  /** The entry behind a token sent with the same query to the same org, not expired; else the error Zoho gives. */
  read(token: string, org: string, query: string, now: number): PageTokenEntry {
    const entry = this.entries.get(token);
    if (!entry || entry.org !== org || entry.query !== query) throw tokenMismatch();
    if (now >= entry.expiresAt) throw zohoError(400, 'EXPIRED_VALUE', 'Page token expired', { api_name: 'page_token', json_path: '$.query.page_token' });
    return entry;
  }

  /** Every token handed out so far has expired (the `expirePageTokens` knob). */
  expireAll(): void {
    for (const entry of this.entries.values()) entry.expiresAt = Number.NEGATIVE_INFINITY;
  }
}
