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
  /** Answer this status (e.g. 503) instead of 200, or never answer ('timeout'), until set back to null. */
  failWith: number | 'timeout' | null;
  /** Every request that reached the receiver, answered or not. */
  requests: number;
  /** Stops listening, so deliveries find the port closed (connection refused), until `acceptConnections`. */
  refuseConnections(): Promise<void>;
  /** Listens again on the same port. */
  acceptConnections(): Promise<void>;
  waitFor(predicate: (received: ReceivedWebhook[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const app = express();
  const receiver: WebhookReceiver = {
    url: '',
    received: [],
    failWith: null,
    requests: 0,
    async refuseConnections() {
      await closeServer();
    },
    async acceptConnections() {
      if (server.listening) return;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
    },
    async waitFor(predicate, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(receiver.received)) {
        if (Date.now() > deadline) throw new Error(`webhooks did not arrive in time; got ${JSON.stringify(receiver.received.map((r) => r.event))}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    close: () => closeServer(),
  };
  const closeServer = async () => {
    if (!server.listening) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Requests held unanswered ('timeout') would keep close() waiting.
    server.closeAllConnections();
    await closed;
  };
  app.post('/webhooks', express.text({ type: '*/*' }), (req, res) => {
    receiver.requests++;
    if (receiver.failWith === 'timeout') return; // the sender gives up after its own timeout
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
  const { port } = server.address() as AddressInfo;
  receiver.url = `http://127.0.0.1:${port}/webhooks`;
  return receiver;
}
