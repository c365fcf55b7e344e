// The real worker (worker/main.ts, unchanged) with a MongoDB command monitor and a local probe endpoint around it, so
// the bench can count the worker's database work per phase without the worker knowing it is measured.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MongoClient } from 'mongodb';
import { PROBE_LINE, type CommandCounters, type WorkerProbe } from './worker-handle';

const DOCUMENT_ARRAYS: Record<string, string> = { insert: 'documents', update: 'updates', delete: 'deletes' };
const commands: CommandCounters = {};

/**
 * worker/main.ts opens its own client; monitoring is switched on just before any client connects, which the driver
 * allows (the option is read when the connection pool is created). Patching here keeps the worker's code untouched.
 */
function monitorEveryClient(): void {
  const connect = MongoClient.prototype.connect;
  MongoClient.prototype.connect = function monitoredConnect(this: MongoClient) {
    if (!this.options.monitorCommands) {
      this.options.monitorCommands = true;
      const inFlight = new Map<number, string>();
      this.on('commandStarted', (event) => {
        const target = event.command[event.commandName];
        const key = `${typeof target === 'string' ? target : '-'}.${event.commandName}`;
        const counter = (commands[key] ??= { commands: 0, documents: 0, ms: 0 });
        counter.commands++;
        const documents = event.command[DOCUMENT_ARRAYS[event.commandName] ?? ''];
        if (Array.isArray(documents)) counter.documents += documents.length;
        inFlight.set(event.requestId, key);
      });
      const finished = (event: { requestId: number; duration: number }) => {
        const key = inFlight.get(event.requestId);
        inFlight.delete(event.requestId);
        if (key) commands[key].ms += event.duration;
      };
      this.on('commandSucceeded', finished);
      this.on('commandFailed', finished);
    }
    return connect.call(this);
  } as typeof connect;
}

async function startProbe(): Promise<void> {
  const probe = createServer((_req, res) => {
    const body: WorkerProbe = { pid: process.pid, commands };
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  // The worker must be able to exit on SIGTERM with the probe still open.
  probe.unref();
  process.stdout.write(`${PROBE_LINE} ${(probe.address() as AddressInfo).port}\n`);
}

/**
 * The bench stops this worker itself, but a bench killed mid-cleanup (npm and tsx may kill it after relaying a
 * signal) cannot: once the bench is gone (this process is re-parented), shut down as on SIGTERM rather than outlive it.
 */
function stopWithTheBench(): void {
  const bench = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === bench) return;
    clearInterval(watch);
    process.kill(process.pid, 'SIGTERM');
  }, 1000);
  watch.unref();
}

monitorEveryClient();
stopWithTheBench();
startProbe()
  .then(() => import('../worker/main'))
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exit(1);
  });
