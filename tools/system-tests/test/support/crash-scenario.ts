/**
 * The crash scenario, shared by the CI suite (test/postgres/crash.postgres.spec.ts) and the soak
 * (`pnpm soak`, test/soak/crash.soak.ts): several clients send invoices to reminder handling, close some
 * cases and register payments, while the API is killed with kill -9 at random moments and started again (and,
 * when asked, the partner sandbox too: it keeps its state on disk, but its call log only since it started, so the
 * log is read just before each of its kills).
 * Every command carries its own X-Correlation-Id, and every acknowledged (2xx) one is recorded; then:
 *
 * - every acknowledged command's effect is in es_events (by its correlation id, and by the case and payment
 *   ids it answered);
 * - the read model converges to a fold of the log (rm_invoices against receivableDecider over each stream);
 * - every partner call took effect exactly once. "Exactly once" here means the effect at the partner, not
 *   the number of requests: a call may arrive more than once (a retry after a crash or a lost answer), and
 *   then it carries the same idempotency key and the partner answers it from its idempotency store without
 *   doing the work again (the sandbox's call log marks it `replayed`). So: one idempotency key per logical
 *   call (one registration per case, one cancellation per close, one payment report per payment), the work
 *   done under each key at most once, exactly one partner case per registered invoice, and as many
 *   creditor payments at the partner as payments registered on the case.
 */
import { type ReceivableEvent, type ReceivableState, receivableDecider } from '@pm/domain';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { type System, invoice } from './processes';

/** The crash checks wait for convergence while it makes progress, up to this long without any … */
const NO_PROGRESS_MS = 60_000;
/** … and this long in all. */
export const CONVERGE_MAX_MS = 300_000;

export type CommandKind = 'upsert' | 'send' | 'close' | 'payment';

export interface Acknowledged {
  kind: CommandKind;
  invoiceNumber: string;
  correlationId: string;
  status: number;
  caseId?: string;
  paymentId?: string;
}

export interface LoadOptions {
  /** How long the clients keep sending. */
  durationMs: number;
  /** How many kill -9s of the API, at random moments spread over the duration. */
  kills: number;
  /** How many kill -9s of the partner sandbox, likewise (default none). */
  partnerKills?: number;
  clients: number;
  /** Distinguishes this run's invoice numbers. */
  prefix: string;
  log?: (line: string) => void;
}

export interface LoadResult {
  acknowledged: Acknowledged[];
  /** Commands whose answer never came (the API died under them): their outcome is unknown, and not checked. */
  unknown: number;
  refused: number;
  kills: number;
  /** Milliseconds from each kill until the API answered /health again. */
  restartMs: number[];
  partnerKills: number;
  partnerRestartMs: number[];
  /** The partner's call log as it was just before each of its kills (a restart starts a new one). */
  partnerCallsBeforeKills: PartnerCall[];
}

/** An entry of the sandbox's call log (GET /_sandbox/calls). */
export interface PartnerCall {
  method: string;
  path: string;
  idempotencyKey: string | null;
  replayed: boolean;
  faulted: boolean;
  status: number;
  createdCases: string[];
  about: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runCrashLoad(system: System, token: string, options: LoadOptions): Promise<LoadResult> {
  const log = options.log ?? (() => undefined);
  const result: LoadResult = { acknowledged: [], unknown: 0, refused: 0, kills: 0, restartMs: [], partnerKills: 0, partnerRestartMs: [], partnerCallsBeforeKills: [] };
  let stopped = false;
  let apiDown = false;

  const command = async (kind: CommandKind, invoiceNumber: string, method: string, path: string, body?: unknown) => {
    const correlationId = `crash-${kind}-${randomUUID()}`;
    try {
      const response = await fetch(system.api.url + path, {
        method,
        headers: { authorization: `Bearer ${token}`, 'x-correlation-id': correlationId, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      const answer = (await response.json().catch(() => undefined)) as any;
      if (response.status >= 200 && response.status < 300) {
        const ack: Acknowledged = { kind, invoiceNumber, correlationId, status: response.status };
        if (kind === 'send') ack.caseId = answer?.caseId;
        if (kind === 'payment') ack.paymentId = answer?.paymentId;
        result.acknowledged.push(ack);
        return ack;
      }
      if (response.status >= 500) throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(answer)}`);
      result.refused += 1;
      return undefined;
    } catch (error) {
      if ((error as Error).message.includes(' answered 5')) throw error;
      // The connection died (or was refused while the API was down): the command may or may not have been stored.
      result.unknown += 1;
      await sleep(apiDown ? 200 : 50);
      return undefined;
    }
  };

  const client = async (id: number) => {
    for (let seq = 0; !stopped; seq++) {
      const number = `${options.prefix}-${id}-${seq}`;
      if (!(await command('upsert', number, 'PUT', `/api/invoices/${number}`, invoice(number)))) continue;
      if (!(await command('send', number, 'POST', `/api/invoices/${number}/reminder-case`))) continue;
      const dice = Math.random();
      if (dice < 0.3) await command('close', number, 'POST', `/api/invoices/${number}/reminder-case/close`, { reason: 'Kunden betalade direkt' });
      else if (dice < 0.55) await command('payment', number, 'POST', `/api/invoices/${number}/payments`, { amountOre: 40_000, paidOn: today(), reference: `P-${number}` });
      else if (dice < 0.7) await command('payment', number, 'POST', `/api/invoices/${number}/payments`, { amountOre: 125_000, paidOn: today(), reference: `F-${number}` });
    }
  };

  /** kill -9 and a restart, `kills` times at random moments: one in each equal slice of the duration (not in its first or last second). */
  const killer = async (kills: number, kill: (n: number, at: number) => Promise<void>) => {
    const slice = options.durationMs / kills;
    let elapsed = 0;
    for (let k = 0; k < kills && !stopped; k++) {
      const at = k * slice + 1000 + Math.random() * Math.max(0, slice - 2000);
      await sleep(Math.max(0, at - elapsed));
      elapsed = at;
      const killedAt = Date.now();
      await kill(k + 1, at);
      elapsed += Date.now() - killedAt;
    }
  };
  const killApi = async (n: number, at: number) => {
    const killedAt = Date.now();
    apiDown = true;
    await system.api.crash();
    result.kills += 1;
    await system.restartApi();
    apiDown = false;
    result.restartMs.push(Date.now() - killedAt);
    log(`kill -9 #${n} at ${(at / 1000).toFixed(1)} s; answering again after ${Date.now() - killedAt} ms`);
  };
  const killPartner = async (n: number, at: number) => {
    result.partnerCallsBeforeKills.push(...(await partnerCalls(system)));
    const killedAt = Date.now();
    await system.sandbox.crash();
    result.partnerKills += 1;
    await system.restartSandbox();
    result.partnerRestartMs.push(Date.now() - killedAt);
    log(`kill -9 #${n} of the partner sandbox at ${(at / 1000).toFixed(1)} s; answering again after ${Date.now() - killedAt} ms`);
  };

  const clients = Array.from({ length: options.clients }, (_, i) => client(i));
  const killing = Promise.all([killer(options.kills, killApi), options.partnerKills ? killer(options.partnerKills, killPartner) : undefined]);
  await sleep(options.durationMs);
  await killing;
  stopped = true;
  await Promise.all(clients);
  return result;
}

export interface CheckResult {
  streams: number;
  events: number;
  registeredInvoices: number;
  /** Of those, registered at the partner while the user closed the case here (the answer came after the close). */
  registeredAfterEnd: number;
  partnerCases: number;
  registrationCalls: number;
  replayedCalls: number;
  /** Idempotency keys whose work the call log does not show (lost with it in a partner crash; only its replays remain). */
  unloggedCalls: number;
  convergedAfterMs: number;
}

interface LogEvent {
  stream_id: string;
  stream_version: number;
  type: string;
  data: any;
  metadata: any;
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Fails (throws through jest's expect) unless everything the scenario promises holds. */
export async function verifyAfterCrashes(system: System, databaseUrl: string, load: LoadResult, prefix: string): Promise<CheckResult> {
  const started = Date.now();
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    // This run's invoices only (a soak runs round after round on one system).
    const ours = `receivable-%-${prefix}-%`;
    const readLog = async () =>
      (await db.query<LogEvent>(`SELECT stream_id, stream_version, type, data, metadata FROM es_events WHERE stream_id LIKE $1 ORDER BY stream_id, stream_version`, [ours])).rows;

    // 1. Every acknowledged command's effect is in the log.
    const expectedType: Record<CommandKind, string> = { upsert: 'InvoiceReceived', send: 'ReminderCaseRequested', close: 'ReminderCaseClosed', payment: 'PaymentRegistered' };
    const events = await readLog();
    const byCorrelation = new Map<string, LogEvent[]>();
    for (const e of events) byCorrelation.set(e.metadata.correlationId, [...(byCorrelation.get(e.metadata.correlationId) ?? []), e]);
    for (const ack of load.acknowledged) {
      const effects = (byCorrelation.get(ack.correlationId) ?? []).filter((e) => e.type === expectedType[ack.kind]);
      expect({ ack, effects: effects.length }).toEqual({ ack, effects: 1 });
      const effect = effects[0]!;
      expect(effect.stream_id.endsWith(`-${encodeURIComponent(ack.invoiceNumber)}`)).toBe(true);
      if (ack.caseId) expect(effect.data.caseId).toBe(ack.caseId);
      if (ack.paymentId) expect(effect.data.paymentId).toBe(ack.paymentId);
    }

    // 2. The read model converges to a fold of the log, and the partner to our cases (the outbox catches up after the last restart).
    const partnerCasesOf = async () => {
      const cases: { _id: string; invoice_number: string; status: string; closed: boolean; payments: { origin: string; amount: number }[] }[] = [];
      for (let page = 1; ; page++) {
        const list = await system.partner('GET', `/cases?max_results=500&page=${page}`);
        cases.push(...list.body._items);
        if (cases.length >= list.body._meta.total || list.body._items.length === 0) break;
      }
      return cases.filter((c) => c.invoice_number.startsWith(`${prefix}-`));
    };
    type Folded = { streamId: string; state: ReceivableState; version: number; events: LogEvent[] };
    const fold = (all: LogEvent[]): Folded[] => {
      const streams = new Map<string, LogEvent[]>();
      for (const e of all) streams.set(e.stream_id, [...(streams.get(e.stream_id) ?? []), e]);
      return [...streams].map(([streamId, list]) => ({
        streamId,
        events: list,
        version: list.length,
        state: list.reduce((state, e) => receivableDecider.evolve(state, { type: e.type, data: e.data } as ReceivableEvent), receivableDecider.initialState()),
      }));
    };
    type Converged = { folded: Folded[]; partnerCases: Awaited<ReturnType<typeof partnerCasesOf>> };
    // Converged, or how much is left at which stage (2: streams whose read model differs from the log and partner
    // jobs pending; 1: cases the partner has not caught up with) and what of it came first, for the message.
    const look = async (): Promise<{ settled?: Converged; stage: number; left: number; why: string }> => {
      const folded = fold(await readLog());
      const rows = (await db.query<{ stream_id: string; version: number; state: unknown }>(`SELECT stream_id, version, state FROM rm_invoices WHERE stream_id LIKE $1`, [ours])).rows;
      const rowOf = new Map(rows.map((r) => [r.stream_id, r]));
      const behind: string[] = [];
      for (const stream of folded) {
        const row = rowOf.get(stream.streamId);
        if (!row || row.version !== stream.version) behind.push(`${stream.streamId}: read model at version ${row?.version ?? 'none'}, log at ${stream.version}`);
        else if (JSON.stringify(sortKeys(row.state)) !== JSON.stringify(sortKeys(JSON.parse(JSON.stringify(stream.state))))) behind.push(`${stream.streamId}: read model's state differs from the log's fold`);
      }
      // The outbox has made every call it owes the partner …
      const pending = Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM sync_outbox WHERE status = 'pending'`)).rows[0]!.n);
      if (behind.length > 0 || pending > 0) {
        const jobs = pending > 0 ? (await db.query(`SELECT job->>'kind' AS kind, job->>'invoiceNumber' AS invoice, attempts, last_error FROM sync_outbox WHERE status = 'pending' ORDER BY seq LIMIT 3`)).rows : [];
        return { stage: 2, left: behind.length + pending, why: `${behind.length} streams behind (${behind.slice(0, 2).join('; ')}), ${pending} partner jobs pending (${JSON.stringify(jobs)})` };
      }
      // … so every case still open has been registered at the partner, and every closed one has been cancelled there.
      const partnerCases = await partnerCasesOf();
      const unsettled: string[] = [];
      for (const stream of folded) {
        const current = stream.state.currentCase;
        if (!current) continue;
        if (current.status === 'requested') unsettled.push(`${stream.streamId}: case ${current.caseId} still requested`);
        const theirs = partnerCases.filter((c) => c.invoice_number === stream.state.invoice?.invoiceNumber);
        if (current.status === 'closed' && theirs.some((c) => !c.closed)) unsettled.push(`${stream.streamId}: closed here, open at the partner (${JSON.stringify(theirs)})`);
      }
      if (unsettled.length > 0) return { stage: 1, left: unsettled.length, why: `${unsettled.length} cases not settled with the partner (${unsettled.slice(0, 2).join('; ')})` };
      return { settled: { folded, partnerCases }, stage: 0, left: 0, why: '' };
    };
    // Waits as long as what is left keeps shrinking, or moves on to a later stage (the partner stand-in works through
    // a backlog of calls one at a time), and fails once it has not for NO_PROGRESS_MS, or after CONVERGE_MAX_MS in all.
    let best = { stage: Number.POSITIVE_INFINITY, left: Number.POSITIVE_INFINITY };
    let progressAt = Date.now();
    let settled: Converged;
    for (;;) {
      const { settled: done, stage, left, why } = await look();
      if (done) {
        settled = done;
        break;
      }
      if (stage < best.stage || (stage === best.stage && left < best.left)) [best, progressAt] = [{ stage, left }, Date.now()];
      const stalled = Date.now() - progressAt > NO_PROGRESS_MS;
      if (stalled || Date.now() - started > CONVERGE_MAX_MS)
        throw new Error(`The read models and the partner did not converge (${stalled ? `no progress for ${NO_PROGRESS_MS / 1000} s` : `${CONVERGE_MAX_MS / 1000} s in all`}). Last look: ${why}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const { folded, partnerCases } = settled;

    // 3. Exactly one partner case per registered invoice: the one our log recorded.
    const casesByInvoice = new Map<string, string[]>();
    for (const c of partnerCases) casesByInvoice.set(c.invoice_number, [...(casesByInvoice.get(c.invoice_number) ?? []), c._id]);
    let registeredInvoices = 0;
    let registeredAfterEnd = 0;
    for (const stream of folded) {
      const invoiceNumber = stream.state.invoice!.invoiceNumber;
      // Registered while open, or registered at the partner while the case ended here (the user closed it, or a
      // payment settled it: the answer then recorded on the ended case, and the partner's case closed too).
      const registrations = stream.events.filter((e) => e.type === 'ReminderCaseRegistered' || e.type === 'ReminderCaseRegisteredAfterEnd');
      const registered = registrations.map((e) => e.data.partnerCaseId as string);
      if (registered.length > 0) registeredInvoices += 1;
      const atThePartner = casesByInvoice.get(invoiceNumber) ?? [];
      // One case was requested per invoice in this load: at most one registration, and every partner case is in our log.
      expect({ invoiceNumber, registered: registered.length <= 1, atThePartner }).toEqual({ invoiceNumber, registered: true, atThePartner: registered });
      if (registrations[0]?.type === 'ReminderCaseRegisteredAfterEnd') {
        registeredAfterEnd += 1;
        const ours = stream.state.currentCase?.status;
        const theirs = partnerCases.find((c) => c._id === registered[0])!.closed;
        expect({ invoiceNumber, ours: ours === 'closed' || ours === 'paid' ? 'ended' : ours, theirs }).toEqual({ invoiceNumber, ours: 'ended', theirs: true });
      }
    }
    expect([...casesByInvoice.keys()].filter((n) => !folded.some((s) => s.state.invoice?.invoiceNumber === n))).toEqual([]);

    // 4. The calls behind it: one key per logical call, its work done once, every repeat of a key absorbed as a replay.
    const calls = [...load.partnerCallsBeforeKills, ...(await partnerCalls(system))];
    const posts = calls.filter((c) => ['/case--registrations', '/creditor--cancellations', '/creditor--payments'].includes(c.path) && c.about.some((a) => a.startsWith(`${prefix}-`) || partnerCases.some((p) => p._id === a)));
    for (const call of posts) expect(call.idempotencyKey).toEqual(expect.any(String));
    let unlogged = 0;
    const byKey = new Map<string, typeof posts>();
    for (const call of posts) byKey.set(call.idempotencyKey!, [...(byKey.get(call.idempotencyKey!) ?? []), call]);
    for (const [key, attempts] of byKey) {
      const done = attempts.filter((a) => !a.faulted && !a.replayed && a.status < 500);
      // Under each key the work was done exactly once; every other arrival was a replay (or an injected failure before any work).
      // A partner crash loses the log's entries since it was last read (just before the kill): a call whose work was
      // saved may then show only its replays, or nothing. Its effect is checked on the partner's state instead (one
      // case per registered invoice, as many payments there as here, closed there when closed here).
      const once = done.length === 1 || (load.partnerKills > 0 && done.length === 0);
      if (done.length === 0) unlogged += 1;
      expect({ key, path: attempts[0]!.path, done: done.length, once, created: attempts.flatMap((a) => a.createdCases).length <= 1 }).toEqual({
        key,
        path: attempts[0]!.path,
        done: expect.any(Number),
        once: true,
        created: true,
      });
      expect(new Set(attempts.map((a) => a.about.join(','))).size).toBe(1);
    }
    // An action names the case by its partner id, or by the invoice number while we do not know that id yet.
    const keysPer = (path: string, ...subjects: string[]) => new Set(posts.filter((c) => c.path === path && c.about.some((a) => subjects.includes(a))).map((c) => c.idempotencyKey)).size;
    // After a partner crash the log may miss calls (see above): fewer keys than logical calls then, never more.
    const asLogged = (keys: number, calls: number) => (load.partnerKills > 0 && keys < calls ? calls : keys);
    for (const stream of folded) {
      const invoiceNumber = stream.state.invoice!.invoiceNumber;
      const registrationKeys = keysPer('/case--registrations', invoiceNumber);
      expect({ invoiceNumber, registrationKeys: casesByInvoice.has(invoiceNumber) ? asLogged(registrationKeys, 1) : registrationKeys }).toEqual({
        invoiceNumber,
        registrationKeys: casesByInvoice.has(invoiceNumber) ? 1 : expect.any(Number),
      });
      expect(keysPer('/case--registrations', invoiceNumber)).toBeLessThanOrEqual(1);
      const partnerCaseId = stream.state.currentCase?.partnerCaseId;
      if (!partnerCaseId) continue;
      // Our payments on the case were each reported once: as many creditor payments at the partner, under as many keys.
      const reported = stream.events.filter((e) => e.type === 'PaymentRegistered' && e.data.caseId === stream.state.currentCase!.caseId).length;
      const partnerCase = partnerCases.find((c) => c._id === partnerCaseId)!;
      const creditorPayments = partnerCase.payments.filter((p) => p.origin === 'creditor').length;
      if (creditorPayments !== reported) {
        // Say why: the outbox's jobs for the invoice and the partner calls about it.
        const jobs = (await db.query(`SELECT job->>'kind' AS kind, status, attempts, outcome, last_error FROM sync_outbox WHERE job->>'invoiceNumber' = $1 ORDER BY seq`, [invoiceNumber])).rows;
        const about = posts.filter((c) => c.about.includes(invoiceNumber) || c.about.includes(partnerCaseId));
        console.error(`${invoiceNumber}: ${reported} payments on the case, ${creditorPayments} at the partner\njobs: ${JSON.stringify(jobs)}\ncalls: ${JSON.stringify(about)}\nevents: ${JSON.stringify(stream.events.map((e) => [e.type, e.metadata.correlationId]))}\npartner: ${JSON.stringify(partnerCase)}`);
      }
      expect({ invoiceNumber, creditorPayments }).toEqual({ invoiceNumber, creditorPayments: reported });
      expect({ invoiceNumber, paymentKeys: asLogged(keysPer('/creditor--payments', partnerCaseId, invoiceNumber), reported) }).toEqual({ invoiceNumber, paymentKeys: reported });
      const closes = stream.events.filter((e) => e.type === 'ReminderCaseClosed').length;
      expect({ invoiceNumber, cancellationKeys: asLogged(keysPer('/creditor--cancellations', partnerCaseId, invoiceNumber), closes) }).toEqual({ invoiceNumber, cancellationKeys: closes });
    }

    return {
      streams: folded.length,
      events: folded.reduce((n, s) => n + s.events.length, 0),
      registeredInvoices,
      registeredAfterEnd,
      partnerCases: partnerCases.length,
      registrationCalls: posts.filter((c) => c.path === '/case--registrations').length,
      replayedCalls: posts.filter((c) => c.replayed).length,
      unloggedCalls: unlogged,
      convergedAfterMs: Date.now() - started,
    };
  } finally {
    await db.end();
  }
}

/** The partner's call log of POSTs since it last started. */
async function partnerCalls(system: System): Promise<PartnerCall[]> {
  return (await system.partner('GET', '/_sandbox/calls?method=POST')).body.calls;
}

/** JSON with its object keys sorted (jsonb does not keep the order they were written in). */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, sortKeys(v)]));
  return value;
}

/** A line per figure, for the suite's log and the soak's summary. */
export function describeRun(load: LoadResult, check: CheckResult, durationMs: number): string {
  const count = (kind: CommandKind) => load.acknowledged.filter((a) => a.kind === kind).length;
  const restarts = load.restartMs.length ? `${Math.min(...load.restartMs)}–${Math.max(...load.restartMs)} ms` : '–';
  const partner = load.partnerKills > 0 ? `; partner sandbox: ${load.partnerKills} kill -9 (back after ${Math.min(...load.partnerRestartMs)}–${Math.max(...load.partnerRestartMs)} ms)` : '';
  return [
    `load: ${(durationMs / 1000).toFixed(0)} s, ${load.kills} kill -9 of the API (back after ${restarts})${partner}`,
    `acknowledged: ${load.acknowledged.length} (upsert ${count('upsert')}, send ${count('send')}, close ${count('close')}, payment ${count('payment')}); refused ${load.refused}; answer lost in a crash ${load.unknown}`,
    `log: ${check.events} events in ${check.streams} invoice streams; every acknowledged command found`,
    `partner: ${check.partnerCases} cases for ${check.registeredInvoices} registered invoices (one each; ${check.registeredAfterEnd} of them answered after the case had ended here); ${check.registrationCalls} registration calls, ${check.replayedCalls} partner calls absorbed as replays of their idempotency key${check.unloggedCalls > 0 ? ` (${check.unloggedCalls} keys known only from their replays: the first call's log entry went down with the partner)` : ''}`,
    `converged (read models = fold of the log, partner = our cases) ${(check.convergedAfterMs / 1000).toFixed(1)} s after the load`,
  ].join('\n');
}
