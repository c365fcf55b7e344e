// A parsed config written back as environment variables parses into the same config: the one way the bench, chaos,
// the dev stack and tests hand settings to worker and API processes loses nothing and invents nothing.
import { randomBytes } from 'node:crypto';
import { apiConfigOf, apiEnvironment, parseApiConfig } from '../../../api/config';
import { workerConfigOf, workerEnvironment, parseWorkerConfig } from '../../../worker/config';
import { settingsEnvironment } from '../../../config/shared-settings';

const encryptionKeys = [
  { id: 'k2', key: randomBytes(32) },
  { id: 'k1', key: randomBytes(32) },
];

describe('settings as environment variables', () => {
  it('when every worker setting is set, the worker parses its environment back into the very same config', () => {
    const config = workerConfigOf({
      TEMPORAL_ADDRESS: '127.0.0.1:7999',
      TEMPORAL_NAMESPACE: 'ns',
      TRIBUTARY_TASK_QUEUE: 'queue-1',
      MONGODB_URI: 'mongodb://127.0.0.1:27999',
      MONGODB_DB: 'db1',
      TRIBUTARY_ENCRYPTION_KEYS: encryptionKeys,
      TRIBUTARY_SYNC_HEARTBEAT_TIMEOUT_SECONDS: 7,
      TRIBUTARY_WEBHOOK_RETRY_HOURS: 0.5,
      TRIBUTARY_CONTINUE_AS_NEW_AFTER_EVENTS: 500,
      TRIBUTARY_ALLOW_LOOPBACK_PROVIDER_URLS: true,
      TRIBUTARY_PROVIDER_EXTRA_HOSTS: { salesforce: ['*.example-proxy.com', 'api.example.com'], hubspot: ['hub.example.com'] },
      TRIBUTARY_WEBHOOK_URL: 'http://127.0.0.1:4020/hooks',
      TRIBUTARY_WEBHOOK_SECRET: 'a-webhook-secret-of-enough-length',
      TRIBUTARY_WEBHOOK_TIMEOUT_SECONDS: 3,
      TRIBUTARY_MAX_SLICE_SECONDS: 30,
      TRIBUTARY_MAX_CONCURRENT_SYNC_SLICES: 12,
      TRIBUTARY_WORKER_MAX_CACHED_WORKFLOWS: 0,
      TRIBUTARY_MAX_CONCURRENT_CONTROL_ACTIVITIES: 9,
      TRIBUTARY_WORKER_SHUTDOWN_GRACE_SECONDS: 0,
      TRIBUTARY_WORKFLOW_BUNDLE: '/tmp/bundle.js',
      TRIBUTARY_WORKER_STATUS_PORT: 0,
      TRIBUTARY_WORKER_STATUS_HOST: '::1',
      TRIBUTARY_WORKER_SDK_METRICS_PORT: 9464,
      TRIBUTARY_PROVIDER_QUOTA_SHARES: { salesforce: 0.25 },
      TRIBUTARY_PROVIDER_MAX_CONCURRENT_REQUESTS: { salesforce: 5, hubspot: 2 },
    });
    const environment = workerEnvironment(config);
    expect(Object.values(environment).every((value) => typeof value === 'string')).toBe(true);
    expect(parseWorkerConfig(environment)).toEqual(config);
    expect(environment).toMatchObject({
      TRIBUTARY_ENCRYPTION_KEYS: `k2:${encryptionKeys[0].key.toString('base64')},k1:${encryptionKeys[1].key.toString('base64')}`,
      TRIBUTARY_PROVIDER_EXTRA_HOSTS: 'salesforce=*.example-proxy.com|api.example.com,hubspot=hub.example.com',
      TRIBUTARY_WORKER_MAX_CACHED_WORKFLOWS: '0',
    });
  });

  it('when only the required worker settings are given, the rest stay the worker\'s defaults', () => {
    const config = workerConfigOf({ MONGODB_URI: 'mongodb://127.0.0.1:27999', TRIBUTARY_ENCRYPTION_KEYS: encryptionKeys });
    expect(config).toEqual(parseWorkerConfig({ MONGODB_URI: 'mongodb://127.0.0.1:27999', TRIBUTARY_ENCRYPTION_KEYS: workerEnvironment(config).TRIBUTARY_ENCRYPTION_KEYS }));
    expect(config.TRIBUTARY_WORKFLOW_BUNDLE).toBeUndefined();
    expect(workerEnvironment(config)).not.toHaveProperty('TRIBUTARY_WORKFLOW_BUNDLE');
  });

  it('when every API setting is set, the API parses its environment back into the very same config, secret keys included', () => {
    const config = apiConfigOf({
      MONGODB_URI: 'mongodb+srv://db.example.com',
      TRIBUTARY_ENCRYPTION_KEYS: encryptionKeys,
      PORT: 3999,
      HOST: '0.0.0.0',
      TRIBUTARY_API_INTERNAL_PORT: 0,
      TRIBUTARY_API_INTERNAL_HOST: '127.0.0.2',
      TRIBUTARY_SECRET_KEY: 'x'.repeat(32),
      TRIBUTARY_SECRET_KEYS: [{ name: 'ci', key: 'y'.repeat(40) }, { name: 'ops', key: 'z'.repeat(33) }],
      TRIBUTARY_PUBLIC_URL: 'https://api.example.com/base',
      TRIBUTARY_APP_NAME: 'Acme Sync',
      TRIBUTARY_DEGRADED_NOTICE_SECONDS: 60,
      TRIBUTARY_HEALTH_SCAN_SECONDS: 5,
      TRIBUTARY_HEALTH_SCAN_CONCURRENCY: 2,
      TRIBUTARY_WORKFLOW_ID_PREFIX: 'tenant-a/',
    });
    expect(config.secretKeys.map((k) => k.name)).toEqual(['ci', 'ops', 'default']);
    const environment = apiEnvironment(config);
    expect(environment).not.toHaveProperty('secretKeys');
    expect(parseApiConfig(environment)).toEqual(config);
  });

  it('when the API has only its single key, no empty key list is written (which the API would refuse)', () => {
    const config = apiConfigOf({ MONGODB_URI: 'mongodb://127.0.0.1:1', TRIBUTARY_ENCRYPTION_KEYS: encryptionKeys, TRIBUTARY_SECRET_KEY: 'k'.repeat(32) });
    expect(apiEnvironment(config)).not.toHaveProperty('TRIBUTARY_SECRET_KEYS');
    expect(parseApiConfig(apiEnvironment(config))).toEqual(config);
  });

  it('when a value has no way to be written, it says which setting instead of passing "[object Object]" on', () => {
    expect(() => settingsEnvironment({ TRIBUTARY_SOMETHING_NEW: { a: 1 } })).toThrow(/TRIBUTARY_SOMETHING_NEW: no way to write/);
  });

  it('when a variable is set but empty, it counts as unset: a number keeps its default, a required value says so', () => {
    const required = { MONGODB_URI: 'mongodb://127.0.0.1:27999', TRIBUTARY_SECRET_KEY: 'k'.repeat(32), TRIBUTARY_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}` };
    expect(parseApiConfig({ ...required, PORT: '', TRIBUTARY_HEALTH_SCAN_SECONDS: '' })).toMatchObject({ PORT: 3000, TRIBUTARY_HEALTH_SCAN_SECONDS: 60 });
    expect(() => parseApiConfig({ ...required, MONGODB_URI: '' })).toThrow(/MONGODB_URI/);
  });

  it('when a config is built from values, it is checked as the process checks it', () => {
    expect(() => workerConfigOf({ MONGODB_URI: 'mongodb://127.0.0.1:1', TRIBUTARY_ENCRYPTION_KEYS: encryptionKeys, TRIBUTARY_WEBHOOK_URL: 'http://127.0.0.1:1/' })).toThrow(
      /TRIBUTARY_WEBHOOK_SECRET: is required when TRIBUTARY_WEBHOOK_URL is set/,
    );
  });
});
