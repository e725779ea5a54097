/**
 * Tamper evidence of the event log: recomputes the hash chain of every stream (all, one company's, or one)
 * from the log itself and reports every edited, deleted or moved event with its stream and version
 * (`verifyStreamChain`), reading the log a page of streams at a time (`readStreams`, through the event store
 * port on every store) so it scales with the log. Which streams there are comes from an index of `es_events`
 * when the log is in the read models' database (a loose index scan, no event moved), and otherwise from one
 * pass over the log (KurrentDB: its `$all`, filtered to our streams), in both cases together with the streams
 * the audit trail read model knows (a stream deleted whole is only there).
 *
 * On KurrentDB events cannot be edited in place; what can happen to a stream there is a deletion (soft or
 * hard), a truncation (`$tb`, `$maxCount`, `$maxAge` in its metadata) or a scavenge: the first versions then
 * go missing (`missing`), or the stream reads as empty (`truncated` against the read model).
 *
 * What the chain cannot show (the last events of a stream deleted, a whole stream deleted, a tail rewritten
 * and re-hashed) is checked, as far as it can be, against witnesses outside the chain:
 * - the audit trail read model (`rm_audit`), which recorded each event's version and hash when it was
 *   appended: a stream it knows beyond the log's head was cut (`truncated`), an event whose hash differs from
 *   what it recorded was rewritten (`rewritten`). It lives in the same database, so it witnesses only what it
 *   recorded before the change, and nothing after a rebuild of the read models;
 * - heads kept elsewhere (`anchors`: an earlier run's `onStream` output), for evidence independent of the
 *   database.
 */
import { type ChainProblemKind, EVENTS_TABLE, type SqlClient, START, type StoredEvent, verifyStreamChain } from '@pm/event-store';
import { type LogAccess, sqlEventLog } from '../../infrastructure/database/event-log';

export type AuditChainProblemKind = ChainProblemKind | 'truncated' | 'rewritten';

export interface AuditChainProblem {
  kind: AuditChainProblemKind;
  streamId: string;
  streamVersion: number;
  eventId?: string;
  message: string;
}

/** A stream's head as verified: keep these outside the database to detect later truncation (see `anchors`). */
export interface StreamHead {
  streamId: string;
  companyId: string | null;
  /** Events of the stream in the log. */
  events: number;
  /** Its highest version in the log (0: no event left). */
  version: number;
  /** The hash of the event at that version. */
  hash: string | null;
  /** The highest version the audit trail read model recorded (null: it has none); the tail is witnessed up to there. */
  witnessedVersion: number | null;
}

export interface StreamAnchor {
  streamId: string;
  companyId?: string | null;
  version: number;
  hash: string | null;
}

export interface VerifyFilter {
  /** Only this company's streams (a UUID). */
  companyId?: string;
  /** Only this stream. */
  streamId?: string;
}

export interface VerifyOptions {
  /** Streams per page (default 200). */
  pageSize?: number;
  /** Called with each verified stream's head (to keep them elsewhere as anchors). */
  onStream?: (head: StreamHead) => void;
  /** Heads kept from an earlier run: a stream now shorter, or with another hash at that version, is reported. */
  anchors?: ReadonlyMap<string, StreamAnchor>;
}

export interface ChainVerification {
  /** No problem found (within the limits below). */
  verified: boolean;
  streams: number;
  events: number;
  problems: AuditChainProblem[];
  /** What could be checked of deletions at the heads of the streams. */
  heads: {
    /** 'rm_audit' when the audit trail read model was there to compare with. */
    witness: 'rm_audit' | null;
    /** Streams whose every event up to the head the read model had recorded. */
    witnessedToHead: number;
    /** Streams the read model had not (yet) recorded up to the head: a deletion of their last events cannot be shown. */
    notWitnessedToHead: number;
    /** Streams compared with a kept head (anchor). */
    anchored: number;
  };
  /** The honest statement of what this check cannot show. */
  limits: string;
}

export const CHAIN_LIMITS =
  'The hash chain shows an edited, moved or deleted event inside a stream. It cannot show that the LAST events of a ' +
  'stream were deleted (or a whole stream), nor a tail that was rewritten and re-hashed: what is left still links up. ' +
  'Those are checked only against the audit trail read model (rm_audit), which is in the same database and witnesses ' +
  'only what it recorded before the change (nothing after a rebuild of the read models), and against heads kept ' +
  'outside the database (audit verify --heads FILE, later --anchors FILE).';

interface WitnessRow {
  stream_id: string;
  stream_version: number;
  hash: string;
}

const group = <T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> => {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const list = map.get(key(item)) ?? [];
    list.push(item);
    map.set(key(item), list);
  }
  return map;
};

async function hasWitness(storage: Pick<LogAccess, 'sql'>): Promise<boolean> {
  const { rows } = await storage.sql.query<{ present: boolean }>(`select to_regclass('rm_audit') is not null as present`);
  return rows[0]!.present === true;
}

/**
 * The next `limit` distinct stream ids of `table` after `after`, by index probes (a loose index scan: one
 * probe of the (stream_id, stream_version) index per stream), so a page costs the same at the end of a
 * large log as at its start. (`select distinct … limit` would be planned as a scan of the whole table.)
 */
const distinctStreams = (table: string) => `
  (with recursive s(stream_id, n) as (
     (select stream_id, 1 from ${table} where stream_id > $1 order by stream_id limit 1)
     union all
     select (select t.stream_id from ${table} t where t.stream_id > s.stream_id order by t.stream_id limit 1), s.n + 1
       from s where s.stream_id is not null and s.n < $2
   ) select stream_id from s where stream_id is not null)`;

/** The next page of stream ids after `after` ('' for the first), of the log and of the read model (a stream only the read model knows was deleted). */
async function nextStreams(sql: SqlClient, after: string, limit: number, witness: boolean): Promise<string[]> {
  const log = distinctStreams(EVENTS_TABLE);
  const { rows } = await sql.query<{ stream_id: string }>(
    `select stream_id from (${witness ? `${log} union ${distinctStreams('rm_audit')}` : log}) s order by stream_id limit $2`,
    [after, limit],
  );
  return rows.map((row) => row.stream_id);
}

/** A stream is the company's by its first event in the log or in the read model, or by its name. */
const isCompanys = (streamId: string, companyId: string, logCompany: string | null | undefined, readCompany: string | null | undefined) =>
  logCompany === companyId || readCompany === companyId || streamId.includes(companyId);

/** The page's streams that are the company's (see isCompanys). */
async function companyStreams(sql: SqlClient, streamIds: string[], companyId: string, witness: boolean): Promise<string[]> {
  const { rows } = await sql.query<{ stream_id: string; log_company: string | null; read_company: string | null }>(
    `select s.stream_id,
            (select metadata->>'companyId' from ${EVENTS_TABLE} where stream_id = s.stream_id order by stream_version limit 1) as log_company,
            ${witness ? `(select company_id from rm_audit where stream_id = s.stream_id order by stream_version limit 1)` : 'null::text'} as read_company
       from unnest($1::text[]) as s(stream_id)`,
    [streamIds],
  );
  return rows.filter((row) => isCompanys(row.stream_id, companyId, row.log_company, row.read_company)).map((row) => row.stream_id);
}

/**
 * The streams to verify, a page at a time. SQL fast path with the log in this database: index probes per page,
 * no event read. Otherwise one pass over the log through the port collects every stream (with the company of its
 * first event), joined with the read model's streams: memory grows with the number of streams, not of events.
 */
async function* streamPages(storage: LogAccess, filter: VerifyFilter, pageSize: number, witness: boolean): AsyncIterable<string[]> {
  const sql = sqlEventLog(storage);
  const { streamId, companyId } = filter;
  if (streamId !== undefined) {
    if (!companyId) yield [streamId];
    else if (sql) yield await companyStreams(sql, [streamId], companyId, witness);
    else {
      const first = (await storage.store.readStream(streamId)).events[0];
      const read = witness
        ? (await storage.sql.query<{ company_id: string | null }>('select company_id from rm_audit where stream_id = $1 order by stream_version limit 1', [streamId])).rows[0]
        : undefined;
      const logCompany = typeof first?.metadata.companyId === 'string' ? first.metadata.companyId : null;
      yield isCompanys(streamId, companyId, logCompany, read?.company_id) ? [streamId] : [];
    }
    return;
  }
  if (sql) {
    for (let after = ''; ; ) {
      const page = await nextStreams(sql, after, pageSize, witness);
      if (page.length === 0) return;
      after = page[page.length - 1]!;
      yield filter.companyId ? await companyStreams(sql, page, filter.companyId, witness) : page;
    }
  }
  const logCompany = new Map<string, string | null>();
  const readPage = 5_000;
  for (let after = START; ; ) {
    const events = await storage.store.readAll({ after, limit: readPage });
    for (const event of events) if (!logCompany.has(event.streamId)) logCompany.set(event.streamId, typeof event.metadata.companyId === 'string' ? event.metadata.companyId : null);
    if (events.length < readPage) break;
    after = events[events.length - 1]!.globalPosition;
  }
  const readCompany = new Map<string, string | null>();
  if (witness) {
    const { rows } = await storage.sql.query<{ stream_id: string; company_id: string | null }>(
      'select distinct on (stream_id) stream_id, company_id from rm_audit order by stream_id, stream_version',
    );
    for (const row of rows) readCompany.set(row.stream_id, row.company_id);
  }
  const all = [...new Set([...logCompany.keys(), ...readCompany.keys()])].sort();
  const chosen = filter.companyId ? all.filter((streamId) => isCompanys(streamId, filter.companyId!, logCompany.get(streamId), readCompany.get(streamId))) : all;
  for (let i = 0; i < chosen.length; i += pageSize) yield chosen.slice(i, i + pageSize);
}

function checkStream(
  streamId: string,
  events: StoredEvent[],
  witnessed: WitnessRow[] | undefined,
  anchor: StreamAnchor | undefined,
): { problems: AuditChainProblem[]; head: Omit<StreamHead, 'companyId'> } {
  const problems: AuditChainProblem[] = events.length > 0 ? verifyStreamChain(events) : [];
  const flagged = new Set(problems.map((problem) => problem.streamVersion));
  const byVersion = new Map(events.map((event) => [event.streamVersion, event]));
  const head = events.reduce<StoredEvent | undefined>((a, b) => (a && a.streamVersion >= b.streamVersion ? a : b), undefined);
  const version = head?.streamVersion ?? 0;

  const witnessedVersion = witnessed?.length ? Math.max(...witnessed.map((row) => Number(row.stream_version))) : null;
  if (witnessedVersion !== null && witnessedVersion > version) {
    problems.push({
      kind: 'truncated',
      streamId,
      streamVersion: version + 1,
      message:
        version === 0
          ? `The whole stream was deleted: the audit trail had recorded ${witnessedVersion} event(s) of it`
          : `The log ends at version ${version} but the audit trail had recorded up to version ${witnessedVersion}: the last event(s) were deleted`,
    });
  }
  const rewritten = (witnessed ?? [])
    .map((row) => ({ version: Number(row.stream_version), hash: row.hash }))
    .sort((a, b) => a.version - b.version)
    .find((row) => !flagged.has(row.version) && byVersion.has(row.version) && byVersion.get(row.version)!.hash !== row.hash);
  if (rewritten) {
    problems.push({
      kind: 'rewritten',
      streamId,
      streamVersion: rewritten.version,
      eventId: byVersion.get(rewritten.version)!.metadata.eventId,
      message: `The event at version ${rewritten.version} is not the one the audit trail recorded (rewritten and re-hashed, with what follows)`,
    });
  }
  if (anchor) {
    const kept = byVersion.get(anchor.version);
    if (anchor.version > version)
      problems.push({
        kind: 'truncated',
        streamId,
        streamVersion: version + 1,
        message: `The log ends at version ${version} but the kept head is version ${anchor.version}: the last event(s) were deleted`,
      });
    else if (anchor.version > 0 && kept && !flagged.has(anchor.version) && kept.hash !== anchor.hash)
      problems.push({
        kind: 'rewritten',
        streamId,
        streamVersion: anchor.version,
        eventId: kept.metadata.eventId,
        message: `The event at version ${anchor.version} does not have the kept head's hash (rewritten and re-hashed)`,
      });
  }
  problems.sort((a, b) => a.streamVersion - b.streamVersion);
  return { problems, head: { streamId, events: events.length, version, hash: head?.hash ?? null, witnessedVersion } };
}

/** Verifies the chains of all streams, one company's, or one stream; see the module comment for what it can show. */
export async function verifyChains(storage: LogAccess, filter: VerifyFilter = {}, options: VerifyOptions = {}): Promise<ChainVerification> {
  const pageSize = options.pageSize ?? 200;
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`);
  const witness = await hasWitness(storage);
  const result: ChainVerification = {
    verified: true,
    streams: 0,
    events: 0,
    problems: [],
    heads: { witness: witness ? 'rm_audit' : null, witnessedToHead: 0, notWitnessedToHead: 0, anchored: 0 },
    limits: CHAIN_LIMITS,
  };
  const seenAnchors = new Set<string>();

  for await (const streamIds of streamPages(storage, filter, pageSize, witness)) {
    if (streamIds.length === 0) continue;

    // The read model first, then the log: whatever the read model recorded was in the log before, so an event
    // appended in between can never look deleted.
    const witnessed = witness
      ? group(
          (await storage.sql.query<WitnessRow>('select stream_id, stream_version, hash from rm_audit where stream_id = any($1::text[])', [streamIds])).rows,
          (row) => row.stream_id,
        )
      : new Map<string, WitnessRow[]>();
    const events = await storage.store.readStreams(streamIds);

    for (const streamId of streamIds) {
      const streamEvents = events.get(streamId)?.events ?? [];
      const streamWitness = witnessed.get(streamId);
      if (streamEvents.length === 0 && !streamWitness?.length) continue; // a stream that never was (one asked for by id)
      const anchor = options.anchors?.get(streamId);
      if (anchor) seenAnchors.add(streamId);
      const { problems, head } = checkStream(streamId, streamEvents, streamWitness, anchor);
      result.streams++;
      result.events += streamEvents.length;
      result.problems.push(...problems);
      if (head.witnessedVersion !== null && head.witnessedVersion >= head.version) result.heads.witnessedToHead++;
      else result.heads.notWitnessedToHead++;
      if (anchor) result.heads.anchored++;
      const companyId = (streamEvents[0]?.metadata.companyId as string | undefined) ?? filter.companyId ?? null;
      options.onStream?.({ ...head, companyId: typeof companyId === 'string' ? companyId : null });
    }
  }

  // Kept heads of streams that are gone from the log and the read model alike.
  for (const anchor of options.anchors?.values() ?? []) {
    if (seenAnchors.has(anchor.streamId) || anchor.version < 1) continue;
    if (filter.streamId !== undefined && anchor.streamId !== filter.streamId) continue;
    if (filter.companyId && anchor.companyId !== filter.companyId && !anchor.streamId.includes(filter.companyId)) continue;
    result.streams++;
    result.heads.anchored++;
    result.problems.push({
      kind: 'truncated',
      streamId: anchor.streamId,
      streamVersion: 1,
      message: `The whole stream was deleted: the kept head is version ${anchor.version}`,
    });
  }
  result.verified = result.problems.length === 0;
  return result;
}
