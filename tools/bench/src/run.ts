/**
 * `pnpm bench [name …]`: runs the named benchmarks (all by default, then the summary) and rewrites their
 * sections of BENCHMARKS.md. Names: web, rebuild, payments, append, http, live, summary (the summary only
 * collects the figures already in the file; it runs nothing).
 * Stores: the embedded PGlite always, the PostgreSQL server when DATABASE_URL is set; BENCH_STORES=postgres,pglite narrows it.
 * Sizes can be lowered for a quick look; the report says what ran:
 * - payments: BENCH_INVOICES (1,000,000), BENCH_PAYMENTS (100,000); BENCH_CHILD_NODE_OPTIONS for the measured API process
 *   (also used by http and live);
 * - rebuild: BENCH_EVENTS (1,000,000), BENCH_REBUILD_BATCH (5,000);
 * - web: BENCH_WEB_INVOICES (10,000), BENCH_WEB_RUNS (15);
 * - append: BENCH_APPEND_EVENTS (events per measured run, 10,000), BENCH_APPEND_WRITERS (1,8), BENCH_APPEND_ROUNDS (3),
 *   BENCH_APPEND_LADDER=0 to leave out the raw SQL variants that split the gap;
 * - http: BENCH_HTTP_SECONDS (20, per run), BENCH_HTTP_CONNECTIONS (16), BENCH_HTTP_ROUNDS (3: the baseline and the sends, in
 *   turn, the median round reported), BENCH_HTTP_INVOICES (fresh invoices created before each round: the most sends it can
 *   make; by default five times what the rate of the first 1,000 PUTs says a round needs);
 * - live: BENCH_LIVE_RATE (500 commands/s), BENCH_LIVE_SECONDS (20).
 */
import os from 'node:os';
import { benchPaymentImport, type PaymentBenchResult } from './payments/payment-import.bench';
import { benchRebuild, type RebuildBenchResult } from './rebuild/rebuild.bench';
import { type AppendBenchResult, type AppendRun, type Contender, SLICE_APPENDS, benchAppend } from './append/append.bench';
import { type HttpBenchResult, type HttpRun, benchHttp } from './http/http.bench';
import { type LiveBenchResult, benchLive } from './live/live.bench';
import { fmt, machine, writeSection } from './report';
import { type SummaryFigure, figuresComment, summaryMarkdown } from './summary';
import { benchWeb } from './web/web.bench';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];

/** PGlite always, the PostgreSQL server when DATABASE_URL is set; BENCH_STORES narrows it. */
function storesToRun(): Array<'pglite' | 'postgres'> {
  return ((process.env.BENCH_STORES?.split(',') ?? (process.env.DATABASE_URL ? ['postgres', 'pglite'] : ['pglite'])) as Array<'pglite' | 'postgres'>).filter(
    (store) => store === 'pglite' || process.env.DATABASE_URL,
  );
}

const storeName = (store: 'pglite' | 'postgres') => (store === 'postgres' ? 'PostgreSQL server' : 'PGlite (embedded)');
const today = () => new Date().toISOString().slice(0, 10);
const serverPrefix = () => (process.env.DATABASE_URL ? 'DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test ' : '');
/** The BENCH_* variables this run was given, as they go into a section's command line. */
const benchEnv = (...names: string[]) =>
  names
    .filter((name) => process.env[name] !== undefined)
    .map((name) => `${name}=${/\s/.test(process.env[name]!) ? `"${process.env[name]}"` : process.env[name]} `)
    .join('');

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

  async append() {
    const events = Number(process.env.BENCH_APPEND_EVENTS ?? 10_000);
    const writers = (process.env.BENCH_APPEND_WRITERS ?? '1,8').split(',').map(Number);
    const rounds = Number(process.env.BENCH_APPEND_ROUNDS ?? 3);
    const ladder = process.env.BENCH_APPEND_LADDER !== '0';
    const results: AppendBenchResult[] = [];
    for (const store of storesToRun()) {
      console.log(`append: about ${fmt.int(events)} events per run, ${writers.join(' and ')} writers, ${rounds} rounds, on ${store}`);
      results.push(await benchAppend({ store, databaseUrl: process.env.DATABASE_URL, events, writers, rounds, ladder }, (line) => console.log(line)));
    }
    const runOf = (r: AppendBenchResult, contender: Contender, w: number): AppendRun | undefined => r.runs.find((x) => x.contender === contender && x.writers === w);
    const appendsPerSecond = (x: AppendRun) => x.appends / (x.ms / 1000);
    const rate = (x: AppendRun | undefined) => (x ? `${fmt.int(appendsPerSecond(x))} appends/s (${fmt.int(x.events / (x.ms / 1000))} events/s)` : '—');
    const writersLabel = (w: number, store: 'pglite' | 'postgres') => (store === 'pglite' && w > 1 ? `${w} (concurrent callers on its one connection)` : String(w));
    const figures: SummaryFigure[] = [];
    const rows: string[] = [];
    const ladderRows: string[] = [];
    const gapLines: string[] = [];
    for (const r of results) {
      for (const w of writers) {
        const ours = runOf(r, 'ours', w)!;
        const raw = runOf(r, 'raw', w)!;
        const emmett = runOf(r, 'emmett', w);
        const vsRaw = appendsPerSecond(ours) / appendsPerSecond(raw);
        const vsEmmett = emmett ? appendsPerSecond(ours) / appendsPerSecond(emmett) : undefined;
        rows.push(
          [
            storeName(r.store),
            writersLabel(w, r.store),
            `**${rate(ours)}**`,
            rate(raw),
            `**${vsRaw.toFixed(2)}×**`,
            emmett ? rate(emmett) : 'no PGlite store',
            vsEmmett !== undefined ? `**${vsEmmett.toFixed(2)}×**` : '—',
          ].join(' | '),
        );
        const who = `${storeName(r.store)}, ${w} writer${w > 1 ? 's' : ''}`;
        figures.push({ figure: `Append, ${who}: ours vs raw SQL`, ours: `${fmt.int(appendsPerSecond(ours))} appends/s`, baseline: `raw SQL: ${fmt.int(appendsPerSecond(raw))} appends/s`, ratio: `${vsRaw.toFixed(2)}×`, goal: '≥ 0.95×', met: vsRaw >= 0.95 });
        if (emmett && vsEmmett !== undefined)
          figures.push({ figure: `Append, ${who}: ours vs Emmett`, ours: `${fmt.int(appendsPerSecond(ours))} appends/s`, baseline: `Emmett: ${fmt.int(appendsPerSecond(emmett))} appends/s`, ratio: `${vsEmmett.toFixed(2)}×`, goal: '≥ 1.5×', met: vsEmmett >= 1.5 });
        const prepared = runOf(r, 'raw-prepared', w);
        if (prepared) {
          // The store prepares its statements; the plain INSERT is the headline baseline, this one the stricter reading.
          const vsPrepared = appendsPerSecond(ours) / appendsPerSecond(prepared);
          figures.push({
            figure: `Append, ${who}: ours vs raw SQL, prepared`,
            ours: `${fmt.int(appendsPerSecond(ours))} appends/s`,
            baseline: `raw SQL, the same INSERT prepared: ${fmt.int(appendsPerSecond(prepared))} appends/s`,
            ratio: `${vsPrepared.toFixed(2)}×`,
            goal: '≥ 0.95×',
            met: vsPrepared >= 0.95,
          });
          const rung = (c: Contender) => {
            const x = runOf(r, c, w);
            return x ? `${fmt.int(appendsPerSecond(x))}/s (${(appendsPerSecond(x) / appendsPerSecond(raw)).toFixed(2)}×)` : '—';
          };
          const server = r.store === 'postgres';
          ladderRows.push(
            [
              storeName(r.store),
              writersLabel(w, r.store),
              rung('raw'),
              rung('raw-prepared'),
              server ? rung('raw-prepared+notify') : 'no NOTIFY on PGlite',
              rung('raw-tx+head+notify'),
              rung('ours'),
              server ? rung('ours-quiet') : 'as the column before',
            ].join(' | '),
          );
          // Wall time per append (µs), rung by rung: what each step of the store adds to the raw INSERT.
          const us = (c: Contender) => {
            const x = runOf(r, c, w);
            return x ? (x.ms * 1000) / x.appends : NaN;
          };
          const signed = (n: number) => `${n >= 0 ? '+' : '−'}${Math.abs(n).toFixed(0)} µs`;
          const steps: Contender = server ? 'raw-prepared+notify' : 'raw-prepared';
          const parts = [
            `preparing the statement ${signed(us('raw-prepared') - us('raw'))}`,
            ...(server ? [`the NOTIFY carried by the INSERT ${signed(us('raw-prepared+notify') - us('raw-prepared'))}`] : []),
            `the store's work in Node ${signed(us('ours') - us(steps))}`,
          ];
          gapLines.push(
            `- ${who}: ${us('ours').toFixed(0)} µs per append against ${us('raw').toFixed(0)} µs raw (${signed(us('ours') - us('raw'))}): ${parts.join(', ')}. ` +
              `For a head it does not know, the store's steps take ${us('raw-tx+head+notify').toFixed(0)} µs (${signed(us('raw-tx+head+notify') - us(steps))}).`,
          );
        }
      }
    }
    const first = results[0];
    writeSection(
      'append',
      `## Appending events: our event store against raw SQL and Emmett

Command: \`${serverPrefix()}${benchEnv('BENCH_APPEND_EVENTS', 'BENCH_APPEND_WRITERS', 'BENCH_APPEND_ROUNDS', 'BENCH_APPEND_LADDER', 'BENCH_STORES')}pnpm bench append\` (${today()}; ${machine()}).
The API's own appends: ${fmt.int(first.invoices)} invoices per run, each through received → sent to reminder handling → registered by the partner → reminder sent → paid in full
(${first.perInvoice.appends} appends of ${first.perInvoice.events} events: one append per command, with the expected version the command saw, every event decided by the domain's deciders with the API's metadata).
Each contender runs ${first.rounds} rounds on fresh streams after a warm-up; within a round the contenders take turns every ${SLICE_APPENDS} appends per writer (each turn starting with the next one), so a machine whose speed drifts during the run slows them alike; a contender's round is the sum of its turns, the figure the median round. Goals (issue 8): at least 0.95× raw SQL and 1.5× Emmett.

| store | writers | our event store | raw SQL inserts of the same rows (baseline) | ours ÷ raw | Emmett (\`@event-driven-io/emmett-postgresql\` 0.42) | ours ÷ Emmett |
|---|---|---|---|---|---|---|
${rows.map((row) => `| ${row} |`).join('\n')}

"Raw SQL" writes exactly the rows the store writes (the same columns, hash chain and JSON, computed before the clock starts)
into a table made \`LIKE es_events INCLUDING ALL\` (the same defaults, constraints and indexes), with the store's own INSERT
statement, one per append, on its own (autocommit: one statement is one transaction). "Emmett" appends the same events with the
same expected versions to its own tables in the same schema (a stored function per append, no hash chain). The writers are
concurrent loops, each on its own invoices' streams; on the server each takes a connection of a pool of 10; on PGlite
(one connection) "8 writers" are 8 concurrent callers whose statements take turns. Emmett has no PGlite store.
${
  ladderRows.length
    ? `
What the store adds to raw SQL: raw SQL variants that add its steps one at a time, values still precomputed (appends/s, and
the ratio to the baseline). An append whose expected version is the stream's head as the store last read or wrote it (a command
reads its stream before it decides; a new stream has no head) is that one INSERT, prepared once per connection: a head that moved
meanwhile is refused by the unique (stream, version) index and reported as a version conflict. On the server it also wakes other
processes with a NOTIFY, at most one per 2 ms, carried by the INSERT when one is due (delivered with its commit; one is sent on its
own only for a commit no carried one covers); the API instance that feeds the read models leaves it out, nobody else
waits for its appends. For a head it does not know, the store reads it in the INSERT's transaction (BEGIN, head read, INSERT,
COMMIT): the store's only path before, shown for what the known head saves. On PGlite a prepared statement is parsed and
described once on the database's thread, then bound and run in one call into its runtime (PGlite's own \`query\` makes six and
plans every time); there is no NOTIFY there. The headline baseline is the plain statement, as a hand-written INSERT sends it;
the prepared rung is the baseline to read for what the store's own work costs.

| store | writers | the INSERT, autocommit (baseline) | the same, prepared | + a NOTIFY carried by the INSERT every 2 ms (the store's steps, head known) | BEGIN, head read, INSERT (with the NOTIFY when due), COMMIT (head not known) | our event store | ours without the NOTIFY (the API instance that feeds the read models) |
|---|---|---|---|---|---|---|---|
${ladderRows.map((row) => `| ${row} |`).join('\n')}

${gapLines.join('\n')}

"The store's work in Node" is validating the events and writing each one's canonical JSON (once: the same text goes into the
INSERT's JSON parameter and into the sha256 of its hash), and any NOTIFY it sends on its own.
`
    : ''
}
${figuresComment(figures)}`,
    );
  },

  async http() {
    const seconds = Number(process.env.BENCH_HTTP_SECONDS ?? 20);
    const connections = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 16);
    const invoices = process.env.BENCH_HTTP_INVOICES ? Number(process.env.BENCH_HTTP_INVOICES) : undefined;
    const rounds = Math.max(1, Math.trunc(Number(process.env.BENCH_HTTP_ROUNDS ?? 3)) || 1);
    const results: HttpBenchResult[] = [];
    for (const store of storesToRun()) {
      console.log(`http: send to reminder handling for ${seconds} s with ${connections} connections on ${store}, ${rounds} round(s)`);
      results.push(await benchHttp({ store, databaseUrl: process.env.DATABASE_URL, seconds, connections, invoices, rounds }, (line) => console.log(line)));
    }
    const roundsLine = (r: HttpBenchResult) =>
      `- ${storeName(r.store)}: ${r.rounds.map(({ health, send }) => `${fmt.int(send.rps)}/s with p99 ${send.p99} ms (/health ${fmt.int(health.rps)}/s)`).join('; ')}.`;
    const cells = (x: HttpRun) =>
      [
        `${x.p50} ms`,
        `${x.p90} ms`,
        `${x.p99} ms`,
        `${x.max} ms`,
        `${fmt.int(x.non2xx)} / ${fmt.int(x.errors)}`,
        x.apiCpuMsPerRequest !== undefined ? `${x.apiCpuMsPerRequest.toFixed(2)} ms` : '—',
        x.serverCpuMsPerRequest !== undefined ? `${x.serverCpuMsPerRequest.toFixed(2)} ms` : '—',
        x.serverTransactionsPerRequest !== undefined ? x.serverTransactionsPerRequest.toFixed(2) : '—',
        `${x.loadCpuMsPerRequest.toFixed(2)} ms`,
      ];
    // What one send costs the machine in CPU, and the rate that cost allows on all of its cores.
    const budget = (r: HttpBenchResult) => {
      const { apiCpuMsPerRequest: api, serverCpuMsPerRequest: server, loadCpuMsPerRequest: load } = r.send;
      if (api === undefined) return '';
      const total = api + (server ?? 0) + load;
      const cores = os.cpus().length;
      return `- ${storeName(r.store)}: ${total.toFixed(2)} ms of CPU per send in all (API ${api.toFixed(2)}${server !== undefined ? `, PostgreSQL ${server.toFixed(2)}` : ''}, autocannon ${load.toFixed(2)}): with all ${cores} cores busy, at most ${fmt.int((cores * 1000) / total)} sends/s on this machine.`;
    };
    const rows: string[] = [];
    const figures: SummaryFigure[] = [];
    for (const r of results) {
      rows.push([storeName(r.store), 'POST /api/invoices/:n/reminder-case', `**${fmt.int(r.send.rps)}/s** (${fmt.ratio(r.send.rps, r.health.rps)}${r.ranOut ? '; ran out of invoices' : ''})`, ...cells(r.send)].join(' | '));
      rows.push([storeName(r.store), 'GET /health (baseline)', `${fmt.int(r.health.rps)}/s`, ...cells(r.health)].join(' | '));
      figures.push(
        { figure: `Send to reminder handling over HTTP, ${storeName(r.store)}: requests/s`, ours: `${fmt.int(r.send.rps)}/s`, baseline: `GET /health: ${fmt.int(r.health.rps)}/s`, ratio: fmt.ratio(r.send.rps, r.health.rps), goal: '≥ 1,500/s', met: r.send.rps >= 1500 && r.send.non2xx === 0 },
        { figure: `Send to reminder handling over HTTP, ${storeName(r.store)}: p99`, ours: `${r.send.p99} ms`, baseline: `GET /health: ${r.health.p99} ms`, ratio: fmt.ratio(r.send.p99, r.health.p99), goal: '< 25 ms', met: r.send.p99 < 25 && r.send.non2xx === 0 },
      );
    }
    writeSection(
      'http',
      `## Commands over HTTP: send to reminder handling

Command: \`${serverPrefix()}${benchEnv('BENCH_HTTP_SECONDS', 'BENCH_HTTP_CONNECTIONS', 'BENCH_HTTP_INVOICES', 'BENCH_HTTP_ROUNDS', 'BENCH_CHILD_NODE_OPTIONS', 'BENCH_STORES')}pnpm bench http\` (${today()}; ${machine()}).
The built API (\`apps/api/dist/main.js\`) in a process of its own, in a fresh schema (or data directory), with \`AMILI_SYNC=off\` (no partner: the outbox,
polling and reconciliation are not loaded) and \`SEED_DEMO=0\`; a company registered and activated, then overdue invoices created with
PUT before each round (${results.map((r) => `${fmt.int(r.invoices)} in all on ${storeName(r.store)}`).join(', ')}; not measured; it warms the process up). autocannon 9 then drives each request for ${results[0].send.seconds.toFixed(0)} s at full speed with ${results[0].connections} connections (each sends its next
request when the previous one is answered), every POST on the next fresh invoice; GET /health (the HTTP stack and one \`SELECT 1\`) with the same
connections and time is the baseline, the ceiling of any request on this stack and machine. Both run ${results[0].rounds.length > 1 ? `${results[0].rounds.length} times, in turn, on the same
process; the table has the round with the median send rate` : 'once'} (this machine's speed drifts by as much as half within an hour: one run decides nothing). Goals (issue 8):
at least 1,500/s with p99 under 25 ms on 2 cores.

| store | request | requests/s (ratio to /health) | p50 | p90 | p99 | max | non-2xx / errors | API process CPU per request | PostgreSQL server CPU per request | PostgreSQL transactions per request | load generator CPU per request |
|---|---|---|---|---|---|---|---|---|---|---|---|
${rows.map((row) => `| ${row} |`).join('\n')}

Every round (sends, their p99, and the baseline just before them):
${results.map(roundsLine).join('\n')}

A send reads the invoice's stream, decides with the domain's decider, appends with the expected version, and answers 201 once every
read model has the new event (read-your-writes): the projections' transactions (invoice list, case view, audit trail, …) are part of
each request's time. Latencies are autocannon's histogram (ms, whole milliseconds). CPU per request is user + system time over the run,
from /proc: the API process, the PostgreSQL server's processes (all of them, on this machine) and this process (autocannon), all on the
same cores. PostgreSQL transactions per request (sends only) are the database's \`xact_commit + xact_rollback\` over the run, read 11 s after
it and before it (when every backend has flushed its statistics): unlike rates and CPU times, a count that does not drift with the machine's
speed (an autocommit statement is one transaction; several statements sent in one message with BEGIN … COMMIT are one). What that allows at most:
${results.map(budget).filter(Boolean).join('\n')}
${figuresComment(figures)}`,
    );
  },

  async live() {
    const rate = Number(process.env.BENCH_LIVE_RATE ?? 500);
    const seconds = Number(process.env.BENCH_LIVE_SECONDS ?? 20);
    const results: LiveBenchResult[] = [];
    for (const store of storesToRun()) {
      console.log(`live: ${rate} commands/s for ${seconds} s, append to SSE, on ${store}`);
      results.push(await benchLive({ store, databaseUrl: process.env.DATABASE_URL, rate, seconds }, (line) => console.log(line)));
    }
    const p = (values: number[], q: number) => (values.length ? percentile(values, q) : NaN);
    const figures: SummaryFigure[] = [];
    const rows = results.map((r) => {
      const sse99 = p(r.appendToSse, 99);
      const ack99 = p(r.sendToAck, 99);
      // The goal is at that rate: when commands queue before their append (the API takes fewer a second), it was not met,
      // however quick the part after the append is.
      const sustained = ack99 < 1000;
      figures.push({
        figure: `Live: appended → SSE client at ${fmt.int(r.rate)} commands/s, ${storeName(r.store)}: p99`,
        ours: sustained ? `${sse99} ms` : `${sse99} ms, but ${fmt.int(r.rate)}/s not sustained (commands waited up to ${fmt.ms(ack99)} for their answer)`,
        baseline: `the command's HTTP round trip: ${ack99} ms`,
        ratio: fmt.ratio(sse99, ack99),
        goal: '< 100 ms',
        met: sse99 < 100 && r.missing === 0 && sustained,
      });
      return [
        storeName(r.store),
        `${fmt.int(r.sent)} at ${fmt.int(r.achievedRate)}/s (${fmt.int(r.non201)} not 201)`,
        `**${p(r.appendToSse, 50)} ms / ${sse99} ms** (max ${Math.max(...r.appendToSse)} ms)`,
        `${p(r.sendToAck, 50)} ms / ${ack99} ms`,
        fmt.ratio(sse99, ack99),
        `${p(r.appendToAck, 50)} ms / ${p(r.appendToAck, 99)} ms`,
        `${p(r.healthUnderLoad, 50)} ms / ${p(r.healthUnderLoad, 99)} ms`,
        `${fmt.int(r.missing)} missing; case.changed for ${fmt.int(r.caseMessages)}`,
      ].join(' | ');
    });
    writeSection(
      'live',
      `## Live latency: from the append to an SSE client

Command: \`${serverPrefix()}${benchEnv('BENCH_LIVE_RATE', 'BENCH_LIVE_SECONDS', 'BENCH_CHILD_NODE_OPTIONS', 'BENCH_STORES')}pnpm bench live\` (${today()}; ${machine()}).
The API process as in the http benchmark; one SSE client on \`/api/events?access_token=…\`; "send to reminder handling" commands at a steady
${fmt.int(rate)}/s for ${seconds} s, each on a fresh invoice, from an open-loop sender (command k leaves at start + k ÷ rate, answered or not; keep-alive
connections). Goal (issue 8): p99 under 100 ms at 500 commands/s.

| store | commands (rate reached) | appended → SSE, p50 / p99 | baseline: sent → 201, p50 / p99 | ratio (p99) | appended → 201, p50 / p99 | GET /health during the load, p50 / p99 | SSE messages |
|---|---|---|---|---|---|---|---|
${rows.map((row) => `| ${row} |`).join('\n')}

Clock points, all this machine's wall clock in whole milliseconds: "appended" is the event's \`recorded_at\`, stamped by the event store just
before its INSERT (read back from the log after the run), so the figure covers the commit, the projections picking the event up and
committing every read model, loading the invoice's view and writing it to the stream; "SSE" is when this process had parsed the
\`invoice.changed\` message whose view shows the new case; "sent" and "201" are this process writing the request and having the whole answer.
The baseline is the command's own round trip, which includes the same append and the same wait for the read models; GET /health,
probed every 20 ms during the load, is the HTTP stack's own latency under it (one \`SELECT 1\`).
${figuresComment(figures)}`,
    );
  },

  async summary() {
    writeSection('summary', summaryMarkdown());
    console.log('summary: collected from the sections of BENCHMARKS.md');
  },
};

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  // All of them, the summary last (it collects what the others wrote).
  for (const name of names.length ? names : [...Object.keys(benchmarks).filter((n) => n !== 'summary'), 'summary']) {
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
