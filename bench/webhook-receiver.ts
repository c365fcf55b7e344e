// The app's side of the webhooks for the bench: notes when each event arrived, so end-to-end time ends exactly there.
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SyncWebhookEvent, WebhookEvent } from '../contracts/webhook-events';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature } from '../security/webhook-signature';

export interface ArrivedWebhook {
  event: WebhookEvent;
  /** performance.now() when the request arrived. */
  arrivedAt: number;
  signatureValid: boolean;
}

export interface BenchWebhookReceiver {
  url: string;
  arrived: ArrivedWebhook[];
  /** Resolves with the first sync webhook of this connection and model that arrives after the call (or already has). */
  syncEvent(connectionId: string, model: string, timeoutMs: number): Promise<ArrivedWebhook & { event: SyncWebhookEvent }>;
  close(): Promise<void>;
}

export async function startBenchWebhookReceiver(secret: string): Promise<BenchWebhookReceiver> {
  const waiters = new Set<() => void>();
  const app = express();
  const receiver: BenchWebhookReceiver = {
    url: '',
    arrived: [],
    syncEvent(connectionId, model, timeoutMs) {
      const find = () =>
        receiver.arrived.find(
          (webhook): webhook is ArrivedWebhook & { event: SyncWebhookEvent } =>
            webhook.event.type === 'sync' && webhook.event.connectionId === connectionId && webhook.event.model === model,
        );
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = find();
          if (!found) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${model} webhook for ${connectionId} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  app.post('/webhooks', express.text({ type: '*/*', limit: '1mb' }), (req, res) => {
    const arrivedAt = performance.now();
    const body = req.body as string;
    const signatureValid = verifyWebhookSignature(body, { signature: req.get(SIGNATURE_HEADER), timestamp: req.get(TIMESTAMP_HEADER) }, secret);
    receiver.arrived.push({ event: JSON.parse(body) as WebhookEvent, arrivedAt, signatureValid });
    res.status(204).end();
    for (const wake of [...waiters]) wake();
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  return receiver;
}
