export { createSandbox, DEFAULT_TICK_MS, type Sandbox, type SandboxOptions } from './sandbox';
export { defaultSandboxDataDir, sandboxApiKeyFile, DEFAULT_HOST, DEFAULT_PORT } from './config';
export { signature as webhookSignature } from './webhooks';
export { type Faults, type WebhookConfig } from './state/types';
