// Request metrics of the API: rate, latency and status per route template, as Prometheus series.
import type { RequestHandler } from 'express';
import { Counter, Histogram, type Registry } from 'prom-client';
import { statusClass } from './metrics';

/** What a request that matched no route is labelled as: raw paths would make a new series per URL ever requested. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Counts every request and times it, labelled by method, route template (`/connections/:connectionId`, never the
 * id itself) and status. The template is only known once a route has matched, so labels are read when the response
 * has been sent.
 */
export function httpRequestMetrics(registry: Registry): RequestHandler {
  const registers = [registry];
  const requests = new Counter({
    name: 'tributary_http_requests_total',
    help: 'HTTP requests answered by the API, by method, route template and status code.',
    labelNames: ['method', 'route', 'status'],
    registers,
  });
  const duration = new Histogram({
    name: 'tributary_http_request_duration_seconds',
    help: 'Time from receiving an HTTP request to sending its response, by method, route template and status class.',
    labelNames: ['method', 'route', 'status_class'],
    // A records page is tens of milliseconds; a connect flow that waits on Temporal can take seconds.
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  return (request, response, next) => {
    const startedAt = process.hrtime.bigint();
    response.once('finish', () => {
      const routePath = (request.route as { path?: unknown } | undefined)?.path;
      const route = typeof routePath === 'string' ? `${request.baseUrl}${routePath}` : UNMATCHED_ROUTE;
      const method = request.method;
      requests.inc({ method, route, status: String(response.statusCode) });
      duration.observe({ method, route, status_class: statusClass(response.statusCode) }, Number(process.hrtime.bigint() - startedAt) / 1e9);
    });
    next();
  };
}
