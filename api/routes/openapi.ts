// /openapi.json: the API's OpenAPI 3.1 document, generated from the route table and the provider catalog; public, like the probes.
import { Router } from 'express';
import type { ProviderCatalog } from '../../providers/catalog';
import { openApiDocument } from '../openapi';
import { implement } from '../openapi-implement';

export function openApiRoutes(catalog: ProviderCatalog): Router {
  const router = Router();
  implement(router, { openApiDocument: () => ({ status: 200, body: openApiDocument(catalog) }) });
  return router;
}
