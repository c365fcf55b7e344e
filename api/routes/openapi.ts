// /openapi.json: the API's OpenAPI 3.1 document, generated from the route table; public, like the probes.
import { Router } from 'express';
import { openApiDocument } from '../openapi';
import { implement } from '../openapi-implement';

export function openApiRoutes(): Router {
  const router = Router();
  implement(router, { openApiDocument: () => ({ status: 200, body: openApiDocument() }) });
  return router;
}
