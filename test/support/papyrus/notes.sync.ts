// Papyrus notes, read in (updated_at, id) order with the fields the company lets the integration see.
import { z } from 'zod';
import { defineSync, type AvailableField } from '../../../sync';

export const noteSchema = z.looseObject({ id: z.string(), title: z.string().min(1), updated_at: z.string() });

type Note = z.infer<typeof noteSchema>;

export const papyrusNotesSync = defineSync({
  model: 'notes',
  description: 'Papyrus notes',
  schema: noteSchema,
  idOf: (note) => note.id,
  defaultFrequency: '1h',
  fields: {
    wanted: ['body', 'secret_note'],
    required: ['title'],
    system: ['id', 'updated_at'],
    list: async (http) => {
      const answer = await http.get<{ fields: { name: string }[] }>('/v1/fields');
      return answer.fields.map((field): AvailableField => ({ name: field.name, kind: 'string', custom: false }));
    },
    valueOf: (record, field) => record[field],
  },
  async *fetchPages({ checkpoint, http, fields }) {
    const after = checkpoint ? `${String(checkpoint.updatedAt)}|${String(checkpoint.id)}` : undefined;
    const { notes } = await http.get<{ notes: Note[] }>('/v1/notes', { query: { fields: fields?.join(','), after } });
    const last = notes.at(-1);
    yield { records: notes, deletedIds: [], checkpoint: last ? { updatedAt: last.updated_at, id: last.id } : checkpoint };
  },
});
