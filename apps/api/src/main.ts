/** `pnpm start`: the API on the embedded store (or DATABASE_URL; the event log on KurrentDB with EVENT_STORE=eventstoredb), with demo data unless SEED_DEMO=0. */
import { createApp } from './app';
import { loadConfig } from './config/app-config';
import { DEMO_COMPANY, seedDemo } from './demo/seed-demo';
import { loginUrl, signToken } from './shared/auth/tokens';

async function main(): Promise<void> {
  const config = loadConfig();
  // Nest's per-route start-up lines drown the summary below; warnings and errors still show.
  const app = await createApp(config, {
    logger: ['error', 'warn'],
    // Without its database the process can only answer 503: it ends, for its supervisor to start it again.
    onStoreStopped: (error) => {
      console.error(`${error.message}: the API stops (exit code 70)`);
      setTimeout(() => process.exit(70), 5000).unref();
      void app.close().finally(() => process.exit(70));
    },
  });
  let demo: { companyId: string } | undefined;
  if (config.seedDemo) demo = await seedDemo(app);
  await app.listen({ port: config.port, host: config.host });
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
  const sql = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`;
  const store = config.eventStore === 'eventstoredb' ? `event log on KurrentDB/EventStoreDB (EVENTSTORE_URL), read models on ${sql}` : sql;
  const lines = [``, `Påminnelsehantering API: ${url}  (store: ${store})`, `OpenAPI: ${url}/api/docs`];
  if (!config.webDir) lines.push('Web app: not built (npx pnpm@10 --filter @pm/web build), or run it with Vite (npx pnpm@10 --filter @pm/web dev)');
  if (config.bankInbox) lines.push(`Bank inbox (camt.054 / BgMax files): ${config.bankInbox.dir}`);
  if (demo) {
    const token = signToken(config.jwtSecret, { sub: 'demo-user', role: 'user', company: demo.companyId, name: 'Demo User' }, '30d');
    lines.push(
      `Demo company: ${DEMO_COMPANY.name} (${DEMO_COMPANY.organisationNumber})`,
      ...(config.webDir ? [`Open the web app, signed in as the demo company's user: ${loginUrl(url, token)}`] : []),
      `Demo token (30 days): ${token}`,
      `Try: curl -H "Authorization: Bearer <token>" ${url}/api/invoices`,
    );
  }
  console.log(lines.join('\n') + '\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
