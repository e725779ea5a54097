/**
 * `GET /api/admin/audit/events?case=&company=&from=&to=&format=csv|json|ndjson` (admin): the audit export
 * streamed from the event log, for when the operator's tool cannot open the embedded store itself because
 * this process holds it.
 */
import { BadRequestException, Controller, Get, Inject, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { type EventStore, type SqlClient } from '@pm/event-store';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { type FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { EVENT_STORE, SQL_CLIENT } from '../../infrastructure/database/tokens';
import { RequireRole } from '../../shared/auth/auth.guard';
import { ErrorDto } from '../../shared/http/address.dto';
import { AuditFilterError, type AuditFilterInput, companyIdFromParam, parseAuditFilter } from './audit-filter';
import { AUDIT_CONTENT_TYPES, AUDIT_FORMATS, type AuditFormat, formatAuditRows } from './audit-formats';
import { type AuditRow, exportAuditEvents } from './export-audit-events';

export class AuditExportQueryDto {
  @ApiPropertyOptional({ description: "A case id: the events whose data carries it (they live in the invoice's stream)" })
  @IsOptional()
  @IsString()
  case?: string;

  @ApiPropertyOptional({ example: '556036-0793', description: "The company's organisation number, or its id" })
  @IsOptional()
  @IsString()
  company?: string;

  @ApiPropertyOptional({ example: '2026-11-01', description: 'On occurredAt, inclusive: a date (from its start in Stockholm) or an instant with a zone' })
  @IsOptional()
  @IsString()
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-30', description: 'On occurredAt, inclusive: a date (the whole day in Stockholm) or an instant with a zone' })
  @IsOptional()
  @IsString()
  to?: string;

  @ApiPropertyOptional({ enum: AUDIT_FORMATS, default: 'csv', description: 'csv (RFC 4180, header row), json (one array) or ndjson (one object per line)' })
  @IsOptional()
  @IsIn(AUDIT_FORMATS, { message: `format must be one of ${AUDIT_FORMATS.join(', ')}` })
  format?: AuditFormat;
}

/** The request's filters as the export reads them; a 400 naming each bad one. */
export function auditFilterFromQuery(query: { case?: string; company?: string; from?: string; to?: string }): AuditFilterInput {
  const input: AuditFilterInput = { caseId: query.case, from: query.from, to: query.to };
  const errors: { field: string; message: string }[] = [];
  if (query.company !== undefined) {
    const companyId = companyIdFromParam(query.company);
    if (companyId) input.companyId = companyId;
    else errors.push({ field: 'company', message: `company must be an organisation number (NNNNNN-NNNN) or a company id, got ${JSON.stringify(query.company)}` });
  }
  try {
    parseAuditFilter(input);
  } catch (error) {
    if (!(error instanceof AuditFilterError)) throw error;
    errors.push(...error.errors);
  }
  if (errors.length > 0)
    throw new BadRequestException({ code: 'AUDIT.INVALID_FILTER', message: `The filter is not valid: ${errors.map((e) => e.message).join('; ')}.`, errors });
  return input;
}

/** Reads the first row before anything is sent, so a failing store still answers with an error status, not a cut-off file. */
async function primed(rows: AsyncIterable<AuditRow>): Promise<AsyncIterable<AuditRow>> {
  const iterator = rows[Symbol.asyncIterator]();
  const first = await iterator.next();
  return {
    async *[Symbol.asyncIterator]() {
      try {
        if (first.done) return;
        yield first.value;
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
      } finally {
        await iterator.return?.();
      }
    },
  };
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/admin/audit')
export class AuditExportController {
  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('events')
  @RequireRole('admin')
  @ApiProduces('text/csv', 'application/json', 'application/x-ndjson')
  @ApiOkResponse({
    description:
      'Every event of the event log matching the filters, in global order: position, stream and version, event id, type, occurredAt, ' +
      'recordedAt, actor, reason, correlation and causation ids, company, case, data, previousHash, hash and the whole metadata. ' +
      'Streamed; a response cut off by a failure ends without its last chunk (the connection is reset), never as a shorter file.',
    content: {
      'text/csv': { schema: { type: 'string' } },
      'application/json': { schema: { type: 'array', items: { type: 'object', additionalProperties: true } } },
      'application/x-ndjson': { schema: { type: 'string' } },
    },
  })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'AUDIT.INVALID_FILTER: a bad case id, company, date or period' })
  @ApiForbiddenResponse({ type: ErrorDto, description: 'Not an admin token' })
  async export(@Query() query: AuditExportQueryDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<StreamableFile> {
    const filter = auditFilterFromQuery(query);
    const format = query.format ?? 'csv';
    const rows = await primed(exportAuditEvents({ sql: this.sql, store: this.store }, filter));
    const extension = format === 'ndjson' ? 'ndjson' : format;
    reply.header('Content-Type', AUDIT_CONTENT_TYPES[format]).header('Content-Disposition', `attachment; filename="audit-events.${extension}"`);
    return new StreamableFile(Readable.from(formatAuditRows(rows, format)));
  }
}
