/**
 * A camt.054 with 100,000 payments against 1,000,000 open invoices (issue 4). This process seeds the
 * store; a fresh child process (import-child.ts) then runs the API and measures, so its memory is what
 * an import costs. Measured in one run:
 * - parse + match: our streaming parser and the import's own lookups and matching policy (no writes),
 *   against the baselines of a bare saxes pass over the same bytes and one raw SQL lookup of every OCR;
 * - the whole import over HTTP: parse, match, the events written and the read models caught up,
 *   against raw SQL inserts of the same number of event rows.
 */
import { type AppConfig, createApp, signToken } from '@pm/api';
import { testFiles } from '@pm/bank-files';
import { type InvoiceDetails, customerShareOre, lastDayToPayOnTime, luhnCheckDigit, streams } from '@pm/domain';
import { type NewEvent, PostgresEventStore, ensureSchema } from '@pm/event-store';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fmt, measure } from '../report';
import { type ChildInput } from './import-child';
import { connect, createLocation, dropLocation } from './store';

export interface PaymentBenchOptions {
  store: 'pglite' | 'postgres';
  databaseUrl?: string;
  invoices: number;
  payments: number;
}

const BANKGIRO = '5677-5612';
const ORG = '556036-0793';
const COMPANY_ID_NAME = 'Bench Bygg AB';
const SEED_BATCH = 20_000;

const ocrOf = (n: number) => {
  const body = String(1_000_000 + n);
  const withLength = body + String((body.length + 2) % 10);
  return withLength + String(luhnCheckDigit(withLength));
};
const amountOf = (n: number) => 10_000 + ((n * 7919) % 4_990_000);
const invoiceNumberOf = (n: number) => `B${String(n).padStart(7, '0')}`;
const customerOf = (n: number) => `Kund ${n} AB`;
const kr = (ore: number) => `${Math.trunc(ore / 100)}.${String(ore % 100).padStart(2, '0')}`;

function invoice(n: number): InvoiceDetails {
  return {
    invoiceNumber: invoiceNumberOf(n),
    invoiceDate: '2026-10-01',
    dueDate: '2026-10-31',
    currency: 'SEK',
    totalOre: amountOf(n),
    vatOre: Math.trunc(amountOf(n) / 5),
    ocr: ocrOf(n),
    customer: { name: customerOf(n), identityNumber: '5560360793', isCompany: true, address: { line1: 'Storgatan 1', postalCode: '111 22', city: 'Stockholm', country: 'SE' } },
  };
}

/** Which invoices the file pays, and how: mostly exact OCR, some partial, some by text, by amount and payer, or unknown. */
function plan(options: PaymentBenchOptions) {
  const rnd = testFiles.seededRandom(42); // the same file in every run
  const chosen = new Set<number>();
  while (chosen.size < options.payments) chosen.add(Math.floor(rnd() * options.invoices));
  return [...chosen].map((n, i) => {
    const roll = rnd();
    const reference = `BENCH-${String(i).padStart(7, '0')}`;
    if (roll < 0.85) return { n, payment: { reference, amount: kr(amountOf(n)), ocr: ocrOf(n) } };
    if (roll < 0.9) return { n, payment: { reference, amount: kr(Math.trunc(amountOf(n) / 2)), ocr: ocrOf(n) } };
    if (roll < 0.95) return { n, payment: { reference, amount: kr(amountOf(n)), text: `Faktura ${invoiceNumberOf(n)}` } };
    if (roll < 0.98) return { n, payment: { reference, amount: kr(amountOf(n)), payer: customerOf(n) } };
    return { n: -1, payment: { reference, amount: kr(amountOf(n) + 1), text: 'okänd betalning' } };
  });
}

export interface PaymentBenchResult {
  store: string;
  invoices: number;
  payments: number;
  fileMb: number;
  saxesMs: number;
  parseMs: number;
  rawLookupMs: number;
  matchMs: number;
  matchCounts: Record<string, number>;
  parseAndMatchMs: number;
  parseAndMatchPeakRssMb: number;
  parseAndMatchHeapMb: number;
  baselineRssMb: number;
  importMs: number;
  importPeakRssMb: number;
  importReport: Record<string, unknown>;
  eventsWritten: number;
  rawInsertMs: number;
}

export async function benchPaymentImport(options: PaymentBenchOptions, log: (line: string) => void): Promise<PaymentBenchResult> {
  const location = await createLocation(options.store, options.databaseUrl);
  const dataDir = mkdtempSync(join(tmpdir(), 'pm-bench-data-'));
  const file = join(dataDir, 'bench-camt054.xml');
  try {
    const jwtSecret = randomUUID();
    const { companyId } = await seed(options, location, dataDir, jwtSecret, file, log);
    const measured = await runChild({ location, dataDir, jwtSecret, companyId, file }, log);
    const sql = await connect(location);
    try {
      const eventsWritten = Number((await sql.query<{ n: string }>(`SELECT count(*) AS n FROM es_events WHERE type <> 'InvoiceReceived' AND type <> 'CompanyRegistered'`)).rows[0].n);
      const rawInsert = await measure(() => rawInserts(sql, eventsWritten));
      return {
        store: options.store === 'pglite' ? 'PGlite (embedded)' : 'PostgreSQL server',
        invoices: options.invoices,
        payments: options.payments,
        fileMb: readFileSync(file).length / 1048576,
        ...(measured as Omit<PaymentBenchResult, 'store' | 'invoices' | 'payments' | 'fileMb' | 'eventsWritten' | 'rawInsertMs'>),
        eventsWritten,
        rawInsertMs: rawInsert.ms,
      };
    } finally {
      await sql.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await dropLocation(location);
  }
}

/** The company, the streams of the invoices the file pays, all open invoices in the read model, and the file. */
async function seed(options: PaymentBenchOptions, location: Parameters<typeof connect>[0], dataDir: string, jwtSecret: string, file: string, log: (line: string) => void) {
  const sql = await connect(location);
  await ensureSchema(sql);
  const store = new PostgresEventStore(sql);
  const config: AppConfig = { port: 0, host: '127.0.0.1', dataDir, jwtSecret, seedDemo: false, termsVersion: '2026-1', bodyLimit: 1_048_576, uploadLimit: 1_048_576, referenceRates: [] };
  const app = await createApp(config, { storage: { sql, store }, logger: ['error', 'warn'] });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  try {
    const admin = signToken(jwtSecret, { sub: 'bench', role: 'admin' }, '2h');
    const created = await fetch(`${url}/api/companies`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ organisationNumber: ORG, name: COMPANY_ID_NAME, country: 'SE', bankgiro: BANKGIRO, address: { line1: 'Verkstadsgatan 4', postalCode: '411 04', city: 'Göteborg', country: 'SE' } }),
    });
    const { companyId } = (await created.json()) as { companyId: string };

    // The invoices the file pays exist as event streams (the import writes to them); all 1,000,000 are in the read model.
    const payments = plan(options);
    const paid = [...new Set(payments.filter((p) => p.n >= 0).map((p) => p.n))];
    log(`  seeding ${fmt.int(paid.length)} invoice streams and ${fmt.int(options.invoices)} open invoices (${options.store}) …`);
    const seedStart = Date.now();
    for (let i = 0; i < paid.length; i += 1000) {
      const appends = paid.slice(i, i + 1000).map((n) => ({
        streamId: streams.receivable(companyId, invoiceNumberOf(n)),
        expectedVersion: 0 as const,
        events: [
          {
            type: 'InvoiceReceived',
            data: { invoice: invoice(n), receivedAt: '2026-10-01T08:00:00.000Z' },
            metadata: { eventId: randomUUID(), actor: { kind: 'system', id: 'bench' }, correlationId: 'seed', causationId: 'seed', occurredAt: '2026-10-01T08:00:00.000Z', companyId, invoiceNumber: invoiceNumberOf(n) },
          } satisfies NewEvent,
        ],
      }));
      await store.appendToStreams(appends);
    }
    const paidSet = new Set(paid);
    for (let start = 0; start < options.invoices; start += SEED_BATCH) {
      const rows = [];
      for (let n = start; n < Math.min(start + SEED_BATCH, options.invoices); n++) {
        if (paidSet.has(n)) continue; // the projection writes these from their streams
        const inv = invoice(n);
        rows.push({
          company_id: companyId,
          invoice_number: inv.invoiceNumber,
          stream_id: streams.receivable(companyId, inv.invoiceNumber),
          version: 1,
          customer_name: inv.customer.name,
          invoice_date: inv.invoiceDate,
          due_date: inv.dueDate,
          last_day_to_pay: lastDayToPayOnTime(inv.dueDate),
          currency: 'SEK',
          total_ore: inv.totalOre,
          remaining_ore: customerShareOre(inv),
          base_status: 'overdue',
          search: `${inv.invoiceNumber} ${inv.customer.name} ${inv.ocr}`.toLowerCase(),
          updated_at: '2026-10-01T08:00:00.000Z',
          ocr: inv.ocr,
        });
      }
      await sql.query(
        `INSERT INTO rm_invoices (company_id, invoice_number, stream_id, version, customer_name, invoice_date, due_date, last_day_to_pay, currency,
           total_ore, remaining_ore, base_status, search, updated_at, state, ocr)
         SELECT r.company_id, r.invoice_number, r.stream_id, r.version, r.customer_name, r.invoice_date, r.due_date, r.last_day_to_pay, r.currency,
           r.total_ore, r.remaining_ore, r.base_status, r.search, r.updated_at, '{}'::jsonb, r.ocr
         FROM jsonb_to_recordset($1::jsonb) AS r(company_id text, invoice_number text, stream_id text, version integer, customer_name text, invoice_date text,
           due_date text, last_day_to_pay text, currency text, total_ore bigint, remaining_ore bigint, base_status text, search text, updated_at text, ocr text)`,
        [JSON.stringify(rows)],
      );
    }
    await sql.query('ANALYZE rm_invoices');
    // The projections must have taken the seeded streams in before anything is measured.
    for (;;) {
      const { rows } = await sql.query<{ n: string }>(`SELECT count(*) AS n FROM rm_invoices WHERE company_id = $1`, [companyId]);
      if (Number(rows[0].n) >= options.invoices) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    log(`  seeded in ${fmt.ms(Date.now() - seedStart)}`);

    writeFileSync(file, testFiles.camt054(BANKGIRO, payments.map((p) => p.payment)));
    return { companyId };
  } finally {
    await app.close();
  }
}

/** Runs the measuring child: it reports parse + match, then serves the import that this process uploads. */
function runChild(input: ChildInput, log: (line: string) => void): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', ...(process.env.BENCH_CHILD_NODE_OPTIONS ?? '').split(' ').filter(Boolean), join(__dirname, 'import-child.js')], {
      env: { ...process.env, BENCH_CHILD_INPUT: JSON.stringify(input) },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const result: Record<string, unknown> = {};
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(result) : reject(new Error(`the benchmark child stopped with ${code}`))));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith('{')) return void log(`  [child] ${line}`);
      const message = JSON.parse(line) as Record<string, unknown> & { phase: string; url?: string };
      if (message.phase === 'parse-and-match') {
        Object.assign(result, message);
        log(`  parse + match: ${fmt.ms(Number(message.parseAndMatchMs))} (peak RSS ${String(message.parseAndMatchPeakRssMb)} MB)`);
      } else if (message.phase === 'ready') {
        void upload(message.url!, input)
          .then(({ ms, report }) => {
            Object.assign(result, { importMs: ms, importReport: report });
            log(`  import: ${fmt.ms(ms)}`);
            child.stdin.write('done\n');
          })
          .catch((error: unknown) => {
            child.kill();
            reject(error as Error);
          });
      } else if (message.phase === 'imported') Object.assign(result, message);
    });
  });
}

async function upload(url: string, input: ChildInput): Promise<{ ms: number; report: Record<string, unknown> }> {
  const token = signToken(input.jwtSecret, { sub: 'bench-user', role: 'user', company: input.companyId }, '2h');
  const form = new FormData();
  form.append('file', new Blob([readFileSync(input.file)]), 'bench-camt054.xml');
  const started = Date.now();
  const response = await fetch(`${url}/api/payments/imports`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const report = (await response.json()) as Record<string, unknown>;
  if (response.status !== 201) throw new Error(`import failed: ${response.status} ${JSON.stringify(report).slice(0, 500)}`);
  return { ms: Date.now() - started, report };
}

/** Baseline: as many event rows as the import wrote, inserted with raw SQL in transactions of 2,000. */
async function rawInserts(sql: Awaited<ReturnType<typeof connect>>, rows: number): Promise<void> {
  await sql.query('CREATE TABLE bench_raw_events (LIKE es_events INCLUDING ALL)');
  const row = { stream_id: 's', type: 'T', data: { x: 1 }, metadata: { y: 2 }, previous_hash: '', hash: 'h' };
  for (let i = 0; i < rows; i += 2000) {
    const batch = Array.from({ length: Math.min(2000, rows - i) }, (_, k) => ({ ...row, stream_id: `raw-${i + k}`, event_id: randomUUID() }));
    await sql.transaction((tx) =>
      tx.query(
        `INSERT INTO bench_raw_events (stream_id, stream_version, event_id, type, data, metadata, recorded_at, previous_hash, hash)
         SELECT r.stream_id, 1, r.event_id, r.type, r.data, r.metadata, now(), r.previous_hash, r.hash
         FROM jsonb_to_recordset($1::jsonb) AS r(stream_id text, event_id uuid, type text, data jsonb, metadata jsonb, previous_hash text, hash text)`,
        [JSON.stringify(batch)],
      ),
    );
  }
}
