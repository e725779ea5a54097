/** The queue of payments a person has to place: list them, and match one to an invoice by hand. */
import { Body, Controller, Get, Inject, NotFoundException, Param, Post } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler, type IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { type IncomingPaymentFacts } from '@pm/domain';
import { type SqlClient } from '@pm/event-store';
import { IsNotEmpty, IsString, Matches } from 'class-validator';
import { SQL_CLIENT } from '../../infrastructure/database/tokens';
import { CallerCompany } from '../../shared/auth/auth.guard';
import { ErrorDto } from '../../shared/http/address.dto';
import { type CommandContext, Ctx } from '../../shared/http/command-context';
import { BankPaymentProcessor } from '../bank-payment-processor';

export class UnmatchedPaymentDto {
  @ApiProperty() paymentId!: string;
  @ApiProperty() bankReference!: string;
  @ApiProperty() amountOre!: number;
  @ApiProperty() bookingDate!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) payerName!: string | null;
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'OCR, invoice numbers and free text from the payment' })
  references!: IncomingPaymentFacts['references'];
  @ApiProperty({ enum: ['no_match', 'overpayment', 'ambiguous', 'reversal', 'nothing_to_claim', 'not_sek'] }) reason!: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'The invoice the payment most likely belongs to' }) suggestion!: string | null;
  @ApiProperty() importId!: string;
}

export class MatchPaymentDto {
  @ApiProperty({ example: '1001' })
  @IsString()
  @IsNotEmpty()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._\-/]{0,49}$/, { message: 'invoiceNumber is 1–50 letters, digits, dots, dashes, underscores or slashes' })
  invoiceNumber!: string;
}

export class MatchResultDto {
  @ApiProperty() paymentId!: string;
  @ApiProperty() invoiceNumber!: string;
  @ApiProperty({ enum: ['matched', 'partlyMatched'] }) outcome!: string;
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
}

export class ListUnmatchedPaymentsQuery {
  constructor(readonly companyId: string) {}
}

@QueryHandler(ListUnmatchedPaymentsQuery)
export class ListUnmatchedPaymentsHandler implements IQueryHandler<ListUnmatchedPaymentsQuery, UnmatchedPaymentDto[]> {
  constructor(@Inject(SQL_CLIENT) private readonly sql: SqlClient) {}

  async execute({ companyId }: ListUnmatchedPaymentsQuery): Promise<UnmatchedPaymentDto[]> {
    const { rows } = await this.sql.query<QueueRow>(
      `SELECT payment_id, bank_reference, amount_ore, booking_date, payer_name, payment, queue_reason, suggestion, import_id
       FROM rm_bank_payments WHERE company_id = $1 AND status = 'queued' ORDER BY booking_date, bank_reference LIMIT 1000`,
      [companyId],
    );
    return rows.map((row) => ({
      paymentId: row.payment_id,
      bankReference: row.bank_reference,
      amountOre: Number(row.amount_ore),
      bookingDate: row.booking_date,
      payerName: row.payer_name,
      references: (typeof row.payment === 'string' ? (JSON.parse(row.payment) as IncomingPaymentFacts) : row.payment).references,
      reason: row.queue_reason,
      suggestion: row.suggestion,
      importId: row.import_id,
    }));
  }
}

export class MatchPaymentManuallyCommand {
  constructor(
    readonly companyId: string,
    readonly paymentId: string,
    readonly invoiceNumber: string,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(MatchPaymentManuallyCommand)
export class MatchPaymentManuallyHandler implements ICommandHandler<MatchPaymentManuallyCommand, MatchResultDto> {
  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    private readonly processor: BankPaymentProcessor,
  ) {}

  async execute({ companyId, paymentId, invoiceNumber, context }: MatchPaymentManuallyCommand): Promise<MatchResultDto> {
    const { rows } = await this.sql.query<{ payment: IncomingPaymentFacts | string }>(
      'SELECT payment FROM rm_bank_payments WHERE payment_id = $1 AND company_id = $2',
      [paymentId, companyId],
    );
    if (!rows[0]) throw new NotFoundException({ code: 'PAYMENT.NOT_FOUND', message: 'There is no such incoming payment.' });
    const payment = typeof rows[0].payment === 'string' ? (JSON.parse(rows[0].payment) as IncomingPaymentFacts) : rows[0].payment;
    const outcome = await this.processor.matchByHand(companyId, payment, invoiceNumber, context);
    return { paymentId, invoiceNumber, outcome };
  }
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
  @ApiOkResponse({ type: [UnmatchedPaymentDto], description: 'Payments waiting for a person: unknown, overpaid, ambiguous, reversed or not in SEK' })
  list(@CallerCompany() companyId: string): Promise<UnmatchedPaymentDto[]> {
    return this.queries.execute(new ListUnmatchedPaymentsQuery(companyId));
  }

  @Post(':paymentId/match')
  @ApiCreatedResponse({ type: MatchResultDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'PAYMENT.ALREADY_MATCHED' })
  @ApiUnprocessableEntityResponse({ type: ErrorDto, description: 'PAYMENT.EXCEEDS_REMAINING and the other refusals of a payment on that invoice' })
  match(
    @CallerCompany() companyId: string,
    @Param('paymentId') paymentId: string,
    @Body() body: MatchPaymentDto,
    @Ctx() context: CommandContext,
  ): Promise<MatchResultDto> {
    return this.commands.execute(new MatchPaymentManuallyCommand(companyId, paymentId, body.invoiceNumber, context));
  }
}
