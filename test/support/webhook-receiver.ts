// A webhook receiver for tests: verifies each delivery's signature and keeps what arrived, or fails on demand.
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { WebhookEvent } from '../../contracts/webhook-events';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature } from '../../security/webhook-signature';

export interface ReceivedWebhook {
  event: WebhookEvent;
  idempotencyKey: string | undefined;
  signatureValid: boolean;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Answer this status (e.g. 503) instead of 200 until set back to null. */
  failWith: number | null;
  waitFor(predicate: (received: ReceivedWebhook[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const app = express();
  const receiver: WebhookReceiver = {
    url: '',
    received: [],
    failWith: null,
    async waitFor(predicate, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(receiver.received)) {
        if (Date.now() > deadline) throw new Error(`webhooks did not arrive in time; got ${JSON.stringify(receiver.received.map((r) => r.event))}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  app.post('/webhooks', express.text({ type: '*/*' }), (req, res) => {
    if (receiver.failWith !== null) {
      res.status(receiver.failWith).end();
      return;
    }
    const body = req.body as string;
    const signatureValid = verifyWebhookSignature(body, { signature: req.get(SIGNATURE_HEADER), timestamp: req.get(TIMESTAMP_HEADER) }, secret);
    receiver.received.push({ event: JSON.parse(body) as WebhookEvent, idempotencyKey: req.get('idempotency-key'), signatureValid });
    res.status(204).end();
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  return receiver;
}
