// The Tributary client for apps: typed API calls and webhook verification.
export * from './tributary-client';
export * from './verify-webhook';
