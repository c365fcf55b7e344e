// The kit's action test helper: the action runs against recorded answers as the engine runs it, input checked before
// any request and output after, a recorded refusal meaning what it meant live, a request nobody recorded named.
import { z } from 'zod';
import { ProviderError, RecordingMismatchError, defineAction, runActionOffline, type RecordedExchange } from '../../../sync';

const createNote = defineAction({
  name: 'create-note',
  description: 'Create a note',
  input: z.strictObject({ text: z.string().min(1) }),
  output: z.object({ id: z.string() }),
  async run({ input, http, connection }) {
    const answer = await http.post<{ id: unknown }>('/notes', { text: input.text, owner: connection.connectionId });
    return { id: answer.id as string };
  },
});

const recording = (exchanges: RecordedExchange[]) => ({ format: 'tributary.sync-recording', version: 1, apiBase: 'https://provider.invalid/', exchanges });
const created = (id: unknown, text = 'hello'): RecordedExchange => ({
  request: { method: 'POST', path: '/notes', body: { text, owner: 'acme' } },
  response: { status: 201, headers: {}, body: { id } },
});
const acme = { connection: { connectionId: 'acme', integration: 'notes', provider: 'notes' } };

describe('runActionOffline', () => {
  it('answers what the action returned from the recorded answer, and lists the request', async () => {
    const { output, requests } = await runActionOffline(createNote, recording([created('N-1')]), { text: 'hello' }, acme);

    expect(output).toEqual({ id: 'N-1' });
    expect(requests).toEqual([{ method: 'POST', path: '/notes', status: 201, exchange: 0 }]);
  });

  it('checks the input before any request and the output after, as the engine does', async () => {
    await expect(runActionOffline(createNote, recording([]), { text: '' }, acme)).rejects.toThrow(/text/);
    await expect(runActionOffline(createNote, recording([created(42)]), { text: 'hello' }, acme)).rejects.toThrow(/id/);
  });

  it('throws the provider’s refusal as the ProviderError the engine acts on, and names a request nobody recorded', async () => {
    const refused: RecordedExchange = { request: created('x').request, response: { status: 400, headers: {}, body: { message: 'text too long' } } };
    await expect(runActionOffline(createNote, recording([refused]), { text: 'hello' }, acme)).rejects.toBeInstanceOf(ProviderError);
    await expect(runActionOffline(createNote, recording([created('N-1', 'other')]), { text: 'hello' }, acme)).rejects.toThrow(RecordingMismatchError);
  });
});
