// The dev stack's stand-in for a customer's app: verifies each webhook, prints it in one line, keeps the latest ones.
import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookEvent } from '../contracts/webhook-events';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature } from '../security/webhook-signature';

export interface DevWebhookReceiverOptions {
  /** 0 picks a free port. */
  port: number;
  secret: string;
  host?: string;
  /** Where the one-line summaries go; the console by default. */
  print?: (line: string) => void;
}

export interface ReceivedDelivery {
  receivedAt: string;
  signatureValid: boolean;
  idempotencyKey: string | null;
  /** null when the body was not JSON. */
  event: WebhookEvent | null;
  /** Only kept when the body could not be read as an event, to show what arrived. */
  rawBody?: string;
}

export interface DevWebhookReceiver {
  url: string;
  /** Newest last; at most KEPT_DELIVERIES. */
  deliveries: ReceivedDelivery[];
  close(): Promise<void>;
}

export const KEPT_DELIVERIES = 100;

export async function startDevWebhookReceiver(options: DevWebhookReceiverOptions): Promise<DevWebhookReceiver> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const deliveries: ReceivedDelivery[] = [];
  const app = express();

  // Raw text: the signature covers the exact bytes sent, which re-serialised JSON would not reproduce.
  app.post('/webhooks', express.text({ type: '*/*', limit: '1mb' }), (req, res) => {
    const body = typeof req.body === 'string' ? req.body : '';
    const signatureValid = verifyWebhookSignature(body, { signature: req.get(SIGNATURE_HEADER), timestamp: req.get(TIMESTAMP_HEADER) }, options.secret);
    const event = parseEvent(body);
    deliveries.push({
      receivedAt: new Date().toISOString(),
      signatureValid,
      idempotencyKey: req.get('idempotency-key') ?? null,
      event,
      ...(event ? {} : { rawBody: body.slice(0, 2000) }),
    });
    if (deliveries.length > KEPT_DELIVERIES) deliveries.splice(0, deliveries.length - KEPT_DELIVERIES);
    print(`webhook ${describeEvent(event)} (${signatureValid ? 'signature ok' : 'BAD SIGNATURE: rejected with 401'})`);
    res.status(signatureValid ? 204 : 401).end();
  });

  app.get('/webhooks', (_req, res) => {
    res.json({ deliveries });
  });

  const server: Server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`webhook receiver: port ${options.port} is already in use`) : error),
    );
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}/webhooks`,
    deliveries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function parseEvent(body: string): WebhookEvent | null {
  try {
    const parsed = JSON.parse(body) as unknown;
    return parsed && typeof parsed === 'object' && 'type' in parsed ? (parsed as WebhookEvent) : null;
  } catch {
    return null;
  }
}

/** `sync acme/contacts +5 ~10 -3` or `auth acme refresh ok`: what a developer watching the console needs. */
export function describeEvent(event: WebhookEvent | null): string {
  if (!event) return '(not a Tributary event)';
  switch (event.type) {
    case 'sync':
      return `sync ${event.connectionId}/${event.model} +${event.added} ~${event.updated} -${event.deleted}${event.mode === 'full' ? ' (full)' : ''}${event.status === 'failed' ? ' (run failed after storing these)' : ''}`;
    case 'auth':
      return `auth ${event.connectionId} ${event.operation} ${event.success ? 'ok' : `failed: ${event.error ?? 'unknown error'}`}`;
    default:
      return `${(event as { type: unknown }).type} (unknown event type)`;
  }
}
