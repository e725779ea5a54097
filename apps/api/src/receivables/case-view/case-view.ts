import { Controller, Get, Inject, NotFoundException, Param, ParseUUIDPipe } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { type IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import {
  ACTIVE_CASE_STATUSES,
  RECEIVABLE_ACTIONS,
  TERMINAL_CASE_STATUSES,
  type InvoiceDetails,
  type ReceivableState,
  type ReminderCase,
  allowedActions,
  expectedClaim,
  nextPlannedStep,
  remainingClaimOre,
  stockholmDate,
} from '@pm/domain';
import { type SqlClient } from '@pm/event-store';
import { Clock } from '../../infrastructure/event-sourcing/clock';
import { PartnerPortal } from '../../infrastructure/partner/amili.provider';
import { SQL_CLIENT } from '../../infrastructure/database/tokens';
import { CallerCompany } from '../../shared/auth/auth.guard';
import { ErrorDto } from '../../shared/http/address.dto';

const COLLECTION_STAGES = ['debt_collection', 'decision_required', 'enforcement', 'surveillance'];

export class FeeDto {
  @ApiProperty({ enum: ['reminder_fee', 'debt_collection_fee', 'late_payment_compensation'] }) kind!: string;
  @ApiProperty() amountOre!: number;
}

export class ExpectedClaimDto {
  @ApiProperty({ description: 'The day the figures are computed for' }) asOf!: string;
  @ApiProperty() capitalOre!: number;
  @ApiProperty({ description: 'Dröjsmålsränta: reference rate + 8 percentage points (räntelagen)' }) interestOre!: number;
  @ApiProperty({ type: [FeeDto], description: 'Statutory fees that may be added at this stage' }) fees!: FeeDto[];
  @ApiProperty() feesOre!: number;
  @ApiProperty() totalOre!: number;
  @ApiProperty({ description: 'A reference rate for part of the period is not configured yet; the latest known was used' })
  interestEstimated!: boolean;
}

export class NextStepDto {
  @ApiProperty({ enum: ['registration', 'reminder', 'debt_collection', 'decision', 'resume', 'dispute_resolution'] }) step!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) expectedOn!: string | null;
}

export class CaseInvoiceDto {
  @ApiProperty() invoiceNumber!: string;
  @ApiProperty() customerName!: string;
  @ApiProperty() customerIsCompany!: boolean;
  @ApiProperty() invoiceDate!: string;
  @ApiProperty() dueDate!: string;
  @ApiProperty() totalOre!: number;
  @ApiPropertyOptional({ enum: ['ROT', 'RUT', 'GREEN_TECH'] }) taxReductionType?: string;
  @ApiPropertyOptional() taxReductionOre?: number;
  @ApiProperty() paidOre!: number;
}

export class CaseView {
  @ApiProperty() caseId!: string;
  @ApiProperty({ type: CaseInvoiceDto }) invoice!: CaseInvoiceDto;
  @ApiProperty({ enum: [...ACTIVE_CASE_STATUSES, ...TERMINAL_CASE_STATUSES] })
  status!: string;
  @ApiProperty({ description: 'The collection stage (what a dispute or pause returns to)' }) stage!: string;
  @ApiProperty() open!: boolean;
  @ApiProperty({ description: 'The claim when the case was opened (öre)' }) initialClaimOre!: number;
  @ApiProperty({ description: 'What remains of the claim now (öre)' }) remainingClaimOre!: number;
  @ApiProperty() requestedAt!: string;
  @ApiProperty() requestedBy!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) partnerCaseId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: "The case in the partner's portal" }) portalUrl!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) partnerOcr!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) reminderSentOn!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) debtCollectionOn!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) pausedUntil!: string | null;
  @ApiProperty({ description: 'Fees the partner has added (öre)' }) feesOre!: number;
  @ApiPropertyOptional({ nullable: true, type: String }) endedAt!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) endReason!: string | null;
  @ApiPropertyOptional({ nullable: true, type: 'object', additionalProperties: true, description: 'An unknown partner state, kept raw' })
  needsAttention!: ReminderCase['needsAttention'];
  @ApiProperty({ enum: RECEIVABLE_ACTIONS, isArray: true }) allowedActions!: string[];
  @ApiPropertyOptional({ nullable: true, type: NextStepDto }) nextStep!: NextStepDto | null;
  @ApiPropertyOptional({ nullable: true, type: ExpectedClaimDto }) expectedClaim!: ExpectedClaimDto | null;
}

export class GetCaseQuery {
  constructor(
    readonly companyId: string,
    readonly caseId: string,
  ) {}
}

@QueryHandler(GetCaseQuery)
export class GetCaseHandler implements IQueryHandler<GetCaseQuery, CaseView> {
  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly portal: PartnerPortal,
  ) {}

  async execute({ companyId, caseId }: GetCaseQuery): Promise<CaseView> {
    const view = (await this.views([{ companyId, caseId }])).get(`${companyId}|${caseId}`);
    if (!view) throw new NotFoundException({ code: 'CASE.NOT_FOUND', message: 'There is no such reminder case.' });
    return view;
  }

  /** Several cases' views with one query (live clients get a batch's cases at once), by `company|case id`; each only for its own company. */
  async views(wanted: readonly { companyId: string; caseId: string }[]): Promise<Map<string, CaseView>> {
    const views = new Map<string, CaseView>();
    if (wanted.length === 0) return views;
    const { rows } = await this.sql.query<{ case_id: string; company_id: string; reminder_case: ReminderCase | string; receivable: ReceivableState | string }>(
      'SELECT case_id, company_id, reminder_case, receivable FROM rm_cases WHERE case_id = ANY($1::text[])',
      [wanted.map((w) => w.caseId)],
      { prepare: true },
    );
    const asked = new Set(wanted.map((w) => `${w.companyId}|${w.caseId}`));
    const now = this.clock.now().toISOString();
    for (const row of rows) {
      const key = `${row.company_id}|${row.case_id}`;
      if (asked.has(key)) views.set(key, this.toView(row.case_id, row, now));
    }
    return views;
  }

  private toView(caseId: string, row: { reminder_case: ReminderCase | string; receivable: ReceivableState | string }, now: string): CaseView {
    const parse = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);
    const reminderCase = parse(row.reminder_case);
    const state = parse(row.receivable);
    const invoice = state.invoice!;
    const isCurrent = state.currentCase?.caseId === caseId;
    const open = isCurrent && !reminderCase.endedAt;
    const remaining = isCurrent ? remainingClaimOre(state) : 0;
    return {
      caseId,
      invoice: {
        invoiceNumber: invoice.invoiceNumber,
        customerName: invoice.customer.name,
        customerIsCompany: invoice.customer.isCompany,
        invoiceDate: invoice.invoiceDate,
        dueDate: invoice.dueDate,
        totalOre: invoice.totalOre,
        ...(invoice.taxReduction ? { taxReductionType: invoice.taxReduction.type, taxReductionOre: invoice.taxReduction.amountOre } : {}),
        paidOre: state.paidOre,
      },
      status: reminderCase.status,
      stage: reminderCase.stage,
      open,
      initialClaimOre: reminderCase.initialClaimOre,
      remainingClaimOre: remaining,
      requestedAt: reminderCase.requestedAt,
      requestedBy: reminderCase.requestedBy,
      partnerCaseId: reminderCase.partnerCaseId,
      portalUrl: this.portal.forCase(reminderCase.partnerCaseId),
      partnerOcr: reminderCase.partnerOcr,
      reminderSentOn: reminderCase.reminderSentOn,
      debtCollectionOn: reminderCase.debtCollectionOn,
      pausedUntil: reminderCase.pausedUntil,
      feesOre: reminderCase.feesOre,
      endedAt: reminderCase.endedAt,
      endReason: reminderCase.endReason,
      needsAttention: reminderCase.needsAttention,
      allowedActions: isCurrent ? allowedActions(state, now).filter((a) => a !== 'send_to_reminder_handling') : [],
      nextStep: open ? nextPlannedStep(reminderCase) : null,
      expectedClaim: open ? this.expectedClaim(remaining, invoice, reminderCase, stockholmDate(now)) : null,
    };
  }

  /** The figures shown to the user; null when the configured rates or fees do not reach back to the due date. */
  private expectedClaim(capitalOre: number, invoice: InvoiceDetails, reminderCase: ReminderCase, asOf: string): ExpectedClaimDto | null {
    try {
      return {
        asOf,
        ...expectedClaim({
          capitalOre,
          dueDate: invoice.dueDate,
          asOf,
          debtorIsCompany: invoice.customer.isCompany,
          // Whether a reminder fee was agreed with the customer is not known from the invoice: do not assume it.
          reminderFeeAgreed: false,
          stage: COLLECTION_STAGES.includes(reminderCase.stage) ? 'debt_collection' : 'reminder',
          rates: this.config.referenceRates,
        }),
      };
    } catch (error) {
      if ((error as { code?: string }).code === 'INTEREST.RATE_UNKNOWN' || (error as { code?: string }).code === 'FEES.SCHEDULE_UNKNOWN') return null;
      throw error;
    }
  }
}

@ApiTags('reminder cases')
@ApiBearerAuth()
@Controller('api/cases')
export class CaseController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':caseId')
  @ApiOkResponse({ type: CaseView })
  @ApiNotFoundResponse({ type: ErrorDto })
  get(@CallerCompany() companyId: string, @Param('caseId', new ParseUUIDPipe({ exceptionFactory: caseNotFound })) caseId: string): Promise<CaseView> {
    return this.queries.execute(new GetCaseQuery(companyId, caseId));
  }
}

/** A malformed case id names no case: answer as for any unknown case. */
export function caseNotFound() {
  return new NotFoundException({ code: 'CASE.NOT_FOUND', message: 'There is no such reminder case.' });
}
