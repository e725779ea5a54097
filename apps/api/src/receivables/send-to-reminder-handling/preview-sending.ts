/**
 * `POST /api/reminder-cases/preview`: what sending these invoices to reminder handling would do, before
 * anything is sent — per invoice the claim (the customer's share for ROT, RUT and green technology),
 * the fees that may be added, the interest rate, and whether the domain would accept it or why not. The
 * verdict is the domain's own decision on the invoice's current state, so the preview never promises
 * what the send would refuse. Activation is left out (the web app's guide handles it first).
 */
import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { type IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import {
  type ReceivableEvent,
  type ReceivableState,
  STATUTORY_MARGIN_BASIS_POINTS,
  applicableFees,
  customerShareOre,
  expectedClaim,
  fold,
  isDomainError,
  receivableDecider,
  remainingClaimOre,
  stockholmDate,
  streams,
} from '@pm/domain';
import { type EventStore } from '@pm/event-store';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, Matches } from 'class-validator';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { EVENT_STORE } from '../../infrastructure/database/tokens';
import { Clock } from '../../infrastructure/event-sourcing/clock';
import { CallerCompany, Caller } from '../../shared/auth/auth.guard';
import { type TokenClaims } from '../../shared/auth/tokens';

export class PreviewSendingDto {
  @ApiProperty({ type: [String], example: ['1001', '1002'], description: '1 to 500 invoice numbers' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._\-/]{0,49}$/, { each: true, message: 'each invoice number is 1–50 letters, digits, dots, dashes, underscores or slashes' })
  invoiceNumbers!: string[];
}

export class FeeDto {
  @ApiProperty({ enum: ['reminder_fee', 'debt_collection_fee', 'late_payment_compensation'] }) kind!: string;
  @ApiProperty() amountOre!: number;
}

export class RefusalDto {
  @ApiProperty() code!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The figures behind the refusal, e.g. lastDayToPay' })
  details?: Record<string, unknown>;
}

export class SendingPreviewItemDto {
  @ApiProperty() invoiceNumber!: string;
  @ApiProperty({ description: 'The invoice exists' }) found!: boolean;
  @ApiPropertyOptional({ nullable: true, type: String }) customerName!: string | null;
  @ApiPropertyOptional({ nullable: true, type: Boolean }) customerIsCompany!: boolean | null;
  @ApiProperty() totalOre!: number;
  @ApiProperty({ description: 'Total minus tax reduction' }) customerShareOre!: number;
  @ApiPropertyOptional({ nullable: true, type: String, enum: ['ROT', 'RUT', 'GREEN_TECH'] }) taxReductionType!: string | null;
  @ApiProperty({ description: 'What the case will claim: the customer share minus payments (send it back as confirmedClaimOre)' }) claimOre!: number;
  @ApiProperty({ description: 'Interest accrued until today, öre (dröjsmålsränta)' }) interestSoFarOre!: number;
  @ApiProperty({ description: 'Dröjsmålsränta per year in basis points: the reference rate + 8 percentage points' }) interestRateBasisPoints!: number;
  @ApiProperty({ type: [FeeDto], description: 'Statutory fees the partner may add as the case goes on (a reminder fee only if agreed with the customer)' })
  possibleFees!: FeeDto[];
  @ApiProperty({ description: 'The domain would accept sending it now' }) canSend!: boolean;
  @ApiPropertyOptional({ nullable: true, type: RefusalDto, description: 'Why not, in plain words' }) refusal!: RefusalDto | null;
}

export class SendingPreviewDto {
  @ApiProperty({ type: [SendingPreviewItemDto] }) items!: SendingPreviewItemDto[];
}

export class PreviewSendingQuery {
  constructor(
    readonly companyId: string,
    readonly invoiceNumbers: string[],
    readonly actor: { kind: 'user'; id: string },
  ) {}
}

@QueryHandler(PreviewSendingQuery)
export class PreviewSendingHandler implements IQueryHandler<PreviewSendingQuery, SendingPreviewDto> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async execute({ companyId, invoiceNumbers, actor }: PreviewSendingQuery): Promise<SendingPreviewDto> {
    const now = this.clock.now().toISOString();
    const today = stockholmDate(now);
    const unique = [...new Set(invoiceNumbers)];
    const read = await this.store.readStreams(unique.map((n) => streams.receivable(companyId, n)));
    const rate = [...this.config.referenceRates].reverse().find((r) => r.from <= today);
    const interestRateBasisPoints = (rate?.rateBasisPoints ?? 0) + STATUTORY_MARGIN_BASIS_POINTS;
    return {
      items: unique.map((invoiceNumber) => {
        const history = read.get(streams.receivable(companyId, invoiceNumber))?.events ?? [];
        const state = fold(receivableDecider, history as unknown as ReceivableEvent[]);
        return this.item(invoiceNumber, state, now, today, interestRateBasisPoints, actor);
      }),
    };
  }

  private item(invoiceNumber: string, state: ReceivableState, now: string, today: string, interestRateBasisPoints: number, actor: PreviewSendingQuery['actor']): SendingPreviewItemDto {
    const invoice = state.invoice;
    let refusal: RefusalDto | null = null;
    try {
      receivableDecider.decide({ type: 'SendToReminderHandling', now, actor, data: { caseId: 'preview', companyActive: true } }, state);
    } catch (error) {
      if (!isDomainError(error)) throw error;
      refusal = { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
    }
    if (!invoice)
      return { invoiceNumber, found: false, customerName: null, customerIsCompany: null, totalOre: 0, customerShareOre: 0, taxReductionType: null, claimOre: 0, interestSoFarOre: 0, interestRateBasisPoints, possibleFees: [], canSend: false, refusal };
    const claimOre = remainingClaimOre(state);
    const isCompany = invoice.customer.isCompany;
    let interestSoFarOre = 0;
    try {
      interestSoFarOre = expectedClaim({ capitalOre: claimOre, dueDate: invoice.dueDate, asOf: today, debtorIsCompany: isCompany, reminderFeeAgreed: false, stage: 'reminder', rates: this.config.referenceRates }).interestOre;
    } catch {
      // Rates not configured back to the due date: the partner computes the interest; we show none.
    }
    return {
      invoiceNumber,
      found: true,
      customerName: invoice.customer.name,
      customerIsCompany: isCompany,
      totalOre: invoice.totalOre,
      customerShareOre: customerShareOre(invoice),
      taxReductionType: invoice.taxReduction?.type ?? null,
      claimOre,
      interestSoFarOre,
      interestRateBasisPoints,
      // Everything the law allows over the case's life: with a reminder fee only where agreed, which the invoice does not say.
      possibleFees: applicableFees({ debtorIsCompany: isCompany, reminderFeeAgreed: true, stage: 'debt_collection', on: today }),
      canSend: refusal === null,
      refusal,
    };
  }
}

@ApiTags('reminder cases')
@ApiBearerAuth()
@Controller('api/reminder-cases')
export class PreviewSendingController {
  constructor(private readonly queries: QueryBus) {}

  @Post('preview')
  @HttpCode(200)
  @ApiOkResponse({ type: SendingPreviewDto, description: 'What sending would do, invoice by invoice; nothing is stored' })
  preview(@CallerCompany() companyId: string, @Caller() caller: TokenClaims, @Body() body: PreviewSendingDto): Promise<SendingPreviewDto> {
    return this.queries.execute(new PreviewSendingQuery(companyId, body.invoiceNumbers, { kind: 'user', id: caller.sub }));
  }
}
