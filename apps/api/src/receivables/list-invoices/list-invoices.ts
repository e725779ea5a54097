import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { type IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { INVOICE_STATUSES, stockholmDate } from '@pm/domain';
import { type SqlClient } from '@pm/event-store';
import { Transform, Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { type FastifyReply } from 'fastify';
import { Clock } from '../../infrastructure/event-sourcing/clock';
import { SQL_CLIENT } from '../../infrastructure/database/tokens';
import { CallerCompany } from '../../shared/auth/auth.guard';
import { ErrorDto } from '../../shared/http/address.dto';
import { InvoiceNumberPipe } from '../../shared/http/params';
import { type InvoiceRow, InvoiceReader } from '../invoice-view/invoice-reader';
import { InvoiceView } from '../invoice-view/invoice-view';

const SORTS = {
  invoiceNumber: 'invoice_number',
  invoiceDate: 'invoice_date',
  dueDate: 'due_date',
  customer: 'lower(customer_name)',
  total: 'total_ore',
  claim: 'remaining_ore',
  status: 'status', // sorted by STATUS_ORDER instead: see the handler
  sentAt: 'sent_at',
  updatedAt: 'updated_at',
} as const;

/** The statuses in an invoice's life order (not due, overdue, the case's stages, closed), for sorting by status instead of by its code. */
const STATUS_ORDER = `ARRAY[${INVOICE_STATUSES.map((status) => `'${status}'`).join(', ')}]::text[]`;

export class ListInvoicesQueryDto {
  @ApiPropertyOptional({ enum: INVOICE_STATUSES, isArray: true, description: 'One or more statuses, comma-separated' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').filter(Boolean) : value))
  @IsArray()
  @IsIn(INVOICE_STATUSES, { each: true })
  status?: string[];

  @ApiPropertyOptional({ description: 'true: only unpaid invoices past their last day to pay; false: only the others' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  overdue?: boolean;

  @ApiPropertyOptional({ description: 'Search in invoice number, customer name and OCR' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ enum: Object.keys(SORTS), default: 'dueDate', description: 'status sorts in the order of an invoice\'s life (as the status filter lists them), not by the codes\' spelling' })
  @IsOptional()
  @IsIn(Object.keys(SORTS))
  sort?: keyof typeof SORTS;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';

  @ApiPropertyOptional({ default: 1, minimum: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  page?: number;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  pageSize?: number;
}

export class InvoicePageDto {
  @ApiProperty({ type: [InvoiceView] }) items!: InvoiceView[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}

export class ListInvoicesQuery {
  constructor(
    readonly companyId: string,
    readonly filter: ListInvoicesQueryDto,
  ) {}
}

export class GetInvoiceQuery {
  constructor(
    readonly companyId: string,
    readonly invoiceNumber: string,
  ) {}
}

/**
 * The status as the list shows it: invoices without a case become not_due/overdue by today's date.
 * `today` is computed here (never user input) and checked, so it is inlined as a literal.
 */
function statusSql(today: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new Error(`Not a date: ${today}`);
  return `CASE WHEN base_status = 'open' THEN (CASE WHEN last_day_to_pay < '${today}' THEN 'overdue' ELSE 'not_due' END) ELSE base_status END`;
}

@QueryHandler(ListInvoicesQuery)
export class ListInvoicesHandler implements IQueryHandler<ListInvoicesQuery, InvoicePageDto> {
  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    private readonly clock: Clock,
    private readonly reader: InvoiceReader,
  ) {}

  async execute({ companyId, filter }: ListInvoicesQuery): Promise<InvoicePageDto> {
    const now = this.clock.now();
    const today = stockholmDate(now);
    const STATUS_SQL = statusSql(today);
    const params: unknown[] = [companyId];
    const where = ['company_id = $1'];
    if (filter.status?.length) {
      params.push(filter.status);
      where.push(`${STATUS_SQL} = ANY($${params.length})`);
    }
    if (filter.overdue !== undefined)
      where.push(
        `${filter.overdue ? '' : 'NOT '}(last_day_to_pay < '${today}' AND remaining_ore > 0 AND base_status NOT IN ('credited', 'paid'))`,
      );
    if (filter.q?.trim()) {
      params.push(`%${filter.q.trim().toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(`search LIKE $${params.length}`);
    }
    const page = filter.page ?? 1;
    const pageSize = filter.pageSize ?? 50;
    const order = filter.order === 'desc' ? 'DESC' : 'ASC';
    const sort = filter.sort === 'status' ? `array_position(${STATUS_ORDER}, ${STATUS_SQL})` : SORTS[filter.sort ?? 'dueDate'];
    const whereSql = where.join(' AND ');
    const [{ rows }, count] = await Promise.all([
      this.sql.query<InvoiceRow>(
        `SELECT state, version, updated_at, ${STATUS_SQL} AS status FROM rm_invoices WHERE ${whereSql}
         ORDER BY ${sort} ${order} NULLS LAST, invoice_number ${order} LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
        params,
      ),
      this.sql.query<{ total: string | number }>(`SELECT count(*) AS total FROM rm_invoices WHERE ${whereSql}`, params),
    ]);
    const nowIso = now.toISOString();
    return { items: rows.map((row) => this.reader.toView(row, nowIso)), total: Number(count.rows[0].total), page, pageSize };
  }
}

@QueryHandler(GetInvoiceQuery)
export class GetInvoiceHandler implements IQueryHandler<GetInvoiceQuery, InvoiceView> {
  constructor(private readonly reader: InvoiceReader) {}
  execute({ companyId, invoiceNumber }: GetInvoiceQuery): Promise<InvoiceView> {
    return this.reader.get(companyId, invoiceNumber);
  }
}

@ApiTags('invoices')
@ApiBearerAuth()
@Controller('api/invoices')
export class InvoicesQueryController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOkResponse({ type: InvoicePageDto })
  list(@CallerCompany() companyId: string, @Query() filter: ListInvoicesQueryDto): Promise<InvoicePageDto> {
    return this.queries.execute(new ListInvoicesQuery(companyId, filter));
  }

  @Get(':invoiceNumber')
  @ApiOkResponse({ type: InvoiceView, headers: { ETag: { description: 'The version, for If-Match' } } })
  @ApiNotFoundResponse({ type: ErrorDto })
  async get(
    @CallerCompany() companyId: string,
    @Param('invoiceNumber', InvoiceNumberPipe) invoiceNumber: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<InvoiceView> {
    const invoice: InvoiceView = await this.queries.execute(new GetInvoiceQuery(companyId, invoiceNumber));
    reply.header('ETag', `"${invoice.version}"`);
    return invoice;
  }
}
