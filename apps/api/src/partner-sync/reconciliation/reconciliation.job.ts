/**
 * Periodically compares every open case with the partner's view and heals what diverged (a lost
 * registration answer, a missed update, a case the partner no longer has), writing its findings into
 * the case's audit trail. Interval: AMILI_RECONCILE_INTERVAL_MS.
 *
 * A round walks the open cases page by page (never all of them in memory) and asks the partner about
 * AMILI_CONCURRENCY of them at a time: each question mostly waits for the partner, and with thousands of
 * open cases one at a time a round would take longer than its interval. Open cases belong to different
 * invoices (one current case per invoice), so nothing of one invoice runs twice at once. A round stops
 * between cases when the application shuts down; the next one starts from the beginning.
 */
import { Inject, Injectable } from '@nestjs/common';
import { PeriodicJob } from '../../infrastructure/periodic-job';
import { AmiliAdapter } from '@pm/amili-adapter';
import { isDomainError } from '@pm/domain';
import { type SqlClient } from '@pm/event-store';
import { APP_CONFIG, type AppConfig, DEFAULT_PARTNER_CONCURRENCY } from '../../config/app-config';
import { inLanes } from '../../infrastructure/lanes';
import { SQL_CLIENT } from '../../infrastructure/database/tokens';
import { CaseLookup, type CaseRef, ReceivableCommands } from '../../receivables';
import { PARTNER_ACTOR } from '../../infrastructure/partner/amili.provider';
import { PartnerCaseSync } from '../inbound/partner-case-sync';
import { OUTBOX_TABLE, enqueue } from '../outbox/partner-outbox.projection';
import { orderingKey } from '../outbox/partner-jobs';

@Injectable()
export class ReconciliationJob extends PeriodicJob {
  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly partner: AmiliAdapter,
    private readonly cases: CaseLookup,
    private readonly receivables: ReceivableCommands,
    private readonly sync: PartnerCaseSync,
  ) {
    super();
  }

  protected interval(): number {
    return this.config.partner!.reconcileIntervalMs;
  }

  /** Open cases read per page (a property so that tests can walk several pages with few cases). */
  protected pageSize = 200;

  protected async work(): Promise<number> {
    const lanes = this.config.partner?.concurrency ?? DEFAULT_PARTNER_CONCURRENCY;
    let diverged = 0;
    for (let after: string | null = null; ; ) {
      const page = await this.cases.openCases(after, this.pageSize);
      const { halted } = await inLanes(
        page,
        lanes,
        async (ref) => {
          try {
            if (await this.reconcile(ref)) diverged++;
          } catch (error) {
            this.logger.warn(`Could not reconcile case ${ref.caseId}: ${(error as Error).message}`);
          }
        },
        () => !this.stopping,
      );
      if (halted || page.length < this.pageSize) return diverged;
      after = page[page.length - 1]!.caseId;
    }
  }

  private async reconcile(ref: CaseRef): Promise<boolean> {
    const view = ref.partnerCaseId ? await this.partner.getCase(ref.partnerCaseId) : null;
    if (!view) return this.missingAtPartner(ref);
    const { findings } = await this.sync.apply(view, 'reconcile');
    await this.record(ref, findings);
    return findings.length > 0;
  }

  /** The partner has no case for it: unless the registration is still queued, register it again. */
  private async missingAtPartner(ref: CaseRef): Promise<boolean> {
    const { rows } = await this.sql.query<{ n: string | number }>(
      `SELECT count(*) AS n FROM ${OUTBOX_TABLE} WHERE ordering_key = $1 AND status = 'pending'`,
      [orderingKey({ kind: 'register_case', companyId: ref.companyId, invoiceNumber: ref.invoiceNumber, caseId: ref.caseId, claimOre: 0 })],
    );
    if (Number(rows[0].n) > 0) return false;
    const { state } = await this.receivables.state(ref.companyId, ref.invoiceNumber);
    const current = state.currentCase;
    if (!current || current.caseId !== ref.caseId) return false;
    const attempt = Date.now();
    await enqueue(this.sql, `${ref.caseId}:reregister:${attempt}`, {
      kind: 'register_case',
      companyId: ref.companyId,
      invoiceNumber: ref.invoiceNumber,
      caseId: ref.caseId,
      claimOre: current.initialClaimOre,
    });
    await this.record(ref, [
      ref.partnerCaseId
        ? `The partner no longer has case ${ref.partnerCaseId}; it is registered again.`
        : 'The partner has no case for this invoice although its registration is done; it is registered again.',
    ]);
    return true;
  }

  private async record(ref: CaseRef, findings: string[]): Promise<void> {
    if (findings.length === 0) return;
    await this.receivables
      .run(
        ref.companyId,
        ref.invoiceNumber,
        (base) => ({ type: 'RecordReconciliation', ...base, data: { caseId: ref.caseId, findings } }),
        { actor: PARTNER_ACTOR, correlationId: `reconcile:${ref.caseId}`, causationId: `reconcile:${ref.caseId}` },
        undefined,
        { partnerReference: ref.partnerCaseId },
      )
      .catch((error) => {
        if (!isDomainError(error)) throw error;
      });
  }
}
