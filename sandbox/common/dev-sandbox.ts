// What `npm run dev` needs to offer a provider's sandbox beside the Salesforce one: its entry, ports and readiness,
// and what to tell the developer (where it listens, the integration to register for it).

export interface DevSandbox {
  /** The process's name in dev's output and log file (`.data/logs/<name>.log`). */
  name: string;
  /** e.g. `Sandbox Zoho CRM`, as the ready box lists it. */
  title: string;
  /** The CLI entry, relative to the repository root. */
  entry: string;
  env: Record<string, string>;
  /** Ports its listeners bind, checked free before anything starts. */
  ports: { host: string; port: number }[];
  /** Answers 2xx once it is ready. */
  readyUrl: string;
  /** One line for the ready box, after the title: where it listens. */
  summary: string;
  /** The body of `POST /integrations` that registers it. */
  integration: Record<string, unknown>;
}
