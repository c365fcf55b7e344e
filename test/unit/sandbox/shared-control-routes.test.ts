import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { z } from 'zod';
import { sharedControlRoutes, type ControlledSandbox } from '../../../sandbox/common/control-routes';
import { bareApp, errorHandler } from '../../../sandbox/common/http-server';

/** A sandbox that only records which `seed` the shared route called. */
function recordingSandbox(calls: unknown[]): ControlledSandbox<'things', object, object> {
  return {
    seed: (object, count) => {
      calls.push({ object, count });
      return Array.from({ length: count }, (_, i) => String(i + 1));
    },
    issueGrant: () => ({}),
    expireSessions: () => undefined,
    revokeGrant: () => undefined,
    stats: () => ({ requests: {} }),
    resetStats: () => undefined,
    setOptions: () => undefined,
    faults: { set: () => undefined, active: () => [], clear: () => undefined },
  };
}

describe('the shared control API', () => {
  let server: Server;
  let url: string;
  const sharedSeeds: unknown[] = [];
  beforeAll(async () => {
    const app = bareApp();
    app.use(
      '/__sandbox',
      sharedControlRoutes(recordingSandbox(sharedSeeds), {
        objects: ['things'],
        grantBody: z.strictObject({}),
        revokeField: 'grantId',
        optionChange: z.strictObject({}),
        faultArguments: {},
        providerRoutes(router) {
          // A provider whose seed also takes the tenant to seed in.
          router.post('/seed', (req, res) => {
            res.status(201).json({ seededBy: 'provider', tenant: req.query.tenant, body: req.body as unknown });
          });
        },
      }),
    );
    app.use(errorHandler({ invalidJson: (res) => res.status(400).end(), clientError: (res, status) => res.status(status).end(), internalError: (res) => res.status(500).end() }));
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/__sandbox`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("lets a provider extend a shared route such as /seed: the provider's route answers, with the JSON body parsed", async () => {
    const response = await fetch(`${url}/seed?tenant=globex`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ object: 'things', count: 2 }) });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ seededBy: 'provider', tenant: 'globex', body: { object: 'things', count: 2 } });
    expect(sharedSeeds).toEqual([]);
  });

  it('still answers the shared routes the provider leaves alone', async () => {
    const response = await fetch(`${url}/stats`);
    expect([response.status, await response.json()]).toEqual([200, { requests: {} }]);
  });
});
