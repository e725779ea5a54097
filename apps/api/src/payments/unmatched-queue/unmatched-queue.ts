/**
 * The queue of payments a person has to place: list them, match one to invoices by hand (with an
 * overpayment accepted as the customer's credit, or split over several invoices), or dismiss one that
 * was settled outside reminder handling.
 */
import { BadRequestException, Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler, type IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { type Allocation, type IncomingPaymentFacts, QUEUE_REASONS } from '@pm/domain';
import { type SqlClient } from '@pm/event-store';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { SQL_CLIENT } from '../../infrastructure/database/tokens';
import { CallerCompany } from '../../shared/auth/auth.guard';
import { ErrorDto } from '../../shared/http/address.dto';
import { type CommandContext, Ctx } from '../../shared/http/command-context';
import { BankPaymentProcessor, type ManualPlacement } from '../matching/bank-payment-processor';

const INVOICE_NUMBER = /^[A-Za-z0-9][A-Za-z0-9._\-/]{0,49}$/;
const INVOICE_NUMBER_MESSAGE = 'invoiceNumber is 1–50 letters, digits, dots, dashes, underscores or slashes';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class PaymentReferenceDto {
  @ApiProperty({ enum: ['ocr', 'invoice_number', 'free_text'] }) kind!: string;
  @ApiProperty() value!: string;
}

export class UnmatchedPaymentDto {
  @ApiProperty() paymentId!: string;
  @ApiProperty() bankReference!: string;
  @ApiProperty() amountOre!: number;
  @ApiProperty({ example: 'SEK', description: 'ISO 4217; anything but SEK waits here as not_sek' }) currency!: string;
  @ApiProperty() bookingDate!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) payerName!: string | null;
  @ApiProperty({ type: [PaymentReferenceDto], description: 'OCR, invoice numbers and free text from the payment' }) references!: PaymentReferenceDto[];
  @ApiProperty({ description: 'A reversal takes money back (the bank returned a credit); it can only be dismissed' }) reversal!: boolean;
  @ApiProperty({ enum: QUEUE_REASONS }) reason!: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'The invoice (or partner payout) the payment most likely belongs to' }) suggestion!: string | null;
  @ApiProperty() importId!: string;
}

export class UnmatchedPageDto {
  @ApiProperty({ type: [UnmatchedPaymentDto] }) items!: UnmatchedPaymentDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}

export class UnmatchedQueryDto {
  @ApiPropertyOptional({ default: 1, minimum: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'page must be a whole number' })
  @Min(1)
  @Max(1_000_000)
  page?: number;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'pageSize must be a whole number' })
  @Min(1)
  @Max(500)
  pageSize?: number;
}

export class AllocationDto {
  @ApiProperty({ example: '1001' })
  @IsString()
  @Matches(INVOICE_NUMBER, { message: INVOICE_NUMBER_MESSAGE })
  invoiceNumber!: string;

  @ApiProperty({ example: 50_000, description: 'öre' })
  @IsInt({ message: 'amountOre must be a whole number of öre' })
  @Min(1)
  amountOre!: number;
}

export class MatchPaymentDto {
  @ApiPropertyOptional({ example: '1001', description: 'Place the whole payment on this invoice' })
  @IsOptional()
  @IsString()
  @Matches(INVOICE_NUMBER, { message: INVOICE_NUMBER_MESSAGE })
  invoiceNumber?: string;

  @ApiPropertyOptional({ description: 'With invoiceNumber: settle the invoice and keep what exceeds it as the customer’s credit (booked on 2420)' })
  @IsOptional()
  @IsBoolean()
  acceptOverpayment?: boolean;

  @ApiPropertyOptional({ type: [AllocationDto], description: 'Instead of invoiceNumber: the parts of the payment per invoice' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => AllocationDto)
  allocations?: AllocationDto[];

  @ApiPropertyOptional({ description: 'With allocations: the part kept as the customer’s credit, in öre' })
  @IsOptional()
  @IsInt({ message: 'overpaymentOre must be a whole number of öre' })
  @Min(0)
  overpaymentOre?: number;
}

export class MatchResultDto {
  @ApiProperty() paymentId!: string;
  @ApiProperty({ enum: ['matched', 'partlyMatched'] }) outcome!: string;
  @ApiProperty({ type: [AllocationDto] }) allocations!: AllocationDto[];
  @ApiProperty({ description: 'Kept as the customer’s credit (2420), in öre' }) overpaymentOre!: number;
}

export class DismissPaymentDto {
  @ApiProperty({ example: 'Återbetald till kunden' })
  @IsString()
  @IsNotEmpty({ message: 'reason is required' })
  @MaxLength(500)
  reason!: string;
}

interface QueueRow {
  payment_id: string;
  bank_reference: string;
  amount_ore: string | number;
  booking_date: string;
  payer_name: string | null;
  payment: IncomingPaymentFacts | string;
  queue_reason: string;
  suggestion: string | null;
  import_id: string;
  total: string | number;
}

const facts = (value: IncomingPaymentFacts | string): IncomingPaymentFacts => (typeof value === 'string' ? (JSON.parse(value) as IncomingPaymentFacts) : value);

export class ListUnmatchedPaymentsQuery {
  constructor(
    readonly companyId: string,
    readonly page: number,
    readonly pageSize: number,
  ) {}
}

@QueryHandler(ListUnmatchedPaymentsQuery)
export class ListUnmatchedPaymentsHandler implements IQueryHandler<ListUnmatchedPaymentsQuery, UnmatchedPageDto> {
  constructor(@Inject(SQL_CLIENT) private readonly sql: SqlClient) {}

  async execute({ companyId, page, pageSize }: ListUnmatchedPaymentsQuery): Promise<UnmatchedPageDto> {
    const { rows } = await this.sql.query<QueueRow>(
      `SELECT payment_id, bank_reference, amount_ore, booking_date, payer_name, payment, queue_reason, suggestion, import_id, count(*) OVER () AS total
       FROM rm_bank_payments WHERE company_id = $1 AND status = 'queued' ORDER BY booking_date, bank_reference LIMIT $2 OFFSET $3`,
      [companyId, pageSize, (page - 1) * pageSize],
    );
    return {
      items: rows.map((row) => ({
        paymentId: row.payment_id,
        bankReference: row.bank_reference,
        amountOre: Number(row.amount_ore),
        currency: facts(row.payment).currency ?? 'SEK',
        bookingDate: row.booking_date,
        payerName: row.payer_name,
        references: facts(row.payment).references.map((r) => ({ kind: r.kind, value: r.value })),
        reversal: facts(row.payment).reversal,
        reason: row.queue_reason,
        suggestion: row.suggestion,
        importId: row.import_id,
      })),
      total: rows[0] ? Number(rows[0].total) : 0,
      page,
      pageSize,
    };
  }
}

export class HandleQueuedPaymentCommand {
  constructor(
    readonly companyId: string,
    readonly paymentId: string,
    readonly action: { kind: 'match'; placement: ManualPlacement } | { kind: 'dismiss'; reason: string },
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(HandleQueuedPaymentCommand)
export class HandleQueuedPaymentHandler implements ICommandHandler<HandleQueuedPaymentCommand, MatchResultDto | void> {
  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    private readonly processor: BankPaymentProcessor,
  ) {}

  async execute({ companyId, paymentId, action, context }: HandleQueuedPaymentCommand): Promise<MatchResultDto | void> {
    const { rows } = await this.sql.query<{ bank_reference: string }>('SELECT bank_reference FROM rm_bank_payments WHERE payment_id = $1 AND company_id = $2', [
      UUID.test(paymentId) ? paymentId : '00000000-0000-0000-0000-000000000000',
      companyId,
    ]);
    if (!rows[0]) throw new NotFoundException({ code: 'PAYMENT.NOT_FOUND', message: 'There is no such incoming payment.' });
    if (action.kind === 'dismiss') return this.processor.dismiss(companyId, rows[0].bank_reference, action.reason, context);
    const result = await this.processor.matchByHand(companyId, rows[0].bank_reference, action.placement, context);
    return { paymentId, ...result };
  }
}

function placementOf(body: MatchPaymentDto): ManualPlacement {
  const byInvoice = body.invoiceNumber !== undefined;
  const byParts = body.allocations !== undefined;
  if (byInvoice === byParts)
    throw new BadRequestException({ code: 'REQUEST.INVALID', message: 'Name either invoiceNumber or allocations.', errors: [{ field: 'invoiceNumber', message: 'give invoiceNumber or allocations, not both' }] });
  if (byInvoice) {
    if (body.overpaymentOre !== undefined)
      throw new BadRequestException({ code: 'REQUEST.INVALID', message: 'overpaymentOre goes with allocations.', errors: [{ field: 'overpaymentOre', message: 'use acceptOverpayment with invoiceNumber' }] });
    return { invoiceNumber: body.invoiceNumber!, acceptOverpayment: body.acceptOverpayment === true };
  }
  if (body.acceptOverpayment !== undefined)
    throw new BadRequestException({ code: 'REQUEST.INVALID', message: 'acceptOverpayment goes with invoiceNumber.', errors: [{ field: 'acceptOverpayment', message: 'use overpaymentOre with allocations' }] });
  const allocations: Allocation[] = body.allocations!.map((a) => ({ invoiceNumber: a.invoiceNumber, amountOre: a.amountOre }));
  return { allocations, overpaymentOre: body.overpaymentOre ?? 0 };
}

@ApiTags('payments')
@ApiBearerAuth()
@Controller('api/payments')
export class UnmatchedQueueController {
  constructor(
    private readonly queries: QueryBus,
    private readonly commands: CommandBus,
  ) {}

  @Get('unmatched')
  @ApiOkResponse({ type: UnmatchedPageDto, description: 'Payments waiting for a person, oldest first: unknown, overpaid, ambiguous, on an invoice with nothing left to pay, reversed, not in SEK, or not fitting a partner payout' })
  list(@CallerCompany() companyId: string, @Query() query: UnmatchedQueryDto): Promise<UnmatchedPageDto> {
    return this.queries.execute(new ListUnmatchedPaymentsQuery(companyId, query.page ?? 1, query.pageSize ?? 50));
  }

  @Post(':paymentId/match')
  @ApiCreatedResponse({ type: MatchResultDto })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'PAYMENT.NOT_FOUND, INVOICE.NOT_FOUND' })
  @ApiConflictResponse({ type: ErrorDto, description: 'PAYMENT.ALREADY_MATCHED, PAYMENT.DISMISSED, INVOICE.CREDITED, PAYMENT.DUPLICATE' })
  @ApiUnprocessableEntityResponse({
    type: ErrorDto,
    description: 'PAYMENT.EXCEEDS_REMAINING (accept the overpayment to settle the invoice), PAYMENT.ALLOCATION_MISMATCH, INVOICE.NOTHING_TO_CLAIM, PAYMENT.IS_REVERSAL',
  })
  match(@CallerCompany() companyId: string, @Param('paymentId') paymentId: string, @Body() body: MatchPaymentDto, @Ctx() context: CommandContext): Promise<MatchResultDto> {
    return this.commands.execute(new HandleQueuedPaymentCommand(companyId, paymentId, { kind: 'match', placement: placementOf(body) }, context));
  }

  @Post(':paymentId/dismiss')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Dismissed: settled outside reminder handling' })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'PAYMENT.NOT_FOUND' })
  @ApiConflictResponse({ type: ErrorDto, description: 'PAYMENT.ALREADY_MATCHED' })
  async dismiss(@CallerCompany() companyId: string, @Param('paymentId') paymentId: string, @Body() body: DismissPaymentDto, @Ctx() context: CommandContext): Promise<void> {
    await this.commands.execute(new HandleQueuedPaymentCommand(companyId, paymentId, { kind: 'dismiss', reason: body.reason }, context));
  }
}
