/**
 * Runs the sandbox from the environment:
 *   SANDBOX_PORT (4010), SANDBOX_HOST (127.0.0.1), SANDBOX_API_KEY (else generated into the data dir),
 *   SANDBOX_DATA_DIR (else <DATA_DIR or ./.data>/amili-sandbox), SANDBOX_WEBHOOK_URL + SANDBOX_WEBHOOK_SECRET,
 *   SANDBOX_TICK_MS (1000), SANDBOX_LOG=1 for the request log.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_HOST, DEFAULT_PORT, defaultSandboxDataDir, sandboxApiKeyFile } from './config';
import { createSandbox } from './sandbox';
import { type WebhookConfig } from './state/types';
import { isHttpUrl } from './validation';

function portFrom(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`SANDBOX_PORT must be a port number, got "${raw}"`);
  return port;
}

/**
 * SANDBOX_WEBHOOK_URL with SANDBOX_WEBHOOK_SECRET; without the secret, the one apps/api generates into
 * `<DATA_DIR>/amili-webhook-secret` (so the two agree with no configuration), else refuse to start.
 */
function webhookFrom(env: NodeJS.ProcessEnv, cwd: string): WebhookConfig | undefined {
  const url = env.SANDBOX_WEBHOOK_URL;
  if (!url) return undefined;
  if (!isHttpUrl(url)) throw new Error(`SANDBOX_WEBHOOK_URL must be an http(s) URL, got "${url}"`);
  let secret = env.SANDBOX_WEBHOOK_SECRET;
  if (!secret) {
    const file = resolve(cwd, env.DATA_DIR || '.data', 'amili-webhook-secret');
    try {
      secret = readFileSync(file, 'utf8').trim();
    } catch {
      throw new Error(`SANDBOX_WEBHOOK_URL is set but SANDBOX_WEBHOOK_SECRET is not (and ${file} does not exist).`);
    }
  }
  return { url, secret };
}

async function main(): Promise<void> {
  const env = process.env;
  const cwd = process.cwd();
  const dataDir = defaultSandboxDataDir(env, cwd);
  const port = portFrom(env.SANDBOX_PORT);
  const host = env.SANDBOX_HOST || DEFAULT_HOST;
  const tickMs = env.SANDBOX_TICK_MS ? Number(env.SANDBOX_TICK_MS) : undefined;
  const sandbox = await createSandbox({ dataDir, apiKey: env.SANDBOX_API_KEY || undefined, webhook: webhookFrom(env, cwd), tickMs, log: env.SANDBOX_LOG === '1' });
  const url = await sandbox.listen(port, host);
  console.log(`Partner sandbox: ${url} (API key in ${sandboxApiKeyFile(dataDir)})`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`Partner sandbox: ${signal}, stopping`);
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`Partner sandbox failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
