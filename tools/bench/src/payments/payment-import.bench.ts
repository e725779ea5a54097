/**
 * A camt.054 with 100,000 payments against 1,000,000 open invoices (issue 4). Measured in one run:
 * - parse + match: our streaming parser and the import's own lookups and matching policy (no writes),
 *   against the baselines of a bare saxes pass over the same bytes and one raw SQL lookup of every OCR;
 * - the whole import over HTTP: parse, match, the events written and the read models caught up,
 *   against raw SQL inserts of the same number of event rows.
 */
import { BankPaymentProcessor, createApp, signToken, systemContext, type AppConfig } from '@pm/api';
import { parseBankFile, testFiles } from '@pm/bank-files';
import { type InvoiceDetails, customerShareOre, lastDayToPayOnTime, luhnCheckDigit, streams } from '@pm/domain';
import { type NewEvent, PostgresEventStore, type SqlClient, createPGliteClient, createPgClient, ensureSchema } from '@pm/event-store';
import { SaxesParser } from 'saxes';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, measure } from '../report';

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

async function openStore(options: PaymentBenchOptions): Promise<{ sql: SqlClient; cleanup: () => Promise<void> }> {
  if (options.store === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'pm-bench-'));
    const sql = await createPGliteClient(join(dir, 'pglite'));
    return { sql, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `bench_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const admin = createPgClient(options.databaseUrl!);
  await admin.query(`CREATE SCHEMA ${schema}`);
  const sql = createPgClient(options.databaseUrl!, { searchPath: schema, max: 10 });
  return {
    sql,
    // The app closes `sql` when it shuts down.
    cleanup: async () => {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.close();
    },
  };
}

export interface PaymentBenchResult {
  store: string;
  invoices: number;
  payments: number;
  fileMb: number;
  saxesMs: number;
  parseMs: number;
  parsePeakRssMb: number;
  rawLookupMs: number;
  matchMs: number;
  matchCounts: Record<string, number>;
  parseAndMatchMs: number;
  parseAndMatchPeakRssMb: number;
  parseAndMatchHeapMb: number;
  importMs: number;
  importPeakRssMb: number;
  importReport: Record<string, unknown>;
  eventsWritten: number;
  rawInsertMs: number;
}

export async function benchPaymentImport(options: PaymentBenchOptions, log: (line: string) => void): Promise<PaymentBenchResult> {
  const { sql, cleanup } = await openStore(options);
  const dataDir = mkdtempSync(join(tmpdir(), 'pm-bench-data-'));
  const config: AppConfig = {
    port: 0,
    host: '127.0.0.1',
    dataDir,
    jwtSecret: randomUUID(),
    seedDemo: false,
    termsVersion: '2026-1',
    bodyLimit: 1_048_576,
    uploadLimit: 512 * 1_048_576,
    referenceRates: [],
  };
  await ensureSchema(sql);
  const store = new PostgresEventStore(sql);
  const app = await createApp(config, { storage: { sql, store }, logger: ['error', 'warn'] });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  try {
    const admin = signToken(config.jwtSecret, { sub: 'bench', role: 'admin' }, '2h');
    const created = await fetch(`${url}/api/companies`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ organisationNumber: ORG, name: COMPANY_ID_NAME, country: 'SE', bankgiro: BANKGIRO, address: { line1: 'Verkstadsgatan 4', postalCode: '411 04', city: 'Göteborg', country: 'SE' } }),
    });
    const { companyId } = (await created.json()) as { companyId: string };
    const token = signToken(config.jwtSecret, { sub: 'bench-user', role: 'user', company: companyId }, '2h');

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

    const bytes = Buffer.from(testFiles.camt054(BANKGIRO, payments.map((p) => p.payment)), 'utf8');

    // Baseline: a bare streaming pass of the same peer library over the same bytes.
    const saxes = await measure(async () => {
      let tx = 0;
      const parser = new SaxesParser();
      parser.on('opentag', (tag) => void (tag.name === 'TxDtls' && tx++));
      const text = bytes.toString('utf8');
      for (let i = 0; i < text.length; i += 65536) parser.write(text.slice(i, i + 65536));
      parser.close();
      return tx;
    });
    const parsed = await measure(async () => parseBankFile(bytes, 'bench.xml'));
    if (!parsed.result.ok) throw new Error(`the generated file does not parse: ${JSON.stringify(parsed.result.errors.slice(0, 3))}`);
    const facts = parsed.result.payments.map((p) => ({
      bankReference: p.bankReference,
      amountOre: p.amountOre,
      bookingDate: p.bookingDate,
      ...(p.payer.name ? { payerName: p.payer.name } : {}),
      references: p.references,
      reversal: p.reversal,
      currency: p.currency,
    }));

    // Baseline: one raw SQL lookup of every OCR of the file.
    const ocrs = facts.flatMap((p) => p.references.filter((r) => r.kind === 'ocr').map((r) => r.value));
    const rawLookup = await measure(async () => (await sql.query('SELECT invoice_number, remaining_ore FROM rm_invoices WHERE company_id = $1 AND ocr = ANY($2::text[])', [companyId, ocrs])).rows.length);

    const processor = app.get(BankPaymentProcessor);
    const matched = await measure(() => processor.preview(companyId, facts, systemContext('bench')));
    const both = await measure(async () => {
      const again = parseBankFile(bytes, 'bench.xml');
      if (!again.ok) throw new Error('unreachable');
      return processor.preview(
        companyId,
        again.payments.map((p) => ({ bankReference: p.bankReference, amountOre: p.amountOre, bookingDate: p.bookingDate, ...(p.payer.name ? { payerName: p.payer.name } : {}), references: p.references, reversal: p.reversal, currency: p.currency })),
        systemContext('bench'),
      );
    });
    log(`  parse + match: ${fmt.ms(both.ms)} (peak RSS ${both.peakRssMb} MB)`);

    // The whole import over HTTP: upload, parse, match, write, and the read models caught up.
    const eventsBefore = Number((await sql.query<{ n: string }>('SELECT count(*) AS n FROM es_events')).rows[0].n);
    const imported = await measure(async () => {
      const form = new FormData();
      form.append('file', new Blob([bytes]), 'bench-camt054.xml');
      const response = await fetch(`${url}/api/payments/imports`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
      const body = (await response.json()) as Record<string, unknown>;
      if (response.status !== 201) throw new Error(`import failed: ${response.status} ${JSON.stringify(body).slice(0, 500)}`);
      return body;
    });
    const eventsWritten = Number((await sql.query<{ n: string }>('SELECT count(*) AS n FROM es_events')).rows[0].n) - eventsBefore;
    log(`  import: ${fmt.ms(imported.ms)}, ${fmt.int(eventsWritten)} events (peak RSS ${imported.peakRssMb} MB)`);

    // Baseline: the same number of event rows inserted with raw SQL, in batches of the same size.
    await sql.query('CREATE TABLE bench_raw_events (LIKE es_events INCLUDING ALL)');
    const row = { stream_id: 's', type: 'T', data: { x: 1 }, metadata: { y: 2 }, previous_hash: '', hash: 'h' };
    const rawInsert = await measure(async () => {
      for (let i = 0; i < eventsWritten; i += 2000) {
        const batch = Array.from({ length: Math.min(2000, eventsWritten - i) }, (_, k) => ({ ...row, stream_id: `raw-${i + k}`, event_id: randomUUID() }));
        await sql.transaction((tx) =>
          tx.query(
            `INSERT INTO bench_raw_events (stream_id, stream_version, event_id, type, data, metadata, recorded_at, previous_hash, hash)
             SELECT r.stream_id, 1, r.event_id, r.type, r.data, r.metadata, now(), r.previous_hash, r.hash
             FROM jsonb_to_recordset($1::jsonb) AS r(stream_id text, event_id uuid, type text, data jsonb, metadata jsonb, previous_hash text, hash text)`,
            [JSON.stringify(batch)],
          ),
        );
      }
    });
    return {
      store: options.store === 'pglite' ? 'PGlite (embedded)' : 'PostgreSQL server',
      invoices: options.invoices,
      payments: options.payments,
      fileMb: bytes.length / 1048576,
      saxesMs: saxes.ms,
      parseMs: parsed.ms,
      parsePeakRssMb: parsed.peakRssMb,
      rawLookupMs: rawLookup.ms,
      matchMs: matched.ms,
      matchCounts: matched.result,
      parseAndMatchMs: both.ms,
      parseAndMatchPeakRssMb: both.peakRssMb,
      parseAndMatchHeapMb: both.peakHeapMb,
      importMs: imported.ms,
      importPeakRssMb: imported.peakRssMb,
      importReport: imported.result,
      eventsWritten,
      rawInsertMs: rawInsert.ms,
    };
  } finally {
    await app.close();
    await cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
