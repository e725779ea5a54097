/** `GET /api/payments/payouts`: the partner's payouts to the company, and whether each has arrived in the bank. */
import { Controller, Get, Inject } from '@nestjs/common';
import { type IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { type PayoutItem } from '@pm/domain';
import { type SqlClient } from '@pm/event-store';
import { SQL_CLIENT } from '../../infrastructure/database/tokens';
import { CallerCompany } from '../../shared/auth/auth.guard';

export class PayoutItemDto {
  @ApiProperty() partnerCaseId!: string;
  @ApiProperty() invoiceNumber!: string;
  @ApiProperty() partnerPaymentId!: string;
  @ApiProperty({ description: 'Capital collected, öre (settles the receivable, 1510)' }) capitalOre!: number;
  @ApiProperty({ description: 'Interest collected, öre (income, 8313)' }) interestOre!: number;
}

export class PayoutDto {
  @ApiProperty() payoutId!: string;
  @ApiProperty() payoutDate!: string;
  @ApiProperty() amountOre!: number;
  @ApiProperty({ description: 'The reference on the bank transfer' }) reference!: string;
  @ApiProperty({ type: [PayoutItemDto] }) items!: PayoutItemDto[];
  @ApiProperty({ enum: ['announced', 'received'], description: 'received: the bank transfer has arrived and is booked' }) status!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) paymentId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) receivedOn!: string | null;
}

interface Row {
  payout_id: string;
  payout_date: string;
  amount_ore: string | number;
  reference: string;
  items: PayoutItem[] | string;
  payment_id: string | null;
  received_on: string | null;
}

export class ListPayoutsQuery {
  constructor(readonly companyId: string) {}
}

@QueryHandler(ListPayoutsQuery)
export class ListPayoutsHandler implements IQueryHandler<ListPayoutsQuery, PayoutDto[]> {
  constructor(@Inject(SQL_CLIENT) private readonly sql: SqlClient) {}

  async execute({ companyId }: ListPayoutsQuery): Promise<PayoutDto[]> {
    const { rows } = await this.sql.query<Row>(
      `SELECT payout_id, payout_date, amount_ore, reference, items, payment_id, received_on FROM rm_partner_payouts
       WHERE company_id = $1 ORDER BY payout_date DESC, payout_id DESC LIMIT 500`,
      [companyId],
    );
    return rows.map((row) => ({
      payoutId: row.payout_id,
      payoutDate: row.payout_date,
      amountOre: Number(row.amount_ore),
      reference: row.reference,
      items: typeof row.items === 'string' ? (JSON.parse(row.items) as PayoutItem[]) : row.items,
      status: row.payment_id ? 'received' : 'announced',
      paymentId: row.payment_id,
      receivedOn: row.received_on,
    }));
  }
}

@ApiTags('payments')
@ApiBearerAuth()
@Controller('api/payments/payouts')
export class ListPayoutsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOkResponse({ type: [PayoutDto], description: "The collection partner's latest 500 payouts, newest first" })
  list(@CallerCompany() companyId: string): Promise<PayoutDto[]> {
    return this.queries.execute(new ListPayoutsQuery(companyId));
  }
}
