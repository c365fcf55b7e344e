// A minimal fake of Papyrus CRM on loopback: an accounts server (token endpoint) and a separate API host per company,
// strict about what the provider entry declares, so a test proves the engine followed the declaration.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PapyrusNote {
  id: string;
  title: string;
  body: string;
  secret_note: string;
  updated_at: string;
}

export interface PapyrusSandbox {
  /** The accounts server: `POST /oauth/token`. */
  authUrl: string;
  /** The company's API host, handed out only as `api_domain` in token answers. */
  apiUrl: string;
  companyId: number;
  clientId: string;
  clientSecret: string;
  /** A refresh token for the company. */
  issueRefreshToken(): string;
  addNote(title: string): PapyrusNote;
  notes(): PapyrusNote[];
  /** Fields the integration user no longer sees: left out of /v1/fields, and a query naming one is refused. */
  hideFields(names: string[]): void;
  /** What the servers saw, to prove the engine spoke the provider's conventions. */
  stats: {
    tokensIssued: number;
    /** Token requests with the client credentials anywhere but an HTTP Basic header. */
    clientAuthRefused: number;
    /** API requests without `Authorization: Papyrus-token <a live token>`. */
    apiAuthRefused: number;
    fieldRefusals: number;
  };
  close(): Promise<void>;
}

const FIELDS = ['id', 'title', 'body', 'secret_note', 'updated_at'];

export async function startPapyrusSandbox(): Promise<PapyrusSandbox> {
  const clientId = 'papyrus-client';
  const clientSecret = `s3cr:t/${randomBytes(6).toString('hex')}`;
  const companyId = 7001;
  const refreshTokens = new Set<string>();
  const accessTokens = new Set<string>();
  const notes: PapyrusNote[] = [];
  const hidden = new Set<string>();
  const stats = { tokensIssued: 0, clientAuthRefused: 0, apiAuthRefused: 0, fieldRefusals: 0 };
  let clock = Date.parse('2026-01-05T10:00:00Z');

  const api = await listen(async (req, res, url) => {
    const token = /^Papyrus-token (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !accessTokens.has(token)) {
      stats.apiAuthRefused++;
      return json(res, 401, { error: { code: 'UNAUTHORIZED', message: 'send Authorization: Papyrus-token <access token>' } });
    }
    if (url.pathname === '/v1/me') return json(res, 200, { company_id: companyId, user: 'integration@papyrus.example' });
    if (url.pathname === '/v1/fields') return json(res, 200, { fields: FIELDS.filter((name) => !hidden.has(name)).map((name) => ({ name })) });
    if (url.pathname === '/v1/notes') {
      const asked = (url.searchParams.get('fields') ?? FIELDS.join(',')).split(',');
      const refused = asked.find((name) => !FIELDS.includes(name) || hidden.has(name));
      if (refused) {
        stats.fieldRefusals++;
        return json(res, 400, { error: { code: 'UNKNOWN_FIELD', message: `no field "${refused}" on notes` } });
      }
      const [afterStamp, afterId] = (url.searchParams.get('after') ?? '|').split('|');
      const page = notes
        .filter((note) => note.updated_at > afterStamp || (note.updated_at === afterStamp && note.id > afterId))
        .map((note) => Object.fromEntries(asked.map((name) => [name, note[name as keyof PapyrusNote]])));
      return json(res, 200, { notes: page });
    }
    return json(res, 404, { error: { code: 'NOT_FOUND', message: url.pathname } });
  });

  const auth = await listen(async (req, res, url) => {
    if (req.method !== 'POST' || url.pathname !== '/oauth/token') return json(res, 404, { error: 'not_found' });
    const form = new URLSearchParams(await bodyOf(req));
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const [id, secret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':').map(decodeURIComponent) : [];
    if (form.has('client_secret') || id !== clientId || secret !== clientSecret) {
      stats.clientAuthRefused++;
      return json(res, 401, { error: 'invalid_client' });
    }
    // Like Zoho: a dead refresh token is a refusal inside a 200.
    if (form.get('grant_type') !== 'refresh_token' || !refreshTokens.has(form.get('refresh_token') ?? '')) return json(res, 200, { error: 'invalid_code' });
    const accessToken = `pat-${randomBytes(8).toString('hex')}`;
    accessTokens.add(accessToken);
    stats.tokensIssued++;
    // No refresh_token on refresh (it does not rotate); the company's own API host, as Pipedrive and Zoho send it.
    return json(res, 200, { access_token: accessToken, token_type: 'Papyrus-token', expires_in: 3600, api_domain: api.url });
  });

  return {
    authUrl: auth.url,
    apiUrl: api.url,
    companyId,
    clientId,
    clientSecret,
    issueRefreshToken() {
      const token = `prt-${randomBytes(8).toString('hex')}`;
      refreshTokens.add(token);
      return token;
    },
    addNote(title) {
      clock += 1000;
      const note = { id: `n${String(notes.length + 1).padStart(4, '0')}`, title, body: `about ${title}`, secret_note: `secret of ${title}`, updated_at: new Date(clock).toISOString() };
      notes.push(note);
      return note;
    },
    notes: () => notes.map((note) => ({ ...note })),
    hideFields(names) {
      for (const name of names) hidden.add(name);
    },
    stats,
    async close() {
      await Promise.all([api.close(), auth.close()]);
    },
  };
}

async function listen(handle: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>) {
  const server: Server = createServer((req, res) => {
    handle(req, res, new URL(req.url ?? '/', 'http://127.0.0.1')).catch((error: unknown) => json(res, 500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
