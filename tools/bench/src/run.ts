/**
 * `pnpm bench [name …]`: runs the named benchmarks (all by default) and rewrites their sections of
 * BENCHMARKS.md. Stores: the embedded PGlite always, the PostgreSQL server when DATABASE_URL is set.
 * Sizes can be lowered for a quick look (BENCH_INVOICES, BENCH_PAYMENTS, BENCH_EVENTS), the stores chosen (BENCH_STORES=postgres,pglite),
 * and Node options given to the measured API process (BENCH_CHILD_NODE_OPTIONS); the report says what ran.
 */
import { benchPaymentImport, type PaymentBenchResult } from './payments/payment-import.bench';
import { benchRebuild, type RebuildBenchResult } from './rebuild/rebuild.bench';
import { fmt, machine, writeSection } from './report';
import { benchWeb } from './web/web.bench';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];

/** PGlite always, the PostgreSQL server when DATABASE_URL is set; BENCH_STORES narrows it. */
function storesToRun(): Array<'pglite' | 'postgres'> {
  return ((process.env.BENCH_STORES?.split(',') ?? (process.env.DATABASE_URL ? ['postgres', 'pglite'] : ['pglite'])) as Array<'pglite' | 'postgres'>).filter(
    (store) => store === 'pglite' || process.env.DATABASE_URL,
  );
}

const benchmarks: Record<string, () => Promise<void>> = {
  async web() {
    const invoices = Number(process.env.BENCH_WEB_INVOICES ?? 10_000);
    const runs = Number(process.env.BENCH_WEB_RUNS ?? 15);
    console.log(`web: bundle size, and first render of a ${fmt.int(invoices)}-invoice list in headless Chromium`);
    const r = await benchWeb({ invoices, runs }, (line) => console.log(line));
    const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
    writeSection(
      'web',
      `## Web app: JavaScript size and first render of a ${fmt.int(r.invoices)}-invoice list

Command: \`pnpm bench web\` (${new Date().toISOString().slice(0, 10)}; ${machine()}; Debian's Chromium, headless). Goals (issue 5): under 250 kB gzip, under 1 s.

| figure | ours | baseline (same run) | ratio |
|---|---|---|---|
| JavaScript, gzip (level 9), all chunks | ${kb(r.jsGzipBytes)} (${kb(r.jsBytes)} raw; CSS ${kb(r.cssGzipBytes)} gzip) | a minimal React app by the same Vite: ${kb(r.minimalReactGzipBytes)} | ${fmt.ratio(r.jsGzipBytes, r.minimalReactGzipBytes)} |
| first render of the invoice list, median of ${r.firstRenderMs.length} cold loads (p90) | ${fmt.ms(median(r.firstRenderMs))} (${fmt.ms(percentile(r.firstRenderMs, 90))}) | a plain page fetching the same first page and building the table with DOM calls: ${fmt.ms(median(r.baselineMs))} (${fmt.ms(percentile(r.baselineMs, 90))}) | ${fmt.ratio(median(r.firstRenderMs), median(r.baselineMs))} |

"First render" is the time from navigation start (a fresh browser context each run: nothing cached) until the first row
of the list is in the page, read as \`performance.now()\` in the page: it includes loading the app's JavaScript from the
API, reading the token from the sign-in URL, and the API's answer for the first page of ${fmt.int(r.invoices)} invoices (the
list pages on the server, 50 rows at a time, so its cost does not grow with the number of invoices).`,
    );
  },

  async rebuild() {
    const events = Number(process.env.BENCH_EVENTS ?? 1_000_000);
    const batchSize = Number(process.env.BENCH_REBUILD_BATCH ?? 5_000);
    const results: RebuildBenchResult[] = [];
    for (const store of storesToRun()) {
      console.log(`rebuild: ${fmt.int(events)} generated events on ${store}`);
      results.push(await benchRebuild({ store, databaseUrl: process.env.DATABASE_URL, events, batchSize }, (line) => console.log(line)));
    }
    const rate = (n: number, ms: number) => `${fmt.int(n / (ms / 1000))} events/s`;
    const goal = { postgres: 250_000, pglite: 100_000 };
    const rows = results.map((r) =>
      [
        r.store === 'postgres' ? 'PostgreSQL server' : 'PGlite (embedded)',
        `${fmt.ms(r.all.ms)}: **${rate(r.all.events, r.all.ms)}** (goal ${fmt.int(goal[r.store])}) / ${r.all.peakRssMb} MB`,
        `${fmt.ms(r.rawReadMs)}: ${rate(r.log.events, r.rawReadMs)}`,
        fmt.ratio(r.all.ms, r.rawReadMs),
        Object.entries(r.all.applyMs).sort((a, b) => b[1] - a[1]).map(([name, ms]) => `${name} ${fmt.ms(ms)}`).join(', '),
        ...r.alone.map((one) => `${fmt.ms(one.ms)}: ${rate(one.events, one.ms)} (${fmt.ratio(one.ms, r.rawReadMs)})`),
      ].join(' | '),
    );
    const first = results[0];
    writeSection(
      'rebuild',
      `## Projection rebuild: ${fmt.int(first.log.events)} events

Command: \`${process.env.DATABASE_URL ? 'DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test ' : ''}pnpm bench rebuild\` (${new Date().toISOString().slice(0, 10)}; ${machine()}).
A generated log of ${fmt.int(first.log.events)} events: ${first.log.companies} companies and ${fmt.int(first.log.invoices)} invoices on the product's usual paths, every event decided by the domain's deciders
(${Object.entries(first.log.eventTypes).sort((a, b) => b[1] - a[1]).map(([type, n]) => `${type} ${fmt.int(n)}`).join(', ')}).
Written in waves, so one invoice's events lie far apart in the log, as time puts them. Pages of ${fmt.int(first.batchSize)} events. Goals (issue 6): at least 250,000 events/s on PostgreSQL, 100,000 on PGlite.

| store | rebuild of every read model (\`projections rebuild --all\`): time, rate / peak RSS | raw paged read of the same log (baseline) | ratio | folding and writing, per read model | \`invoice-list\` alone (ratio to raw read) | \`companies\` alone (ratio to raw read) |
|---|---|---|---|---|---|---|
${rows.map((r) => `| ${r} |`).join('\n')}

The rebuild is \`ProjectionRebuild\`, the code behind \`pnpm admin projections rebuild\`: it reads the log page by page
through the event store (the next page is read while the current one is written), folds each page per stream with the
domain's deciders, and writes each read model's shadow tables with one set-based statement per table and page, with its
progress, in a transaction of its own; the read models write at once, on connections of their own on the server.
Secondary indexes are built once at the end, then the shadow tables are switched in under the checkpoint lock.
"Folding and writing" is the time each read model spent in its page transactions (they overlap, so they add up to more
than the wall time). The raw read is a keyset-paged \`SELECT\` of the same columns in the same order, decoded by the
same driver and thrown away; it ran once unmeasured first, so both meet warm caches.
Rows after the rebuild: ${Object.entries(first.rows).map(([table, n]) => `${table} ${fmt.int(n)}`).join(', ')}.`,
    );
  },

  async payments() {
    const invoices = Number(process.env.BENCH_INVOICES ?? 1_000_000);
    const payments = Number(process.env.BENCH_PAYMENTS ?? 100_000);
    const stores = storesToRun();
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
