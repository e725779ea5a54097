/**
 * The measured half of the bank file import benchmark, in a fresh process of its own, so its memory is
 * what an import costs and not the seeding's leftovers: an API on the seeded store, the parse + match
 * figures against their baselines, then the whole import over HTTP (the parent uploads the file).
 * Talks to the parent in JSON lines on stdout; the parent's "done" on stdin ends the import phase.
 */
import { BankPaymentProcessor, type AppConfig, createApp, systemContext } from '@pm/api';
import { type IncomingPayment, parseBankFile } from '@pm/bank-files';
import { type IncomingPaymentFacts } from '@pm/domain';
import { PostgresEventStore } from '@pm/event-store';
import { SaxesParser } from 'saxes';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { measure } from '../report';
import { type StoreLocation, connect } from './store';

export interface ChildInput {
  location: StoreLocation;
  dataDir: string;
  jwtSecret: string;
  companyId: string;
  file: string;
}

const send = (message: Record<string, unknown>) => process.stdout.write(JSON.stringify(message) + '\n');

const facts = (p: IncomingPayment): IncomingPaymentFacts => ({
  bankReference: p.bankReference,
  amountOre: p.amountOre,
  bookingDate: p.bookingDate,
  ...(p.payer.name ? { payerName: p.payer.name } : {}),
  references: p.references,
  reversal: p.reversal,
  currency: p.currency,
});

async function main(): Promise<void> {
  const input = JSON.parse(process.env.BENCH_CHILD_INPUT!) as ChildInput;
  const sql = await connect(input.location);
  const config: AppConfig = {
    port: 0,
    host: '127.0.0.1',
    dataDir: input.dataDir,
    jwtSecret: input.jwtSecret,
    seedDemo: false,
    termsVersion: '2026-1',
    bodyLimit: 1_048_576,
    uploadLimit: 512 * 1_048_576,
    referenceRates: [],
  };
  const app = await createApp(config, { storage: { sql, store: new PostgresEventStore(sql) }, logger: ['error', 'warn'] });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const processor = app.get(BankPaymentProcessor);
  const context = systemContext('bench');

  // Baseline: a bare streaming pass of the same XML library over the same bytes.
  const saxes = await measure(async () => {
    const bytes = readFileSync(input.file);
    let tx = 0;
    const parser = new SaxesParser();
    parser.on('opentag', (tag) => void (tag.name === 'TxDtls' && tx++));
    const decoder = new TextDecoder();
    for (let i = 0; i < bytes.length; i += 65536) parser.write(decoder.decode(bytes.subarray(i, i + 65536), { stream: true }));
    parser.close();
    return tx;
  });
  // Parse + match as an import does it, short of writing: read the file, parse, look up, match.
  const both = await measure(async () => {
    const parsed = parseBankFile(readFileSync(input.file), 'bench.xml');
    if (!parsed.ok) throw new Error(`the generated file does not parse: ${JSON.stringify(parsed.errors.slice(0, 3))}`);
    return processor.preview(input.companyId, parsed.payments.map(facts), context);
  });
  // The two halves apart, and the raw SQL lookup of every OCR in one query as the baseline of the lookups.
  const parsed = await measure(async () => parseBankFile(readFileSync(input.file), 'bench.xml'));
  if (!parsed.result.ok) throw new Error('unreachable');
  const payments = parsed.result.payments.map(facts);
  const matched = await measure(() => processor.preview(input.companyId, payments, context));
  const ocrs = payments.flatMap((p) => p.references.filter((r) => r.kind === 'ocr').map((r) => r.value));
  const rawLookup = await measure(async () => (await sql.query('SELECT invoice_number, remaining_ore FROM rm_invoices WHERE company_id = $1 AND ocr = ANY($2::text[])', [input.companyId, ocrs])).rows.length);
  send({
    phase: 'parse-and-match',
    saxesMs: saxes.ms,
    parseMs: parsed.ms,
    matchMs: matched.ms,
    rawLookupMs: rawLookup.ms,
    matchCounts: matched.result,
    parseAndMatchMs: both.ms,
    parseAndMatchPeakRssMb: both.peakRssMb,
    parseAndMatchHeapMb: both.peakHeapMb,
    baselineRssMb: both.peakRssMb - both.rssGrowthMb,
  });

  // The whole import, served to the parent: this process's memory is sampled until the parent says done.
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  const lines = createInterface({ input: process.stdin });
  const importPhase = measure(() => new Promise<void>((resolve) => lines.once('line', () => resolve())));
  send({ phase: 'ready', url });
  const imported = await importPhase;
  send({ phase: 'imported', importPeakRssMb: imported.peakRssMb, importHeapMb: imported.peakHeapMb });
  lines.close();
  await app.close();
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
