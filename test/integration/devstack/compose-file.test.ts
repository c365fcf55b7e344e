// docker-compose.yml, checked by structure: the services exist, the API and worker get every variable their config
// requires, and no secret has a default. Parsed with the `yaml` package, as Compose would read it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseApiConfig } from '../../../api/config';
import { SEARCH_ATTRIBUTE_NAMES } from '../../../contracts/search-attributes';
import { parseWorkerConfig } from '../../../worker/config';

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string | string[];
  environment?: Record<string, string | number | null>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test: string | string[] };
}

const COMPOSE_FILE = join(__dirname, '..', '..', '..', 'docker-compose.yml');
const SECRET_NAME = /SECRET|PASSWORD|PWD|KEY|TOKEN/;
// `${NAME}`, `${NAME:?message}`, `${NAME:-default}` and their colon-less forms (Compose interpolation).
const INTERPOLATION = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}/g;

function loadCompose(): { services: Record<string, ComposeService> } {
  return parseYaml(readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
}

/** The variables a config cannot do without: what it reports missing when given an empty environment. */
function requiredVariables(parse: (env: NodeJS.ProcessEnv) => unknown): string[] {
  try {
    parse({});
  } catch (error) {
    return [...(error as Error).message.matchAll(/^ {2}([A-Z0-9_]+):/gm)].map((match) => match[1]);
  }
  return [];
}

/** What Compose would pass to the container once the operator has supplied every required variable. */
function resolveEnvironment(environment: Record<string, string | number | null>, supplied: Record<string, string>): NodeJS.ProcessEnv {
  const resolved: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(environment)) {
    if (value === null) continue; // passed through from the host only when set there
    resolved[name] = String(value).replace(INTERPOLATION, (_all, variable: string, operator: string | undefined, argument: string) => {
      if (operator?.endsWith('?')) {
        if (!(variable in supplied)) throw new Error(`test setup: supply ${variable}`);
        return supplied[variable];
      }
      return supplied[variable] ?? (operator?.endsWith('-') ? argument : '');
    });
  }
  return resolved;
}

const compose = loadCompose();

describe('docker-compose.yml', () => {
  const services = compose.services;
  const operatorSupplied = {
    MONGO_PASSWORD: 'mongopassword123',
    POSTGRES_PASSWORD: 'postgrespassword123',
    TRIBUTARY_SECRET_KEY: 'a'.repeat(48),
    TRIBUTARY_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
    TRIBUTARY_WEBHOOK_SECRET: 'b'.repeat(32),
    TEMPORAL_DB_PASSWORD: 'temporalpassword123',
    TRIBUTARY_WEBHOOK_URL: 'https://app.example/webhooks',
    TRIBUTARY_PUBLIC_URL: 'https://tributary.example',
  };

  /** Services are found by what they run, so renaming one does not hide a missing piece. */
  const byImage = (prefix: string): [string, ComposeService] => {
    const found = Object.entries(services).filter(([, service]) => service.image?.startsWith(prefix));
    expect(found.map(([name]) => name)).toHaveLength(1);
    return found[0];
  };
  const publishes = (service: ComposeService, port: number) => (service.ports ?? []).some((entry) => String(entry).endsWith(`${port}:${port}`));

  it('runs Temporal on PostgreSQL with its UI, MongoDB, and the worker and API built from this repo', () => {
    byImage('postgres:16');
    expect(byImage('temporalio/auto-setup:')[1].environment?.DB).toBe('postgres12');
    expect(publishes(byImage('temporalio/ui:')[1], 8080)).toBe(true);
    byImage('mongo:7');
    expect(services.worker.build).toBe('.');
    expect(services.api.build).toBe('.');
    expect(publishes(services.api, 3000)).toBe(true);
  });

  it('creates every Tributary search attribute as a Keyword before the worker and API start', () => {
    const [adminTools, service] = byImage('temporalio/admin-tools:');
    const script = [service.command ?? []].flat().join('\n');
    expect(script).toContain('operator search-attribute create');
    expect(script).toContain('--type Keyword');
    for (const name of SEARCH_ATTRIBUTE_NAMES) expect(script).toContain(name);
    for (const name of ['worker', 'api']) {
      expect(services[name].depends_on).toMatchObject({ [adminTools]: { condition: 'service_completed_successfully' } });
    }
  });

  it.each([
    ['api', parseApiConfig],
    ['worker', parseWorkerConfig],
  ] as const)('gives the %s every variable its config requires, and the config accepts them', (name, parse) => {
    const environment = services[name].environment ?? {};
    const required = requiredVariables(parse);
    expect(required).toContain('MONGODB_URI'); // guards the error-message reading above
    for (const variable of required) expect(environment[variable]).toEqual(expect.any(String));
    expect(() => parse(resolveEnvironment(environment, operatorSupplied))).not.toThrow();
  });

  it('makes the API listen on all interfaces on the port it publishes', () => {
    const config = parseApiConfig(resolveEnvironment(services.api.environment ?? {}, operatorSupplied));
    expect(config.HOST).toBe('0.0.0.0');
    expect(publishes(services.api, config.PORT)).toBe(true);
  });

  it('serves the worker\'s probes and metrics on all interfaces on the ports it publishes, and health-checks it', () => {
    const config = parseWorkerConfig(resolveEnvironment(services.worker.environment ?? {}, operatorSupplied));
    expect(config.TRIBUTARY_WORKER_STATUS_HOST).toBe('0.0.0.0');
    expect(config.TRIBUTARY_WORKER_STATUS_PORT).toEqual(expect.any(Number));
    expect(publishes(services.worker, config.TRIBUTARY_WORKER_STATUS_PORT as number)).toBe(true);
    expect(publishes(services.worker, config.TRIBUTARY_WORKER_SDK_METRICS_PORT as number)).toBe(true);
    const probe = [services.worker.healthcheck?.test ?? []].flat().join(' ');
    expect(probe).toContain(`:${config.TRIBUTARY_WORKER_STATUS_PORT}/readyz`);
  });

  it('gives no secret a default: each one must come from the environment or .env', () => {
    const raw = readFileSync(COMPOSE_FILE, 'utf8');
    const secretReferences = [...raw.matchAll(INTERPOLATION)].filter((match) => SECRET_NAME.test(match[1]));
    expect(secretReferences.length).toBeGreaterThan(0);
    for (const [reference, , operator] of secretReferences) expect({ reference, operator }).toEqual({ reference, operator: ':?' });

    for (const [serviceName, service] of Object.entries(services)) {
      for (const [variable, value] of Object.entries(service.environment ?? {})) {
        if (!SECRET_NAME.test(variable) || value === null) continue;
        // A secret variable holds exactly one required reference, never a literal.
        expect({ service: serviceName, variable, value }).toEqual({ service: serviceName, variable, value: expect.stringMatching(/^\$\{[A-Z0-9_]+:\?[^}]+\}$/) });
      }
    }
  });
});
