/**
 * `pnpm bench [name …]`: runs the named benchmarks (all by default) and rewrites their sections of
 * BENCHMARKS.md. Stores: the embedded PGlite always, the PostgreSQL server when DATABASE_URL is set.
 * Sizes can be lowered for a quick look (BENCH_INVOICES, BENCH_PAYMENTS), the stores chosen (BENCH_STORES=postgres,pglite),
 * and Node options given to the measured API process (BENCH_CHILD_NODE_OPTIONS); the report says what ran.
 */
import { benchPaymentImport, type PaymentBenchResult } from './payments/payment-import.bench';
import { fmt, machine, writeSection } from './report';

const benchmarks: Record<string, () => Promise<void>> = {
  async payments() {
    const invoices = Number(process.env.BENCH_INVOICES ?? 1_000_000);
    const payments = Number(process.env.BENCH_PAYMENTS ?? 100_000);
    const stores = ((process.env.BENCH_STORES?.split(',') ?? (process.env.DATABASE_URL ? ['postgres', 'pglite'] : ['pglite'])) as Array<'pglite' | 'postgres'>).filter(
      (store) => store === 'pglite' || process.env.DATABASE_URL,
    );
    const results: PaymentBenchResult[] = [];
    for (const store of stores) {
      console.log(`payments: ${fmt.int(payments)} payments against ${fmt.int(invoices)} open invoices on ${store}`);
      results.push(await benchPaymentImport({ store, databaseUrl: process.env.DATABASE_URL, invoices, payments }, (line) => console.log(line)));
    }
    const rows = results.map((r) =>
      [
        r.store,
        `${fmt.ms(r.parseAndMatchMs)} / ${r.parseAndMatchPeakRssMb} MB (${r.baselineRssMb} MB before)`,
        `${fmt.ms(r.parseMs)} (${fmt.ratio(r.parseMs, r.saxesMs)} of bare saxes, ${fmt.ms(r.saxesMs)})`,
        `${fmt.ms(r.matchMs)} (raw SQL OCR lookup alone: ${fmt.ms(r.rawLookupMs)})`,
        `${fmt.ms(r.importMs)} / ${r.importPeakRssMb} MB`,
        `${fmt.int(r.eventsWritten)} (${fmt.int(r.eventsWritten / (r.importMs / 1000))}/s; raw SQL insert of as many rows: ${fmt.ms(r.rawInsertMs)}, ${fmt.ratio(r.importMs, r.rawInsertMs)})`,
      ].join(' | '),
    );
    const first = results[0];
    const nodeOptions = process.env.BENCH_CHILD_NODE_OPTIONS;
    writeSection(
      nodeOptions ? 'payments-node-options' : 'payments',
      `## Bank file import: ${fmt.int(first.payments)} payments against ${fmt.int(first.invoices)} open invoices${nodeOptions ? ` (API process with \`${nodeOptions}\`)` : ''}

Command: \`${process.env.DATABASE_URL ? 'DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test ' : ''}${process.env.BENCH_CHILD_NODE_OPTIONS ? `BENCH_CHILD_NODE_OPTIONS="${process.env.BENCH_CHILD_NODE_OPTIONS}" ` : ''}pnpm bench payments\` (${new Date().toISOString().slice(0, 10)}; ${machine()}).
A generated camt.054.001.02 of ${first.fileMb.toFixed(1)} MB (${fmt.int(first.payments)} booked credits: 85 % exact OCR, 5 % partial payments by OCR, 5 % invoice number in the text, 3 % amount and payer, 2 % unknown),
against ${fmt.int(first.invoices)} open invoices of one company in the read model. Goal (issue 4): parse + match under 5 s and 500 MB.

| store | parse + match (time / peak RSS of the API process) | parse alone (vs. bare saxes pass) | match alone (lookups + policy) | whole import over HTTP (time / peak RSS) | events written |
|---|---|---|---|---|---|
${rows.map((r) => `| ${r} |`).join('\n')}

Match outcome: ${Object.entries(first.matchCounts).map(([k, v]) => `${k} ${fmt.int(v)}`).join(', ')}; the import's report: ${JSON.stringify(Object.fromEntries(Object.entries(first.importReport).filter(([k]) => ['matched', 'partlyMatched', 'unmatched', 'duplicates'].includes(k))))}.
"Parse + match" is everything an import does short of writing: streaming parse, validation, the set-based lookups per chunk of 500 payments, de-duplication reads and the matching policy.
"Whole import" adds the atomic appends (received, matched, booked, the payment on the invoice), and waits until every read model has the new events.
Both are measured in a fresh process that runs the API on the seeded store (the seeding runs in the parent), so the
memory is what an import costs; peak RSS is that whole process (Node, the API, and with PGlite the embedded database
itself), "before" its RSS when the phase began. The parent uploads the file over HTTP.`,
    );
  },
};

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  for (const name of names.length ? names : Object.keys(benchmarks)) {
    const run = benchmarks[name];
    if (!run) throw new Error(`unknown benchmark "${name}"; known: ${Object.keys(benchmarks).join(', ')}`);
    await run();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
