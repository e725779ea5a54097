/**
 * `GET /api/accounting/sie?from=&to=`: the booked payment entries of a period as a SIE 4 import file
 * (type 4I, codepage 437, one balanced #VER per entry), for the company's accounting program.
 */
import { BadRequestException, Controller, Get, Inject, NotFoundException, Query, Res } from '@nestjs/common';
import { type IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ACCOUNT_NAMES, type JournalLine, stockholmDate } from '@pm/domain';
import { type SqlClient } from '@pm/event-store';
import { type SieDocument, writeSie4 } from '@pm/sie';
import { IsISO8601, IsOptional, Matches } from 'class-validator';
import { type FastifyReply } from 'fastify';
import { CompanyDirectory } from '../../companies';
import { Clock } from '../../infrastructure/event-sourcing/clock';
import { SQL_CLIENT } from '../../infrastructure/database/tokens';
import { CallerCompany } from '../../shared/auth/auth.guard';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class SieExportQueryDto {
  @ApiPropertyOptional({ example: '2026-01-01', description: 'First booking date (default: the start of this year)' })
  @IsOptional()
  @Matches(DATE, { message: 'from must be a date written YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'from must be a real date' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'Last booking date (default: today)' })
  @IsOptional()
  @Matches(DATE, { message: 'to must be a date written YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'to must be a real date' })
  to?: string;
}

export class SieExportQuery {
  constructor(
    readonly companyId: string,
    readonly from: string | undefined,
    readonly to: string | undefined,
  ) {}
}

interface JournalRow {
  entry_date: string;
  text: string;
  lines: JournalLine[] | string;
}

@QueryHandler(SieExportQuery)
export class SieExportHandler implements IQueryHandler<SieExportQuery, { file: Buffer; filename: string }> {
  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    private readonly clock: Clock,
    private readonly companies: CompanyDirectory,
  ) {}

  async execute({ companyId, from, to }: SieExportQuery) {
    const today = stockholmDate(this.clock.now());
    const start = from ?? `${today.slice(0, 4)}-01-01`;
    const end = to ?? today;
    if (start > end) throw new BadRequestException({ code: 'REQUEST.INVALID_PERIOD', message: 'from must not be after to.' });
    const company = await this.companies.state(companyId);
    if (company.status !== 'registered') throw new NotFoundException({ code: 'COMPANY.NOT_FOUND', message: 'The company is not registered.' });
    const { rows } = await this.sql.query<JournalRow>(
      `SELECT entry_date, text, lines FROM rm_journal WHERE company_id = $1 AND entry_date BETWEEN $2 AND $3
       ORDER BY entry_date, position_commit, position_prepare`,
      [companyId, start, end],
    );
    const vouchers = rows.map((row) => ({
      series: '',
      date: row.entry_date,
      text: row.text,
      transactions: (typeof row.lines === 'string' ? (JSON.parse(row.lines) as JournalLine[]) : row.lines).map((line) => ({
        account: line.account,
        amountOre: line.amountOre,
        ...(line.text ? { text: line.text } : {}),
      })),
    }));
    const used = [...new Set(vouchers.flatMap((v) => v.transactions.map((t) => t.account)))].sort();
    const document: SieDocument = {
      flag: 0,
      program: { name: 'Påminnelsehantering', version: '0.1' },
      format: 'PC8',
      generated: { date: today },
      sieType: 4,
      company: { name: company.name, organisationNumber: company.organisationNumber },
      fiscalYears: [],
      currency: 'SEK',
      accounts: used.map((number) => ({ number, name: ACCOUNT_NAMES[number] ?? number })),
      vouchers,
    };
    return { file: writeSie4(document, { type: '4I' }), filename: `betalningar-${start}-${end}.si` };
  }
}

@ApiTags('accounting')
@ApiBearerAuth()
@Controller('api/accounting')
export class SieExportController {
  constructor(private readonly queries: QueryBus) {}

  @Get('sie')
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'A SIE 4 import file (type 4I, #FORMAT PC8: codepage 437, CRLF) with one balanced #VER per booked payment',
    content: { 'text/plain': { schema: { type: 'string', format: 'binary' } } },
  })
  async export(@CallerCompany() companyId: string, @Query() query: SieExportQueryDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const { file, filename } = await this.queries.execute(new SieExportQuery(companyId, query.from, query.to));
    reply.header('Content-Type', 'text/plain; charset=IBM437').header('Content-Disposition', `attachment; filename="${filename}"`);
    return file;
  }
}
