/**
 * Rebuilding the read models from a generated log of 1,000,000 events (issue 6), on PGlite and on the
 * PostgreSQL server, against a raw paged read of the same log in the same run: the rebuild cannot be
 * faster than reading the log, so the ratio says what the projections cost on top of that.
 */
import { ProjectionRebuild, readModelProjections } from '@pm/api';
import { PostgresEventStore, type SqlClient, ensureSchema } from '@pm/event-store';
import { fmt, measure } from '../report';
import { connect, createLocation, dropLocation } from '../payments/store';
import { type GeneratedLog, generateEventLog } from './event-log';

type Projection = ReturnType<typeof readModelProjections>[number];

export interface RebuildBenchOptions {
  store: 'pglite' | 'postgres';
  databaseUrl?: string;
  events: number;
  batchSize: number;
}

export interface RebuildBenchResult {
  store: 'pglite' | 'postgres';
  batchSize: number;
  log: GeneratedLog;
  generateMs: number;
  rawReadMs: number;
  rawReadPeakRssMb: number;
  all: { ms: number; peakRssMb: number; events: number; applyMs: Record<string, number> };
  alone: Array<{ projection: string; ms: number; events: number }>;
  rows: Record<string, number>;
}

/** The baseline: every event of the log, page by page in log order, decoded by the driver; nothing else. */
async function rawPagedRead(sql: SqlClient, batchSize: number): Promise<number> {
  let after = ['0', '0'];
  let events = 0;
  for (;;) {
    const { rows } = await sql.query<{ transaction_id: string; global_position: string }>(
      `SELECT transaction_id, global_position, stream_id, stream_version, type, data, metadata, recorded_at, previous_hash, hash
       FROM es_events WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
       ORDER BY transaction_id, global_position LIMIT $3`,
      [after[0], after[1], batchSize],
    );
    if (rows.length === 0) return events;
    events += rows.length;
    const last = rows[rows.length - 1];
    after = [last.transaction_id, last.global_position];
  }
}

/** The projections with a stopwatch around each one's work (folding and writing its page). */
function instrumented(projections: Projection[]) {
  const applyMs: Record<string, number> = {};
  const timed: Projection[] = projections.map((p) => ({
    name: p.name,
    schema: p.schema,
    tables: p.tables,
    async apply(tx, events) {
      const started = performance.now();
      try {
        return await p.apply(tx, events);
      } finally {
        applyMs[p.name] = (applyMs[p.name] ?? 0) + performance.now() - started;
      }
    },
  }));
  return { projections: timed, applyMs };
}

export async function benchRebuild(options: RebuildBenchOptions, log: (line: string) => void): Promise<RebuildBenchResult> {
  const location = await createLocation(options.store, options.databaseUrl);
  const sql = await connect(location);
  const store = new PostgresEventStore(sql);
  try {
    await ensureSchema(sql);
    log(`  generating ${fmt.int(options.events)} events (${options.store}) …`);
    const generated = await measure(() =>
      generateEventLog(store, options.events, {
        onProgress: (n) => process.stderr.write(`\r  ${fmt.int(n)} events`),
      }),
    );
    process.stderr.write('\n');
    const logInfo = generated.result;
    log(`  generated ${fmt.int(logInfo.events)} events of ${fmt.int(logInfo.invoices)} invoices in ${fmt.ms(generated.ms)}`);
    await sql.query('VACUUM ANALYZE es_events');

    // A first read warms the caches for both contenders alike; the second one is measured.
    await rawPagedRead(sql, options.batchSize);
    const raw = await measure(() => rawPagedRead(sql, options.batchSize));
    if (raw.result !== logInfo.events) throw new Error(`the raw read saw ${raw.result} events, the log has ${logInfo.events}`);
    log(`  raw paged read: ${fmt.ms(raw.ms)} (${fmt.int(raw.result / (raw.ms / 1000))} events/s)`);

    const all = instrumented(readModelProjections());
    const rebuilt = await measure(() => new ProjectionRebuild(sql, store, all.projections).run('all', { batchSize: options.batchSize }));
    if (rebuilt.result.totalEvents !== logInfo.events) throw new Error(`the rebuild replayed ${rebuilt.result.totalEvents} events, the log has ${logInfo.events}`);
    log(`  rebuild of every read model: ${fmt.ms(rebuilt.ms)} (${fmt.int(logInfo.events / (rebuilt.ms / 1000))} events/s)`);
    log(`    writing: ${Object.entries(all.applyMs).map(([n, ms]) => `${n} ${fmt.ms(ms)}`).join(', ')}`);

    const rows: Record<string, number> = {};
    for (const table of readModelProjections().flatMap((p) => p.tables)) rows[table] = Number((await sql.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    if (rows.rm_invoices !== logInfo.invoices) throw new Error(`the rebuilt invoice list has ${rows.rm_invoices} rows, ${logInfo.invoices} invoices were generated`);

    // Alone: the invoice list (a row per invoice, rewritten with each of its events), and the companies
    // (a row per company: reads the whole log, writes next to nothing), which shows what replaying costs by itself.
    const alone: RebuildBenchResult['alone'] = [];
    for (const name of ['invoice-list', 'companies']) {
      const started = performance.now();
      const one = await new ProjectionRebuild(sql, store, readModelProjections()).run([name], { batchSize: options.batchSize, restart: true });
      const ms = performance.now() - started;
      alone.push({ projection: name, ms, events: one.totalEvents });
      log(`  rebuild of ${name} alone: ${fmt.ms(ms)} (${fmt.int(one.totalEvents / (ms / 1000))} events/s)`);
    }

    return {
      store: options.store,
      batchSize: options.batchSize,
      log: logInfo,
      generateMs: generated.ms,
      rawReadMs: raw.ms,
      rawReadPeakRssMb: raw.peakRssMb,
      all: { ms: rebuilt.ms, peakRssMb: rebuilt.peakRssMb, events: rebuilt.result.totalEvents, applyMs: all.applyMs },
      alone,
      rows,
    };
  } finally {
    await store.close();
    await sql.close();
    await dropLocation(location);
  }
}
