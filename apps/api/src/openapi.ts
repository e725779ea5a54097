/**
 * `node dist/openapi.js <file>`: writes the API's OpenAPI document (JSON) without starting anything.
 * The web app generates its typed client from it at build time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportOpenApiDocument } from './app';
import { type AppConfig, parseReferenceRates } from './config/app-config';

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: node dist/openapi.js <file>');
  // Nothing is read from the environment or the data directory; a partner is configured so that its
  // routes (the push notifications) are part of the document.
  const partner = { url: 'http://partner.invalid', apiKey: '-', portalUrl: 'http://partner.invalid/portal', webhookSecret: '-', pollIntervalMs: 3000, reconcileIntervalMs: 60_000 };
  const config: AppConfig = {
    port: 0,
    host: '127.0.0.1',
    dataDir: '/nonexistent',
    jwtSecret: '-',
    seedDemo: false,
    termsVersion: '2026-1',
    bodyLimit: 1_048_576,
    uploadLimit: 1_048_576,
    referenceRates: parseReferenceRates(undefined),
    partner,
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(await exportOpenApiDocument(config), null, 2) + '\n');
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
