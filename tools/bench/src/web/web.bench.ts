/**
 * The web app (issue 5): its JavaScript size (gzip), against a minimal React app built by the same Vite
 * in the same run; and the time to first render of the invoice list of a company with 10,000 invoices
 * in headless Chromium, against a hand-written page that fetches the same first page of the API and
 * builds the table with plain DOM calls.
 */
import { companyIdFor, loginUrl, signToken } from '@pm/api';
import { streams } from '@pm/domain';
import { type EventMetadata, PostgresEventStore, createPGliteClient, ensureSchema } from '@pm/event-store';
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { ROOT } from '../report';

const WEB_DIST = join(ROOT, 'apps', 'web', 'dist');
/** The list's first row: what "rendered" means for the app. */
export const FIRST_ROW = 'main table tbody tr';

export interface WebBenchResult {
  jsGzipBytes: number;
  jsBytes: number;
  cssGzipBytes: number;
  minimalReactGzipBytes: number;
  invoices: number;
  firstRenderMs: number[];
  baselineMs: number[];
}

function gzipSizes(dir: string, ext: string): { raw: number; gz: number } {
  let raw = 0;
  let gz = 0;
  for (const file of readdirSync(join(dir, 'assets')).filter((f) => f.endsWith(ext))) {
    const bytes = readFileSync(join(dir, 'assets', file));
    raw += bytes.length;
    gz += gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gz };
}

/** The same Vite builds a React app that renders one element: what React itself costs. */
function minimalReactGzip(): number {
  const dir = mkdtempSync(join(ROOT, 'apps', 'web', '.bench-minimal-'));
  try {
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="root"></div><script type="module" src="/src/main.tsx"></script>');
    writeFileSync(join(dir, 'src', 'main.tsx'), "import { createRoot } from 'react-dom/client';\ncreateRoot(document.getElementById('root')!).render(<p>Hej</p>);\n");
    writeFileSync(join(dir, 'vite.config.mjs'), "export default { oxc: { jsx: { runtime: 'automatic' } }, logLevel: 'error' };\n");
    execFileSync(process.execPath, [join(ROOT, 'apps', 'web', 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(dir, 'vite.config.mjs')], { cwd: dir, stdio: 'ignore' });
    return gzipSizes(join(dir, 'dist'), '.js').gz;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** 10,000 invoices in the embedded store, written as events; the API's projections build the list. */
async function seed(dataDir: string, companyId: string, invoices: number): Promise<void> {
  const sql = await createPGliteClient(join(dataDir, 'pglite'));
  await ensureSchema(sql);
  const store = new PostgresEventStore(sql);
  const meta = (extra: Record<string, unknown>): EventMetadata => ({ eventId: randomUUID(), actor: { kind: 'system', id: 'bench' }, correlationId: 'seed', causationId: 'seed', occurredAt: '2026-10-01T08:00:00.000Z', companyId, ...extra });
  await store.appendToStreams([
    {
      streamId: streams.company(companyId),
      expectedVersion: 0,
      events: [{ type: 'CompanyRegistered', data: { companyId, organisationNumber: '556036-0793', name: 'Bench Bygg AB', country: 'SE', address: { line1: 'Storgatan 1', postalCode: '111 22', city: 'Stockholm', country: 'SE' }, fromLegacyService: false, registeredAt: '2026-01-01T08:00:00.000Z' }, metadata: meta({}) }],
    },
  ]);
  for (let start = 0; start < invoices; start += 1000) {
    await store.appendToStreams(
      Array.from({ length: Math.min(1000, invoices - start) }, (_, i) => {
        const n = start + i;
        const invoiceNumber = String(100_000 + n);
        return {
          streamId: streams.receivable(companyId, invoiceNumber),
          expectedVersion: 0 as const,
          events: [
            {
              type: 'InvoiceReceived',
              data: {
                invoice: {
                  invoiceNumber,
                  invoiceDate: '2026-09-01',
                  dueDate: n % 3 === 0 ? '2026-12-31' : '2026-10-01',
                  currency: 'SEK',
                  totalOre: 10_000 + ((n * 7919) % 990_000),
                  vatOre: 2_000,
                  customer: { name: `Kund ${n}`, identityNumber: '19811218-9876', isCompany: false, address: { line1: 'Lillgatan 2', postalCode: '222 33', city: 'Lund', country: 'SE' } },
                },
                receivedAt: '2026-09-01T08:00:00.000Z',
              },
              metadata: meta({ invoiceNumber }),
            },
          ],
        };
      }),
    );
  }
  await sql.close();
}

const BASELINE_PAGE = (token: string) => `<!doctype html><html><body><main><table><thead><tr><th>Nr</th><th>Kund</th><th>Belopp</th><th>Status</th></tr></thead><tbody></tbody></table></main>
<script>
fetch('/api/invoices?page=1&pageSize=50&sort=dueDate&order=desc', { headers: { authorization: 'Bearer ${token}' } }).then((r) => r.json()).then((page) => {
  const body = document.querySelector('tbody');
  for (const i of page.items) {
    const tr = document.createElement('tr');
    for (const text of [i.invoiceNumber, i.customer.name, String(i.totalOre), i.status]) { const td = document.createElement('td'); td.textContent = text; tr.appendChild(td); }
    body.appendChild(tr);
  }
});
</script></body></html>`;

export async function benchWeb(options: { invoices: number; runs: number }, log: (line: string) => void): Promise<WebBenchResult> {
  const js = gzipSizes(WEB_DIST, '.js');
  const css = gzipSizes(WEB_DIST, '.css');
  const minimal = minimalReactGzip();
  log(`  JavaScript ${Math.round(js.gz / 1024)} kB gzip (a minimal React app: ${Math.round(minimal / 1024)} kB)`);

  const dataDir = mkdtempSync(join(tmpdir(), 'pm-bench-web-'));
  const jwtSecret = randomUUID();
  const companyId = companyIdFor('556036-0793');
  await seed(dataDir, companyId, options.invoices);
  const port = await freePort();
  const api = spawn(process.execPath, [join(ROOT, 'apps', 'api', 'dist', 'main.js')], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), JWT_SECRET: jwtSecret, SEED_DEMO: '0', AMILI_SYNC: 'off', WEB_DIR: WEB_DIST },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const token = signToken(jwtSecret, { sub: 'bench', role: 'user', company: companyId }, '1h');
    for (let i = 0; ; i++) {
      const r = await fetch(`${url}/api/invoices?pageSize=1`, { headers: { authorization: `Bearer ${token}` } }).catch(() => null);
      if (r?.ok && ((await r.json()) as { total: number }).total >= options.invoices) break;
      if (i > 1200) throw new Error('the API did not come up with the seeded invoices');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    log(`  ${options.invoices} invoices in the list; measuring ${options.runs} runs`);
    const firstRenderMs: number[] = [];
    const baselineMs: number[] = [];
    for (let run = 0; run < options.runs; run++) {
      // A fresh context per run: nothing cached, as on a first visit.
      for (const which of ['app', 'baseline'] as const) {
        const context = await browser.newContext();
        const page = await context.newPage();
        if (which === 'baseline') {
          await page.route(`${url}/bench-baseline`, (route) => route.fulfill({ contentType: 'text/html', body: BASELINE_PAGE(token) }));
          await page.goto(`${url}/bench-baseline`);
          await page.waitForSelector('main table tbody tr');
        } else {
          await page.goto(loginUrl(url, token));
          await page.waitForSelector(FIRST_ROW);
        }
        const ms = await page.evaluate(() => performance.now());
        (which === 'app' ? firstRenderMs : baselineMs).push(ms);
        await context.close();
      }
    }
    return { jsGzipBytes: js.gz, jsBytes: js.raw, cssGzipBytes: css.gz, minimalReactGzipBytes: minimal, invoices: options.invoices, firstRenderMs, baselineMs };
  } finally {
    await browser.close();
    api.kill('SIGTERM');
    await new Promise((resolve) => api.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
