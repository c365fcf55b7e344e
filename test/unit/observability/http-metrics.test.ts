// The API's request metrics: one series per route template and status, never per raw URL.
import express from 'express';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { httpRequestMetrics, UNMATCHED_ROUTE } from '../../../observability/http-metrics';

describe('HTTP request metrics', () => {
  it('labels requests by route template and status, times them, and puts unmatched paths in one series', async () => {
    const registry = new Registry();
    const app = express();
    app.use(httpRequestMetrics(registry));
    const connections = express.Router();
    connections.get('/connections/:connectionId', (request, response) => {
      response.status(request.params.connectionId === 'missing' ? 404 : 200).json({});
    });
    app.use(connections);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const path of ['/connections/a', '/connections/b', '/connections/missing', '/nowhere/secret-looking-id']) await (await fetch(`${base}${path}`)).text();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }

    const counted = (await registry.getSingleMetric('tributary_http_requests_total')?.get())?.values ?? [];
    const byLabels = Object.fromEntries(counted.map(({ labels, value }) => [`${labels.method} ${labels.route} ${labels.status}`, value]));
    expect(byLabels).toEqual({
      'GET /connections/:connectionId 200': 2,
      'GET /connections/:connectionId 404': 1,
      [`GET ${UNMATCHED_ROUTE} 404`]: 1,
    });
    const exposition = await registry.metrics();
    expect(exposition).not.toContain('secret-looking-id');
    expect(exposition).toMatch(/tributary_http_request_duration_seconds_count\{method="GET",route="\/connections\/:connectionId",status_class="2xx"\} 2/);
  });
});
