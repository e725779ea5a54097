/**
 * Executes the partner jobs queued by the outbox projection, oldest first and one at a time per invoice;
 * jobs of different invoices run side by side (AMILI_CONCURRENCY, default 4), since each one mostly waits
 * for the partner's answer.
 * Transient failures are retried with growing, jittered delays until the partner answers; once a call gets
 * through again after the partner was unreachable, the jobs that were waiting out their delay for the same reason
 * are due at once (an outage's backlog is not left to wait up to half a minute more); a refusal is
 * recorded on the case (status `rejected` with the partner's reason) or, for a stop or a report on a
 * case the partner has already closed, taken as done. Calls carry the job id as idempotency key, so a
 * retry after a crash or a lost answer never creates a second case at the partner.
 */
import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AmiliAdapter, PartnerRefusedError, PartnerUnavailableError, isAlreadyClosed } from '@pm/amili-adapter';
import { companyDecider, isDomainError, streams } from '@pm/domain';
import { type SqlClient } from '@pm/event-store';
import { APP_CONFIG, type AppConfig, DEFAULT_PARTNER_CONCURRENCY } from '../../config/app-config';
import { CompanyDirectory } from '../../companies';
import { DecisionRunner } from '../../infrastructure/event-sourcing/decision-runner';
import { SQL_CLIENT } from '../../infrastructure/database/tokens';
import { inLanes } from '../../infrastructure/lanes';
import { Leases } from '../../infrastructure/leases/leases';
import { ReceivableCommands } from '../../receivables';
import { type CommandContext } from '../../shared/http/command-context';
import { PARTNER_ACTOR } from '../../infrastructure/partner/amili.provider';
import { OUTBOX_TABLE } from './partner-outbox.projection';
import { type PartnerJob, type QueuedJob } from './partner-jobs';

const IDLE_MS = 250;
/** The lease the outbox runs under (one instance calls the partner at a time). */
export const OUTBOX_LEASE = 'partner-outbox';
// Short enough that a partner back from an outage is caught up within half a minute.
const MAX_DELAY_MS = 30_000;

@Injectable()
export class OutboxWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxWorker.name);
  private stopped = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  /** The partner's count of answers when a job last found it unreachable (see `whenPartnerIsBack`). */
  private unreachableAtAnswer?: number;
  /** Creditor lookups in flight per company: concurrent jobs of one company link its creditor once. */
  private readonly creditorLookups = new Map<string, Promise<string>>();

  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly partner: AmiliAdapter,
    private readonly runner: DecisionRunner,
    private readonly receivables: ReceivableCommands,
    private readonly companies: CompanyDirectory,
    private readonly leases: Leases,
  ) {}

  onApplicationBootstrap(): void {
    this.loop = this.run();
  }

  /** Before the projections stop (onApplicationShutdown): a last job's command still sees its read models. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  /**
   * Runs every job that is due now; returns how many ran (tests call this directly). Only in the instance
   * that holds the outbox's lease, which it checks before each call to the partner, so with several
   * instances no job is ever being called by two at once.
   */
  async drain(): Promise<number> {
    let ran = 0;
    if (!(await this.leases.acquire(OUTBOX_LEASE))) return ran;
    const concurrency = this.config.partner?.concurrency ?? DEFAULT_PARTNER_CONCURRENCY;
    for (;;) {
      await this.whenPartnerIsBack();
      // At most one job per invoice is due at a time (claimDue), so the jobs of one batch may run side by side.
      const due = await this.claimDue(Math.max(20, concurrency * 4));
      if (due.length === 0) return ran;
      const { done, halted } = await inLanes(due, concurrency, (queued) => this.execute(queued), () => !this.stopped && this.leases.holds(OUTBOX_LEASE));
      ran += done;
      if (halted) return ran;
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.drain();
      } catch (error) {
        this.logger.error('The partner outbox failed; continuing', error as Error);
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, IDLE_MS).unref();
      });
    }
  }

  /** Due jobs whose predecessors for the same case are done. */
  private async claimDue(limit: number): Promise<QueuedJob[]> {
    const { rows } = await this.sql.query<{ job_id: string; job: QueuedJob['job'] | string; attempts: number }>(
      `SELECT job_id, job, attempts FROM ${OUTBOX_TABLE} o
       WHERE status = 'pending' AND next_attempt_at <= now()
         AND NOT EXISTS (SELECT 1 FROM ${OUTBOX_TABLE} p WHERE p.ordering_key = o.ordering_key AND p.status = 'pending' AND p.seq < o.seq)
       ORDER BY seq LIMIT $1`,
      [limit],
    );
    return rows.map((row) => ({ jobId: row.job_id, job: typeof row.job === 'string' ? JSON.parse(row.job) : row.job, attempts: row.attempts }));
  }

  private async execute({ jobId, job, attempts }: QueuedJob): Promise<void> {
    const context: CommandContext = { actor: PARTNER_ACTOR, correlationId: job.correlationId ?? jobId, causationId: jobId };
    try {
      const outcome = await this.perform(jobId, job, context);
      await this.sql.query(
        `UPDATE ${OUTBOX_TABLE} SET status = 'done', outcome = $2, attempts = $3, done_at = now(), last_error = NULL, waits_for_partner = false WHERE job_id = $1`,
        [jobId, outcome, attempts + 1],
      );
    } catch (error) {
      const delay = Math.min(MAX_DELAY_MS, 1000 * 2 ** Math.min(attempts, 12)) * (0.5 + Math.random() / 2);
      const message = error instanceof Error ? error.message : String(error);
      const unreachable = error instanceof PartnerUnavailableError;
      if (unreachable) this.unreachableAtAnswer = this.partner.answers;
      this.logger.warn(`Partner job ${job.kind} for ${'caseId' in job ? job.caseId : job.companyId} failed (attempt ${attempts + 1}): ${message}`);
      await this.sql.query(
        `UPDATE ${OUTBOX_TABLE} SET attempts = $2, last_error = $3, next_attempt_at = now() + ($4 || ' milliseconds')::interval, waits_for_partner = $5 WHERE job_id = $1`,
        [jobId, attempts + 1, message.slice(0, 1000), String(Math.round(delay)), unreachable],
      );
    }
  }

  /**
   * Once the partner has answered a call (any call: a job's, the poller's, reconciliation's) after a job found it
   * unreachable, the jobs waiting out a delay because of that are due now (the lanes still bound how many calls go
   * at once). Jobs that failed for other reasons keep their delays; a job that succeeds without calling the partner
   * (one with nothing left to do) proves nothing and changes nothing.
   */
  private async whenPartnerIsBack(): Promise<void> {
    if (this.unreachableAtAnswer === undefined || this.partner.answers <= this.unreachableAtAnswer) return;
    this.unreachableAtAnswer = undefined;
    const { rowCount } = await this.sql.query(
      `UPDATE ${OUTBOX_TABLE} SET next_attempt_at = now() WHERE status = 'pending' AND waits_for_partner AND next_attempt_at > now()`,
    );
    if (rowCount) this.logger.log(`The partner answers again: ${rowCount} waiting job(s) are due now`);
  }

  /** Does the call and records its result; returns a short outcome for the job row. Throws to retry. */
  private async perform(jobId: string, job: PartnerJob, context: CommandContext): Promise<string> {
    if (job.kind === 'link_creditor') {
      const creditorId = await this.creditorFor(job.companyId, context);
      return `linked ${creditorId}`;
    }
    const { state } = await this.receivables.state(job.companyId, job.invoiceNumber);
    const reminderCase = state.currentCase?.caseId === job.caseId ? state.currentCase : null;
    const partnerCaseId = reminderCase?.partnerCaseId ?? undefined;
    const creditorId = await this.creditorFor(job.companyId, context);
    // The outcome is recorded without waiting for the read models: nothing here reads them, and a lane that waited
    // for every projection batch would spend most of its time waiting (the next job of the invoice reads its stream).
    const record = (makeCommand: Parameters<ReceivableCommands['run']>[2], reference: string) =>
      this.receivables.run(job.companyId, job.invoiceNumber, makeCommand, context, undefined, { partnerReference: reference }, [], { waitForProjections: false }).catch((error) => {
        // The case moved on meanwhile (closed, already registered …): the partner call stands, nothing to record.
        if (isDomainError(error)) return null;
        throw error;
      });

    switch (job.kind) {
      case 'register_case': {
        if (!reminderCase || !state.invoice) return 'skipped: the case is not the current one';
        if (reminderCase.partnerCaseId) return `already registered as ${reminderCase.partnerCaseId}`;
        if (reminderCase.endedAt) {
          // An earlier attempt may have reached the partner and lost its answer (a crash, a dropped connection): the
          // partner then has an open case for the invoice that nothing of ours names. Its earlier cases were cancelled
          // before this job (one invoice's jobs run in order), so an open one is this registration's: recorded on the
          // ended case, so the audit trail and the cancellation that follows name it.
          const found = await this.partner.findCase({ creditorId, invoiceNumber: job.invoiceNumber });
          if (found && !found.closed) {
            await record(
              (base) => ({ type: 'RecordPartnerRegistration', ...base, data: { caseId: job.caseId, partnerCaseId: found.partnerCaseId, ...(found.ocr ? { partnerOcr: found.ocr } : {}) } }),
              found.partnerCaseId,
            );
            return `the case ended (${reminderCase.status}) before the answer; the partner has it as ${found.partnerCaseId}`;
          }
          return `skipped: the case ended (${reminderCase.status}) before registration`;
        }
        try {
          const registered = await this.partner.registerCase({ creditorId, caseId: jobId, invoice: state.invoice, claimOre: job.claimOre });
          await record(
            (base) => ({
              type: 'RecordPartnerRegistration',
              ...base,
              data: { caseId: job.caseId, partnerCaseId: registered.partnerCaseId, partnerOcr: registered.partnerOcr },
            }),
            registered.partnerCaseId,
          );
          return `registered as ${registered.partnerCaseId}`;
        } catch (error) {
          if (!(error instanceof PartnerRefusedError)) throw error;
          await record((base) => ({ type: 'RecordPartnerRejection', ...base, data: { caseId: job.caseId, reason: error.partnerMessage } }), jobId);
          return `refused: ${error.partnerMessage}`;
        }
      }
      case 'cancel_case':
        return this.settle(() => this.partner.cancelCase({ creditorId, invoiceNumber: job.invoiceNumber, partnerCaseId, reason: job.reason, idempotencyKey: jobId }));
      case 'request_respite':
        return this.settle(() => this.partner.requestRespite({ creditorId, invoiceNumber: job.invoiceNumber, partnerCaseId, until: job.until, idempotencyKey: jobId }));
      case 'report_payment':
        return this.settle(() =>
          this.partner.reportDirectPayment({
            creditorId,
            invoiceNumber: job.invoiceNumber,
            partnerCaseId,
            amountOre: job.amountOre,
            paidOn: job.paidOn,
            reference: job.reference ?? job.paymentId,
            idempotencyKey: jobId,
          }),
        );
    }
  }

  /** A creditor action: done when completed, and done too when the partner has already closed the case. */
  private async settle(call: () => Promise<{ outcome: string; messages: string[] }>): Promise<string> {
    try {
      const answer = await call();
      return [answer.outcome, ...answer.messages].join(': ');
    } catch (error) {
      if (error instanceof PartnerRefusedError) {
        if (isAlreadyClosed(error)) return `already closed at the partner: ${error.partnerMessage}`;
        this.logger.warn(`The partner refused: ${error.partnerMessage}`);
        return `refused: ${error.partnerMessage}`;
      }
      throw error;
    }
  }

  /** The company's creditor id at the partner, created or linked on first use (once, however many jobs ask). */
  private creditorFor(companyId: string, context: CommandContext): Promise<string> {
    const inFlight = this.creditorLookups.get(companyId);
    if (inFlight) return inFlight;
    const lookup = this.lookUpCreditor(companyId, context).finally(() => this.creditorLookups.delete(companyId));
    this.creditorLookups.set(companyId, lookup);
    return lookup;
  }

  private async lookUpCreditor(companyId: string, context: CommandContext): Promise<string> {
    const company = await this.companies.state(companyId);
    if (company.status !== 'registered') throw new Error(`Company ${companyId} is not registered`);
    if (company.partnerCreditorId) return company.partnerCreditorId;
    const { creditorId } = await this.partner.ensureCreditor({
      organisationNumber: company.organisationNumber,
      name: company.name,
      address: company.address,
    });
    await this.runner.run(
      companyDecider,
      streams.company(companyId),
      (now) => ({ type: 'LinkPartnerCreditor' as const, now, actor: context.actor, data: { creditorId } }),
      context,
      { metadata: { companyId, partnerReference: creditorId } },
    );
    return creditorId;
  }
}
