// A team's own sync of a helpdesk's tickets, written against the public sync kit only: the example that
// tickets.sync.test.ts tests offline against a recording, as docs/write-a-sync.md ("Test a sync offline") shows.
import { z } from 'zod';
import { defineSync, paginateByCursor, type Checkpoint } from '../../../../sync';

const ticket = z.looseObject({
  id: z.string(),
  // A ticket without a subject is a half-created draft: not worth storing.
  subject: z.string().min(1),
  status: z.enum(['open', 'pending', 'solved']),
  updated_at: z.iso.datetime(),
});

interface TicketList {
  tickets: (Record<string, unknown> & { id: string; updated_at: string; deleted?: boolean })[];
  next_cursor: string | null;
}

export const ticketsSync = defineSync({
  model: 'tickets',
  description: 'Helpdesk tickets',
  schema: ticket,
  idOf: (record) => record.id,
  defaultFrequency: '10m',
  /**
   * The API lists the tickets changed since a time, oldest first, a cursor per page; a deleted ticket comes back once
   * with `deleted: true`. Mid-run the checkpoint keeps the run's `since` and the next page's cursor; at the end, the
   * newest change read becomes the next run's `since`.
   */
  async *fetchPages({ checkpoint, http, pageSize }) {
    const since = typeof checkpoint?.since === 'string' ? checkpoint.since : null;
    let newest = typeof checkpoint?.newest === 'string' ? checkpoint.newest : since;
    const pages = paginateByCursor<TicketList>(http, {
      path: '/api/v2/tickets',
      query: { changed_since: since ?? undefined, per_page: pageSize },
      cursorParam: 'cursor',
      nextCursor: (body) => body.next_cursor,
      startAt: checkpoint?.cursor ? String(checkpoint.cursor) : undefined,
    });
    for await (const { body, next } of pages) {
      for (const { updated_at } of body.tickets) if (newest === null || updated_at > newest) newest = updated_at;
      const position: Checkpoint = next ? { since, cursor: next, newest } : { since: newest, cursor: null, newest };
      yield {
        records: body.tickets.filter((row) => row.deleted !== true),
        deletedIds: body.tickets.filter((row) => row.deleted === true).map((row) => row.id),
        checkpoint: position,
      };
    }
  },
});
