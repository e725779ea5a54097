/**
 * Brings one of our cases to the partner's truth: finds the case a partner view is about, asks the
 * adapter which domain commands close the gap, and runs them as the partner. Used by polling, by push
 * notifications and by reconciliation alike, so all three behave the same. The view is the partner's
 * whole current state, not a delta: a duplicated or reordered update therefore changes nothing.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AmiliAdapter, type PartnerCaseView } from '@pm/amili-adapter';
import { type ReceivableState, isDomainError, remainingClaimOre, stockholmDate } from '@pm/domain';
import { type SqlClient } from '@pm/event-store';
import { Clock } from '../../infrastructure/event-sourcing/clock';
import { SQL_CLIENT } from '../../infrastructure/database/tokens';
import { CaseLookup, ReceivableCommands } from '../../receivables';
import { type CommandContext } from '../../shared/http/command-context';
import { PARTNER_ACTOR } from '../../infrastructure/partner/amili.provider';

export interface SyncOutcome {
  caseId: string | null;
  applied: string[];
  findings: string[];
}

@Injectable()
export class PartnerCaseSync {
  private readonly logger = new Logger(PartnerCaseSync.name);

  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    private readonly clock: Clock,
    private readonly partner: AmiliAdapter,
    private readonly receivables: ReceivableCommands,
    private readonly cases: CaseLookup,
  ) {}

  async apply(view: PartnerCaseView, reason: 'poll' | 'push' | 'reconcile'): Promise<SyncOutcome> {
    // A partner case belongs only to the case whose registration recorded its id: never attached by
    // invoice number (the invoice may have had an earlier case). Not known yet → its registration answer
    // is still being recorded (the job retries until the partner answers); reconciliation catches up.
    const place = await this.cases.byPartnerCaseId(view.partnerCaseId);
    if (!place) return { caseId: null, applied: [], findings: [] };
    const { state } = await this.receivables.state(place.companyId, place.invoiceNumber);
    const current = state.currentCase;
    // Only the current case follows the partner; an earlier case of the same invoice is history.
    if (!current || current.caseId !== place.caseId) return { caseId: null, applied: [], findings: [] };
    const seen = await this.lastApplied(view.partnerCaseId);
    const { commands, findings } = this.partner.convergeCommands(
      view,
      { ...ours(state), partnerUpdatedAt: seen },
      { today: stockholmDate(this.clock.now()) },
    );
    const context: CommandContext = {
      actor: PARTNER_ACTOR,
      correlationId: `partner:${view.partnerCaseId}:${view.etag}`,
      causationId: `partner:${reason}:${view.partnerCaseId}:${view.etag}`,
    };
    const applied: string[] = [];
    for (const command of commands) {
      try {
        await this.receivables.run(
          place.companyId,
          place.invoiceNumber,
          (base) => ({ ...command, ...base }) as never,
          context,
          undefined,
          { partnerReference: view.partnerCaseId, partnerEtag: view.etag },
        );
        applied.push(command.type);
      } catch (error) {
        if (!isDomainError(error)) throw error;
        // Our domain refuses the step (e.g. a payment larger than what remains): keep the raw finding and stop here.
        findings.push(`Our case refused the partner's step ${command.type}: ${error.message}`);
        this.logger.warn(`Case ${current.caseId}: ${command.type} from the partner refused (${error.code})`);
        break;
      }
    }
    // Written only when the view is newer than the one remembered: a round of reconciliation over cases where
    // nothing changed writes nothing (text comparison, as the upsert's GREATEST: the partner's ISO timestamps).
    if (applied.length === commands.length && (seen === null || view.updatedAt > seen)) await this.remember(view);
    return { caseId: current.caseId, applied, findings };
  }

  /**
   * The newest partner view applied per partner case: an older view arriving late (a reordered push, a
   * stale page) is then ignored whole instead of re-opening a dispute a newer view already closed.
   */
  private async lastApplied(partnerCaseId: string): Promise<string | null> {
    const { rows } = await this.sql.query<{ updated_at: string }>(`SELECT updated_at FROM ${VIEWS_TABLE} WHERE partner_case_id = $1`, [partnerCaseId]);
    return rows[0]?.updated_at ?? null;
  }

  private async remember(view: PartnerCaseView): Promise<void> {
    await this.sql.query(
      `INSERT INTO ${VIEWS_TABLE} (partner_case_id, updated_at) VALUES ($1, $2)
       ON CONFLICT (partner_case_id) DO UPDATE SET updated_at = GREATEST(${VIEWS_TABLE}.updated_at, EXCLUDED.updated_at)`,
      [view.partnerCaseId, view.updatedAt],
    );
  }
}

const VIEWS_TABLE = 'sync_partner_views';

function ours(state: ReceivableState) {
  const current = state.currentCase!;
  return {
    caseId: current.caseId,
    status: current.status,
    stage: current.stage,
    partnerCaseId: current.partnerCaseId,
    paymentIds: state.paymentIds,
    remainingClaimOre: remainingClaimOre(state),
    pausedUntil: current.pausedUntil,
    needsAttention: current.needsAttention,
  };
}
