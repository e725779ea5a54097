/**
 * `GET /api/reports/overview`: the company's receivables at a glance — ageing of what is still owed,
 * the cases by status, and what was collected per month (by the bank, registered by hand, through the
 * partner; and how much of it came while a case ran). Read from the read models in three queries.
 */
import { Controller, Get, Inject } from '@nestjs/common';
import { type IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { addDays, stockholmDate } from '@pm/domain';
import { type SqlClient } from '@pm/event-store';
import { SQL_CLIENT } from '../../infrastructure/database/tokens';
import { Clock } from '../../infrastructure/event-sourcing/clock';
import { CallerCompany } from '../../shared/auth/auth.guard';

export const AGEING_BUCKETS = ['not_due', 'overdue_1_30', 'overdue_31_60', 'overdue_61_90', 'overdue_91_plus'] as const;

export class AgeingBucketDto {
  @ApiProperty({ enum: AGEING_BUCKETS, description: 'Days past the last day to pay on time' }) bucket!: string;
  @ApiProperty() invoices!: number;
  @ApiProperty({ description: 'Still owed by the customers, öre' }) remainingOre!: number;
}

export class CasesByStatusDto {
  @ApiProperty({ example: 'reminder_sent' }) status!: string;
  @ApiProperty() cases!: number;
}

export class CollectedMonthDto {
  @ApiProperty({ example: '2026-11' }) month!: string;
  @ApiProperty({ description: 'Matched from bank files, öre' }) bankOre!: number;
  @ApiProperty({ description: 'Registered by hand, öre' }) manualOre!: number;
  @ApiProperty({ description: 'Paid to the collection partner, öre' }) partnerOre!: number;
  @ApiProperty({ description: 'Of all the above, what came while a reminder case ran' }) duringCaseOre!: number;
  @ApiProperty() totalOre!: number;
}

export class ReportOverviewDto {
  @ApiProperty({ example: '2026-11-23' }) asOf!: string;
  @ApiProperty({ type: [AgeingBucketDto] }) ageing!: AgeingBucketDto[];
  @ApiProperty({ type: [CasesByStatusDto], description: 'The current (or last) case of each invoice, by status' }) casesByStatus!: CasesByStatusDto[];
  @ApiProperty({ type: [CollectedMonthDto], description: 'The last twelve months, oldest first' }) collected!: CollectedMonthDto[];
}

export class ReportOverviewQuery {
  constructor(readonly companyId: string) {}
}

const months = (today: string): string[] => {
  const [y, m] = today.split('-').map(Number);
  return Array.from({ length: 12 }, (_, i) => {
    const index = y * 12 + (m - 1) - (11 - i);
    return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
  });
};

@QueryHandler(ReportOverviewQuery)
export class ReportOverviewHandler implements IQueryHandler<ReportOverviewQuery, ReportOverviewDto> {
  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    private readonly clock: Clock,
  ) {}

  async execute({ companyId }: ReportOverviewQuery): Promise<ReportOverviewDto> {
    const today = stockholmDate(this.clock.now());
    const span = months(today);
    const [ageing, cases, collected] = await Promise.all([
      this.sql.query<{ bucket: string; invoices: string | number; remaining: string | number }>(
        `SELECT CASE
             WHEN last_day_to_pay >= $2 THEN 'not_due'
             WHEN last_day_to_pay >= $3 THEN 'overdue_1_30'
             WHEN last_day_to_pay >= $4 THEN 'overdue_31_60'
             WHEN last_day_to_pay >= $5 THEN 'overdue_61_90'
             ELSE 'overdue_91_plus' END AS bucket,
           count(*) AS invoices, coalesce(sum(remaining_ore), 0) AS remaining
         FROM rm_invoices WHERE company_id = $1 AND remaining_ore > 0 AND base_status NOT IN ('credited', 'written_off')
         GROUP BY 1`,
        [companyId, today, addDays(today, -30), addDays(today, -60), addDays(today, -90)],
      ),
      this.sql.query<{ status: string; cases: string | number }>(
        'SELECT case_status AS status, count(*) AS cases FROM rm_invoices WHERE company_id = $1 AND case_id IS NOT NULL GROUP BY 1 ORDER BY 1',
        [companyId],
      ),
      this.sql.query<{ month: string; source: string; during_case: boolean; total: string | number }>(
        `SELECT substr(data->>'paidOn', 1, 7) AS month, data->>'source' AS source, (data ? 'caseId') AS during_case, sum((data->>'amountOre')::bigint) AS total
         FROM rm_audit WHERE company_id = $1 AND type = 'PaymentRegistered' AND data->>'paidOn' >= $2
         GROUP BY 1, 2, 3`,
        [companyId, `${span[0]}-01`],
      ),
    ]);
    const byBucket = new Map(ageing.rows.map((row) => [row.bucket, row]));
    const byMonth = new Map(span.map((month) => [month, { month, bankOre: 0, manualOre: 0, partnerOre: 0, duringCaseOre: 0, totalOre: 0 }]));
    for (const row of collected.rows) {
      const entry = byMonth.get(row.month);
      if (!entry) continue;
      const ore = Number(row.total);
      if (row.source === 'bank') entry.bankOre += ore;
      else if (row.source === 'partner') entry.partnerOre += ore;
      else entry.manualOre += ore;
      if (row.during_case) entry.duringCaseOre += ore;
      entry.totalOre += ore;
    }
    return {
      asOf: today,
      ageing: AGEING_BUCKETS.map((bucket) => ({ bucket, invoices: Number(byBucket.get(bucket)?.invoices ?? 0), remainingOre: Number(byBucket.get(bucket)?.remaining ?? 0) })),
      casesByStatus: cases.rows.map((row) => ({ status: row.status, cases: Number(row.cases) })),
      collected: [...byMonth.values()],
    };
  }
}

@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/reports')
export class ReportOverviewController {
  constructor(private readonly queries: QueryBus) {}

  @Get('overview')
  @ApiOkResponse({ type: ReportOverviewDto })
  overview(@CallerCompany() companyId: string): Promise<ReportOverviewDto> {
    return this.queries.execute(new ReportOverviewQuery(companyId));
  }
}
