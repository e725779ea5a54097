/**
 * The history of bank file imports: one row per accepted file, with its progress while it runs and its
 * report when done, so a person (or `pnpm admin payments import`) can follow a long import and read the
 * report later. Operational bookkeeping, not business state: the payments themselves are events.
 */
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { type SqlClient } from '@pm/event-store';
import { SQL_CLIENT } from '../../infrastructure/database/tokens';
import { migrate } from '../../infrastructure/database/migrate';

export type ImportSource = 'upload' | 'inbox';

export interface ImportRecord {
  importId: string;
  fileName: string | null;
  fileSha256: string;
  format: string;
  source: ImportSource;
  /** `interrupted`: it was running when its process stopped (no progress for minutes); importing the file again continues it. */
  status: 'running' | 'done' | 'failed' | 'interrupted';
  payments: number;
  processed: number;
  matched: number;
  partlyMatched: number;
  unmatched: number;
  duplicates: number;
  warnings: Array<{ line: number; path?: string; message: string }>;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}

interface Row {
  import_id: string;
  file_name: string | null;
  file_sha256: string;
  format: string;
  source: ImportSource;
  status: ImportRecord['status'];
  shown_status: ImportRecord['status'];
  payments: number;
  processed: number;
  matched: number;
  partly_matched: number;
  unmatched: number;
  duplicates: number;
  warnings: ImportRecord['warnings'] | string;
  started_at: Date | string;
  finished_at: Date | string | null;
  error: string | null;
}

const toRecord = (row: Row): ImportRecord => ({
  importId: row.import_id,
  fileName: row.file_name,
  fileSha256: row.file_sha256,
  format: row.format,
  source: row.source,
  status: row.shown_status,
  payments: Number(row.payments),
  processed: Number(row.processed),
  matched: Number(row.matched),
  partlyMatched: Number(row.partly_matched),
  unmatched: Number(row.unmatched),
  duplicates: Number(row.duplicates),
  warnings: typeof row.warnings === 'string' ? (JSON.parse(row.warnings) as ImportRecord['warnings']) : row.warnings,
  startedAt: new Date(row.started_at).toISOString(),
  finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
  error: row.error,
});

/** A running import whose process stopped shows as interrupted once it has made no progress for this long. */
const SELECT = `SELECT *, CASE WHEN status = 'running' AND heartbeat_at < now() - interval '5 minutes' THEN 'interrupted' ELSE status END AS shown_status FROM pay_imports`;

/** Parser warnings kept with the report; a huge file's thousands of identical warnings are capped. */
const MAX_WARNINGS = 200;

@Injectable()
export class ImportRegistry implements OnModuleInit {
  constructor(@Inject(SQL_CLIENT) private readonly sql: SqlClient) {}

  async onModuleInit(): Promise<void> {
    await migrate(this.sql, [
      `CREATE TABLE IF NOT EXISTS pay_imports (
      import_id text PRIMARY KEY,
      company_id text NOT NULL,
      file_name text,
      file_sha256 text NOT NULL,
      format text NOT NULL,
      source text NOT NULL,
      status text NOT NULL,
      payments integer NOT NULL,
      processed integer NOT NULL DEFAULT 0,
      matched integer NOT NULL DEFAULT 0,
      partly_matched integer NOT NULL DEFAULT 0,
      unmatched integer NOT NULL DEFAULT 0,
      duplicates integer NOT NULL DEFAULT 0,
      warnings jsonb NOT NULL DEFAULT '[]',
      started_at timestamptz NOT NULL DEFAULT now(),
      heartbeat_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      error text
    )`,
      'CREATE INDEX IF NOT EXISTS pay_imports_company ON pay_imports (company_id, started_at DESC)',
    ]);
  }

  /** Starts the record; false when this import id is taken already (a client reused its id). */
  async start(companyId: string, importId: string, file: { name?: string; sha256: string; format: string; source: ImportSource; payments: number; warnings: ImportRecord['warnings'] }): Promise<boolean> {
    const { rows } = await this.sql.query<{ import_id: string }>(
      `INSERT INTO pay_imports (import_id, company_id, file_name, file_sha256, format, source, status, payments, warnings)
       VALUES ($1,$2,$3,$4,$5,$6,'running',$7,$8) ON CONFLICT (import_id) DO NOTHING RETURNING import_id`,
      [importId, companyId, file.name ?? null, file.sha256, file.format, file.source, file.payments, JSON.stringify(file.warnings.slice(0, MAX_WARNINGS))],
    );
    return rows.length === 1;
  }

  async progress(importId: string, processed: number): Promise<void> {
    await this.sql.query('UPDATE pay_imports SET processed = $2, heartbeat_at = now() WHERE import_id = $1', [importId, processed]);
  }

  async finish(importId: string, counts: { matched: number; partlyMatched: number; unmatched: number; duplicates: number }): Promise<void> {
    await this.sql.query(
      `UPDATE pay_imports SET status = 'done', processed = payments, matched = $2, partly_matched = $3, unmatched = $4, duplicates = $5, finished_at = now()
       WHERE import_id = $1`,
      [importId, counts.matched, counts.partlyMatched, counts.unmatched, counts.duplicates],
    );
  }

  /** An import cut short by an error: what was committed stands, and importing the file again continues it. */
  async fail(importId: string, error: string): Promise<void> {
    await this.sql.query(`UPDATE pay_imports SET status = 'failed', error = $2, finished_at = now() WHERE import_id = $1`, [importId, error]);
  }

  /** One import of the company; without a company (an operator), of any company. */
  async get(companyId: string | undefined, importId: string): Promise<ImportRecord | null> {
    const { rows } = await this.sql.query<Row>(`${SELECT} WHERE ($1::text IS NULL OR company_id = $1) AND import_id = $2`, [companyId ?? null, importId]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** The earlier import of the very same file, if any (re-importing it books nothing twice). */
  async sameFile(companyId: string, sha256: string, except: string): Promise<ImportRecord | null> {
    const { rows } = await this.sql.query<Row>(
      `${SELECT} WHERE company_id = $1 AND file_sha256 = $2 AND import_id <> $3 ORDER BY started_at LIMIT 1`,
      [companyId, sha256, except],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async list(companyId: string, limit: number): Promise<ImportRecord[]> {
    const { rows } = await this.sql.query<Row>(`${SELECT} WHERE company_id = $1 ORDER BY started_at DESC, import_id LIMIT $2`, [companyId, limit]);
    return rows.map(toRecord);
  }
}
